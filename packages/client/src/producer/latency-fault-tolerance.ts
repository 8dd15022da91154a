// Avoiding brokers that recently failed or answered slowly (Java MQFaultStrategy +
// LatencyFaultToleranceImpl): after each send the broker's latency maps to a period during which the
// producer prefers other brokers; a failed send counts as 30 s of latency (10 minutes out). A broker
// is never avoided for good: when every broker is out, the queue choice ignores the table.

/** Latency thresholds, ms, and how long a broker at or above each is avoided (Java's two tables). */
export const LATENCY_MAX_MS: readonly number[] = [50, 100, 550, 1000, 2000, 3000, 15000];
export const NOT_AVAILABLE_DURATION_MS: readonly number[] = [0, 0, 30_000, 60_000, 120_000, 180_000, 600_000];
/** The latency a failed send counts as (Java: isolation -> 30000). */
export const FAILURE_LATENCY_MS = 30_000;

export function notAvailableDuration(latencyMs: number): number {
  for (let i = LATENCY_MAX_MS.length - 1; i >= 0; i--) {
    if (latencyMs >= LATENCY_MAX_MS[i]!) return NOT_AVAILABLE_DURATION_MS[i]!;
  }
  return 0;
}

export class LatencyFaultTolerance {
  private readonly availableAfter = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a send's outcome: its latency, or a failure (which isolates the broker). */
  update(brokerName: string, latencyMs: number, failed: boolean): void {
    const duration = notAvailableDuration(failed ? FAILURE_LATENCY_MS : latencyMs);
    if (duration === 0) this.availableAfter.delete(brokerName);
    else this.availableAfter.set(brokerName, this.now() + duration);
  }

  isAvailable(brokerName: string): boolean {
    const after = this.availableAfter.get(brokerName);
    return after === undefined || this.now() >= after;
  }
}
