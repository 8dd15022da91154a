// Routing failures, one PulsejetError subclass with stable codes (STYLE.md habit 7). Callers branch
// on `code`; the messages say what to do.
import { PulsejetError } from '@pulsejet/protocol';

const ROUTING_ERROR_BRAND = Symbol.for('pulsejet.error.routing');

/** Codes of {@link RoutingError}. The values are stable: they are part of the public API. */
export const RoutingErrorCode = {
  /** The nameserver has no route for the topic (TOPIC_NOT_EXIST, 17): no broker serves it yet. */
  TOPIC_NOT_EXIST: 'TOPIC_NOT_EXIST',
  /** No nameserver of the list could be reached (connect failure, timeout, closed channel) on any address. */
  NAMESRV_UNAVAILABLE: 'NAMESRV_UNAVAILABLE',
  /** A nameserver answered with an unexpected response code; `responseCode` holds it. */
  UNEXPECTED_RESPONSE: 'UNEXPECTED_RESPONSE',
  /** The KV config file exists but is not the JSON this nameserver writes. */
  KV_CONFIG_CORRUPT: 'KV_CONFIG_CORRUPT',
  /** The component was closed; create a new one. */
  CLOSED: 'CLOSED',
} as const;
export type RoutingErrorCode = (typeof RoutingErrorCode)[keyof typeof RoutingErrorCode];

const RETRIABLE: Record<RoutingErrorCode, boolean> = {
  TOPIC_NOT_EXIST: false,
  NAMESRV_UNAVAILABLE: true,
  UNEXPECTED_RESPONSE: false,
  KV_CONFIG_CORRUPT: false,
  CLOSED: false,
};

export class RoutingError extends PulsejetError {
  override readonly name: string = 'RoutingError';
  declare readonly code: RoutingErrorCode;
  /** The nameserver's response code, when the error comes from a response. */
  readonly responseCode: number | undefined;
  readonly [ROUTING_ERROR_BRAND] = true;

  constructor(code: RoutingErrorCode, message: string, options: { cause?: unknown; responseCode?: number } = {}) {
    super(code, message, { retriable: RETRIABLE[code], ...('cause' in options ? { cause: options.cause } : {}) });
    this.responseCode = options.responseCode;
  }

  static override is(value: unknown): value is RoutingError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ROUTING_ERROR_BRAND] === true;
  }
}
