// Typed reads of a request's extFields (the custom header), as Java's decodeCommandCustomHeader
// does: @CFNotNull fields must be present, Long/Integer/Boolean fields must parse. A bad field
// throws BadRequestError, which the nameserver answers with SYSTEM_ERROR and the message as remark
// (Java answers a RemotingCommandException the same way).

export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

export function requireString(ext: Record<string, string>, name: string, options: { allowEmpty?: boolean } = {}): string {
  const value = ext[name];
  if (value === undefined) throw new BadRequestError(`extFields.${name} is missing; it is required`);
  if (value === '' && !options.allowEmpty) throw new BadRequestError(`extFields.${name} is empty; it is required`);
  return value;
}

export function optionalString(ext: Record<string, string>, name: string): string | undefined {
  return ext[name];
}

/** A Java Long/Integer field; must be a decimal integer within ±2^53. */
export function requireInteger(ext: Record<string, string>, name: string): number {
  const value = requireString(ext, name);
  return parseInteger(value, name);
}

export function optionalInteger(ext: Record<string, string>, name: string, fallback: number): number {
  const value = ext[name];
  return value === undefined || value === '' ? fallback : parseInteger(value, name);
}

/** A Java Boolean field: "true" or "false" (Boolean.parseBoolean would take anything else as false). */
export function optionalBoolean(ext: Record<string, string>, name: string, fallback: boolean): boolean {
  const value = ext[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new BadRequestError(`extFields.${name} is ${JSON.stringify(value)}; it must be true or false`);
}

function parseInteger(value: string, name: string): number {
  const parsed = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(parsed)) {
    throw new BadRequestError(`extFields.${name} is ${JSON.stringify(value)}; it must be an integer`);
  }
  return parsed;
}
