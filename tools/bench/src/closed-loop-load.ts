// The closed loop every throughput row drives: N callers, each awaiting one operation at a time,
// which is what N concurrent callers of a client look like. The echo, raw-send, Producer,
// sustained-window and store-put loads differ only in what one operation is and what makes its
// answer a failure.

export interface Load {
  start(inFlight: number): void;
  /** Stops starting new round trips; resolves when the outstanding ones finished. */
  stop(): Promise<void>;
}

export type RoundTripListener = (latencyMs: number) => void;

/**
 * A subclass says what one operation is (`issue`, returning the client's own promise, so the loop
 * adds no async frame of its own to what is measured) and what makes its answer a failure (`check`,
 * which throws: a failed operation fails the run instead of counting as a slow one).
 */
export abstract class ClosedLoopLoad<Answer> implements Load {
  private stopped = false;
  private workers: Promise<void>[] = [];

  constructor(private readonly onRoundTrip: RoundTripListener) {}

  protected abstract issue(): Promise<Answer>;
  protected abstract check(answer: Answer): void;

  start(inFlight: number): void {
    this.stopped = false;
    this.workers = Array.from({ length: inFlight }, () => this.worker());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  /** Rejects as soon as an operation fails (resolves once stopped): for racing against a window. */
  failure(): Promise<void> {
    return Promise.all(this.workers).then(() => undefined);
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      this.check(await this.issue());
      this.onRoundTrip(performance.now() - started);
    }
  }
}
