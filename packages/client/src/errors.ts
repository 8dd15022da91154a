// One error type for everything the client refuses or fails at, with a stable code callers can
// switch on (STYLE.md habit 7). Messages are for humans and say what to do.
import { PulsejetError } from '@pulsejet/protocol';

const CLIENT_ERROR_BRAND = Symbol.for('pulsejet.error.client');

/** Codes of {@link ClientError}. The values are stable: they are part of the public API. */
export const ClientErrorCode = {
  /** Options or arguments that can never work (empty group, invalid topic or expression, a bad combination). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The client was used before start() or after close(). */
  NOT_RUNNING: 'NOT_RUNNING',
  /** No nameserver knows the topic, or its route has no usable queue. */
  NO_ROUTE: 'NO_ROUTE',
  /** A broker answered with a response code that is not success; `responseCode` holds it. */
  BROKER_ERROR: 'BROKER_ERROR',
  /** Every attempt (the first and the retries) failed; `cause` is the last failure. */
  SEND_FAILED: 'SEND_FAILED',
  /** No answer within the configured time. */
  TIMEOUT: 'TIMEOUT',
  /** A broker could not be reached (connection refused or lost). */
  BROKER_UNREACHABLE: 'BROKER_UNREACHABLE',
  /** A received message can't be read: a compressed body that doesn't inflate, an unsupported compression, a body that is not JSON. */
  BAD_MESSAGE: 'BAD_MESSAGE',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

const RETRIABLE: Record<ClientErrorCode, boolean> = {
  INVALID_ARGUMENT: false,
  NOT_RUNNING: false,
  NO_ROUTE: true,
  BROKER_ERROR: false,
  SEND_FAILED: false,
  TIMEOUT: true,
  BROKER_UNREACHABLE: true,
  BAD_MESSAGE: false,
};

export interface ClientErrorOptions {
  cause?: unknown;
  /** The broker's response code, for BROKER_ERROR. */
  responseCode?: number;
  /** Overrides the code's default (e.g. a BROKER_ERROR for SYSTEM_BUSY is retriable). */
  retriable?: boolean;
}

export class ClientError extends PulsejetError {
  override readonly name: string = 'ClientError';
  declare readonly code: ClientErrorCode;
  readonly responseCode: number | undefined;
  readonly [CLIENT_ERROR_BRAND] = true;

  constructor(code: ClientErrorCode, message: string, options: ClientErrorOptions = {}) {
    super(code, message, { retriable: options.retriable ?? RETRIABLE[code], ...('cause' in options ? { cause: options.cause } : {}) });
    this.responseCode = options.responseCode;
  }

  static override is(value: unknown): value is ClientError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CLIENT_ERROR_BRAND] === true;
  }
}
