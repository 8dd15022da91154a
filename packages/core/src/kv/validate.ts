// Argument checks shared by the kv components. They throw (a caller bug, not an expected outcome),
// naming the operation and the argument so the message says what to fix.

export function assertNonEmptyString(where: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${where}: ${what} must be a non-empty string, got ${describe(value)}`);
  }
}

/** Offsets, timestamps and counts: integers in [0, 2^53), so they round-trip exactly through hex and JSON. */
export function assertNonNegativeInteger(where: string, what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${where}: ${what} must be a non-negative safe integer, got ${describe(value)}`);
  }
}

export function assertPositiveInteger(where: string, what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${where}: ${what} must be a positive safe integer, got ${describe(value)}`);
  }
}

export function assertInteger(where: string, what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${where}: ${what} must be a safe integer, got ${describe(value)}`);
  }
}

export function assertBoolean(where: string, what: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${where}: ${what} must be a boolean, got ${describe(value)}`);
  }
}

export function assertStringRecord(where: string, what: string, value: unknown): asserts value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new TypeError(`${where}: ${what} must be an object of string values`);
  }
}

/** `{ ...defaults, ...partial }` would let an explicit `undefined` in partial erase a default. */
export function withoutUndefined<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}

/** A time bound in milliseconds: any number but NaN (bounds outside the stored range simply match nothing more). */
export function assertTimestamp(where: string, what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RangeError(`${where}: ${what} must be a number of milliseconds, got ${describe(value)}`);
  }
}
