// Options of long polling (Java BrokerConfig longPollingEnable / shortPollingTimeMills and
// PullRequestHoldService), resolved once (STYLE.md habit 8).

export interface PullHoldOptions {
  /** Park PULL_NOT_FOUND pulls that ask for SUSPEND until a message arrives. @default true */
  longPollingEnable?: boolean;
  /**
   * Longest a pull is held, whatever the client asks. ali-ons closes the whole connection when a pull
   * is not answered within 30 s (reference §2.1), so this stays well below that. @default 20000
   */
  maxSuspendMillis?: number;
  /** Hold time when long polling is disabled (Java shortPollingTimeMills). @default 1000 */
  shortPollingMillis?: number;
  /**
   * How often held pulls are checked for timeouts and for arrivals a wake-up missed (Java checks every
   * 5 s; shorter keeps timeouts close to what the client asked). @default 1000
   */
  checkIntervalMillis?: number;
  /** Most pulls held at once; beyond this a pull is answered at once with PULL_NOT_FOUND. @default 100000 */
  maxHeldRequests?: number;
}

export type ResolvedPullHoldOptions = Required<PullHoldOptions>;

export const DEFAULT_MAX_SUSPEND_MILLIS = 20_000;
export const DEFAULT_SHORT_POLLING_MILLIS = 1_000;
export const DEFAULT_HOLD_CHECK_INTERVAL_MILLIS = 1_000;
export const DEFAULT_MAX_HELD_REQUESTS = 100_000;

export function resolvePullHoldOptions(options: PullHoldOptions = {}): ResolvedPullHoldOptions {
  const resolved: ResolvedPullHoldOptions = {
    longPollingEnable: options.longPollingEnable ?? true,
    maxSuspendMillis: options.maxSuspendMillis ?? DEFAULT_MAX_SUSPEND_MILLIS,
    shortPollingMillis: options.shortPollingMillis ?? DEFAULT_SHORT_POLLING_MILLIS,
    checkIntervalMillis: options.checkIntervalMillis ?? DEFAULT_HOLD_CHECK_INTERVAL_MILLIS,
    maxHeldRequests: options.maxHeldRequests ?? DEFAULT_MAX_HELD_REQUESTS,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < (name === 'maxHeldRequests' ? 0 : 1))) {
      throw new RangeError(`long polling option ${name} must be a positive integer, got ${value}`);
    }
  }
  return resolved;
}
