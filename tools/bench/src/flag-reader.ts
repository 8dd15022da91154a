// Reads a benchmark's command line flag by flag, for the bench configs' parse*Args functions: each
// bench keeps its own flags and usage text, and gets its own usage error from `usageError`.

export class FlagReader {
  private index = -1;
  private flag: string | undefined;

  constructor(
    private readonly argv: readonly string[],
    /** Builds the bench's usage error (the message names the flag and what is wrong). */
    private readonly usageError: (message: string) => Error,
  ) {}

  /** The next flag, or undefined after the last. */
  next(): string | undefined {
    this.index += 1;
    this.flag = this.argv[this.index];
    return this.flag;
  }

  /** The current flag's value (the next argument), consumed; a usage error when there is none. */
  value(): string {
    const next = this.argv[this.index + 1];
    if (next === undefined) throw this.usageError(`${this.flag} needs a value`);
    this.index += 1;
    return next;
  }

  /** `text` as a number > 0; a usage error naming the current flag otherwise. */
  positive(text: string): number {
    const n = Number(text);
    if (!(n > 0)) throw this.usageError(`${this.flag} needs a positive number, got ${text}`);
    return n;
  }
}
