/**
 * A background loop in the manner of RocketMQ's ServiceThread: runs `task` every `intervalMs`, or
 * sooner when woken, never two runs at once, and stops cleanly (STYLE.md habit 9). It lives in
 * protocol, beside PulsejetError, because every layer needs it and protocol is the one package all
 * layers may import; it does no I/O. Used by the store (flush, dispatch, retention), the nameserver
 * (broker expiry), broker registration, route polling and the broker's schedule and client loops.
 */
export interface ServiceLoopOptions {
  name: string;
  intervalMs: number;
  task: (signal: AbortSignal) => Promise<void> | void;
  /** Called when a run throws; the loop carries on. @default emits a process warning */
  onError?: (error: unknown) => void;
}

export class ServiceLoop {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private started = false;

  constructor(private readonly options: ServiceLoopOptions) {}

  /** Schedules the first run one interval from now. Idempotent; no-op after close. */
  start(): void {
    if (this.started || this.controller.signal.aborted) return;
    this.started = true;
    this.schedule(this.options.intervalMs);
  }

  /** Run as soon as possible (coalesced with a run in progress: it runs once more afterwards). */
  wakeup(): void {
    if (!this.started || this.controller.signal.aborted) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Runs the task once now and waits for it (used by close paths and tests). */
  async runNow(): Promise<void> {
    while (this.running) await this.running;
    await this.run();
  }

  /** Stops the loop and waits for a run in progress. Idempotent. */
  async close(): Promise<void> {
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    // A background loop never keeps the process alive on its own (unref below).
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run().then(() => {
        if (this.controller.signal.aborted) return;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.schedule(again ? 0 : this.options.intervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.controller.signal.aborted && this.started) return;
    const run = (async () => {
      try {
        await this.options.task(this.controller.signal);
      } catch (error) {
        (this.options.onError ?? defaultOnError(this.options.name))(error);
      }
    })();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = undefined;
    }
  }
}

function defaultOnError(name: string): (error: unknown) => void {
  return (error) => {
    // A loop must survive a failed run; the next interval retries.
    process.emitWarning(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
}
