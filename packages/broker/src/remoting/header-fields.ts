// Reading a request's custom header (extFields, always strings after decoding) into typed fields,
// the way Java RemotingCommand.decodeCommandCustomHeader does: a missing @CFNotNull field or an
// unparsable number fails the request (Java answers SYSTEM_ERROR with the exception text).

export class HeaderError extends Error {
  override readonly name = 'HeaderError';
}

export class HeaderReader {
  constructor(
    private readonly ext: Readonly<Record<string, string>>,
    /** Wire key for each field name (SEND_MESSAGE_V2 uses single letters). */
    private readonly keyOf: (field: string) => string = (field) => field,
  ) {}

  private raw(field: string): string | undefined {
    const value = this.ext[this.keyOf(field)];
    return value === undefined || value === 'null' ? undefined : value;
  }

  string(field: string): string {
    const value = this.raw(field);
    if (value === undefined) throw new HeaderError(`the custom field <${field}> is null`);
    return value;
  }

  optionalString(field: string): string | undefined {
    return this.raw(field);
  }

  int(field: string): number {
    const value = this.optionalInt(field);
    if (value === undefined) throw new HeaderError(`the custom field <${field}> is null`);
    return value;
  }

  optionalInt(field: string): number | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    const parsed = Number(trimmed);
    if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(parsed)) {
      throw new HeaderError(`the custom field <${field}> must be an integer, got ${JSON.stringify(value)}`);
    }
    return parsed;
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    // Java Boolean.parseBoolean: anything but "true" (any case) is false.
    return value.trim().toLowerCase() === 'true';
  }
}
