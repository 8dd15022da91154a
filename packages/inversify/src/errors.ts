// One error type for what the decorator API refuses (STYLE.md habit 7): a stable code to switch
// on, and a message that names the class and method at fault and says what to change.
import { PulsejetError } from '@pulsejet/protocol';

const INVERSIFY_ERROR_BRAND = Symbol.for('pulsejet.error.inversify');

/** Codes of {@link PulsejetConfigError}. The values are stable: they are part of the public API. */
export const PulsejetConfigErrorCode = {
  /** A decorator option has a wrong type or value, or options that can't go together (broadcasting + orderly). */
  INVALID_OPTION: 'INVALID_OPTION',
  /** A decorator got an option it does not know (often a typo). */
  UNKNOWN_OPTION: 'UNKNOWN_OPTION',
  /** Two handlers of one group disagree on the group's settings, or subscribe to one topic twice. */
  CONFLICTING_SUBSCRIPTIONS: 'CONFLICTING_SUBSCRIPTIONS',
  /** startPulsejet() on a container without PulsejetModule, or a handler class that can't be resolved. */
  NOT_CONFIGURED: 'NOT_CONFIGURED',
  /** Something was used before startPulsejet() or after close(). */
  NOT_RUNNING: 'NOT_RUNNING',
} as const;
export type PulsejetConfigErrorCode = (typeof PulsejetConfigErrorCode)[keyof typeof PulsejetConfigErrorCode];

export class PulsejetConfigError extends PulsejetError {
  override readonly name: string = 'PulsejetConfigError';
  declare readonly code: PulsejetConfigErrorCode;
  readonly [INVERSIFY_ERROR_BRAND] = true;

  constructor(code: PulsejetConfigErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retriable: false, ...('cause' in options ? { cause: options.cause } : {}) });
  }

  static override is(value: unknown): value is PulsejetConfigError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[INVERSIFY_ERROR_BRAND] === true;
  }
}
