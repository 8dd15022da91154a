// Errors of the route body codecs. A JSON body that arrives from a peer and is not what the wire
// schema says is a failure of that peer, so decoding throws; the nameserver turns it into a
// SYSTEM_ERROR reply with the message as remark (never a crash).
import { PulsejetError } from '../errors';

const BODY_ERROR_BRAND = Symbol.for('pulsejet.error.body');

/** Codes of {@link BodyError}. Stable: part of the public API. */
export const BodyErrorCode = {
  /** The body is missing, not UTF-8 JSON, or a field has the wrong type. */
  INVALID_BODY: 'INVALID_BODY',
} as const;
export type BodyErrorCode = (typeof BodyErrorCode)[keyof typeof BodyErrorCode];

/** A JSON body (route, registration, cluster info, KV table) that does not match its schema. */
export class BodyError extends PulsejetError {
  override readonly name: string = 'BodyError';
  declare readonly code: BodyErrorCode;
  readonly [BODY_ERROR_BRAND] = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(BodyErrorCode.INVALID_BODY, message, { ...options, retriable: false });
  }

  static override is(value: unknown): value is BodyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BODY_ERROR_BRAND] === true;
  }
}
