/**
 * A wait that ends when woken or after a timeout, whichever comes first. Wakeups while nobody waits
 * are remembered once (so a loop never misses growth that happened between its check and its wait).
 */
export class Wakeup {
  private waiter: (() => void) | undefined;
  private signalled = false;

  wake(): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter();
    } else {
      this.signalled = true;
    }
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, Math.max(0, timeoutMs));
      timer.unref();
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
