// One error hierarchy with stable codes (STYLE.md habit 7). Callers branch on `code`, never on the
// message text; messages are for humans and say what to do.

// Symbol.for brands survive duplicate installs of this package: two copies of the class are not
// `instanceof` each other, but they share the global symbol registry (Inversify's InversifyCoreError).
const PULSEJET_ERROR_BRAND = Symbol.for('pulsejet.error');
const PROTOCOL_ERROR_BRAND = Symbol.for('pulsejet.error.protocol');

export interface PulsejetErrorOptions {
  /** @default false */
  retriable?: boolean;
  cause?: unknown;
}

function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

export class PulsejetError extends Error {
  override readonly name: string = 'PulsejetError';
  readonly code: string;
  /** True when the same operation may succeed if tried again (a busy broker, a timeout). */
  readonly retriable: boolean;
  override readonly cause?: unknown;
  readonly [PULSEJET_ERROR_BRAND] = true;

  constructor(code: string, message: string, options: PulsejetErrorOptions = {}) {
    super(message);
    this.code = code;
    this.retriable = options.retriable ?? false;
    if ('cause' in options) this.cause = options.cause;
  }

  static is(value: unknown): value is PulsejetError {
    return hasBrand(value, PULSEJET_ERROR_BRAND);
  }
}

/** Codes of {@link ProtocolError}. The values are stable: they are part of the public API. */
export const ProtocolErrorCode = {
  /** The buffer ends before the record does (a cut pull reply, a torn write). */
  TRUNCATED_RECORD: 'TRUNCATED_RECORD',
  /** The MAGICCODE word is not a V1 message (or is blank padding where a message was expected). */
  BAD_MAGIC: 'BAD_MAGIC',
  /** A length field is negative, too large for its wire field, or the lengths don't add up. */
  BAD_LENGTH: 'BAD_LENGTH',
  /** A property key or value can't be written in the `\u0001`/`\u0002` format, or is reserved. */
  BAD_PROPERTIES: 'BAD_PROPERTIES',
  /** An offset msgId is not 32 hex characters. */
  BAD_MESSAGE_ID: 'BAD_MESSAGE_ID',
  /** A number is not an integer that fits its wire field (int32, or int64 limited to ±2^53). */
  UNSAFE_INTEGER: 'UNSAFE_INTEGER',
  /** A host is not IPv4 (the V1 layout and ali-ons only know 4-byte addresses) or has a bad port. */
  BAD_HOST: 'BAD_HOST',
  /** A topic name is empty, too long or uses characters outside RocketMQ's alphabet. */
  INVALID_TOPIC: 'INVALID_TOPIC',
  /**
   * A remoting frame is malformed: length prefix below 4, header length beyond the frame, or a
   * serialize-type byte other than 0 (JSON) or 1 (ROCKETMQ). The connection can't be resynchronised.
   */
  BAD_FRAME: 'BAD_FRAME',
  /** A remoting header doesn't decode: invalid JSON, a field of the wrong type, or binary lengths that don't fit. */
  BAD_HEADER: 'BAD_HEADER',
  /** A remoting frame's length is above the configured maximum (16 MiB by default, as in Java). */
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  /** A subscription's tag expression names no tag ('||') or mixes '*' with tags. */
  INVALID_EXPRESSION: 'INVALID_EXPRESSION',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** Bytes or values that can't be encoded or decoded. Never retriable: the same input fails again. */
export class ProtocolError extends PulsejetError {
  override readonly name: string = 'ProtocolError';
  // `declare`: narrows the type only; a field here would overwrite the value set by super().
  declare readonly code: ProtocolErrorCode;
  readonly [PROTOCOL_ERROR_BRAND] = true;

  constructor(code: ProtocolErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: false });
  }

  static override is(value: unknown): value is ProtocolError {
    return hasBrand(value, PROTOCOL_ERROR_BRAND);
  }
}
