// Stable codes for the kv failures a caller may branch on (STYLE.md habit 7: tests and callers check
// `code`, never message text). These are plain Errors with a `code` property because the shared
// PulsejetError base is not exported by @pulsejet/protocol yet; the codes are meant to carry over
// unchanged when these become PulsejetErrors.
export const KvErrorCode = {
  /** The LevelDB directory is locked: another process (or another handle in this one) has it open. */
  LOCKED: 'KV_LOCKED',
  /** The LevelDB could not be created or opened for another reason (path, permissions, corruption). */
  OPEN_FAILED: 'KV_OPEN_FAILED',
  /** A stored metadata row does not decode; the store refuses to start rather than drop it. */
  CORRUPT_RECORD: 'KV_CORRUPT_RECORD',
  /** Writing dirty offsets failed; they stay in memory and the next flush retries them. Retriable. */
  FLUSH_FAILED: 'KV_FLUSH_FAILED',
  /** The component was closed; open a new one. */
  CLOSED: 'KV_CLOSED',
} as const;
export type KvErrorCode = (typeof KvErrorCode)[keyof typeof KvErrorCode];

export type KvError = Error & { readonly code: KvErrorCode };

export function kvError(code: KvErrorCode, message: string, cause?: unknown): KvError {
  const error = (cause === undefined ? new Error(message) : new Error(message, { cause })) as Error & { code: KvErrorCode };
  error.code = code;
  return error;
}
