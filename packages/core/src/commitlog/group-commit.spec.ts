import { GroupCommit, type Flushable } from './group-commit';

/** A log whose fsyncs complete when the test says so. */
class ManualLog implements Flushable {
  written = 0;
  private durable = 0;
  readonly calls: Array<() => void> = [];
  flushed(): number {
    return this.durable;
  }
  flush(): Promise<number> {
    const target = this.written;
    return new Promise((resolve) => this.calls.push(() => resolve((this.durable = Math.max(this.durable, target)))));
  }
}

describe('GroupCommit', () => {
  it('answers at once when the offset is already durable', async () => {
    const log = new ManualLog();
    await expect(new GroupCommit(log, 1000, () => undefined).waitFor(0)).resolves.toBe(true);
    expect(log.calls).toHaveLength(0);
  });

  it('shares one fsync between every put waiting when it starts, and starts the next for later ones', async () => {
    const log = new ManualLog();
    const commit = new GroupCommit(log, 10_000, () => undefined);
    log.written = 100;
    const first = [commit.waitFor(40), commit.waitFor(100)];
    expect(log.calls).toHaveLength(1);
    log.written = 200;
    const late = commit.waitFor(200); // arrives while the first fsync runs
    expect(log.calls).toHaveLength(1);
    log.calls[0]!();
    await expect(Promise.all(first)).resolves.toEqual([true, true]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.calls).toHaveLength(2);
    log.calls[1]!();
    await expect(late).resolves.toBe(true);
    expect(commit.fsyncs()).toBe(2);
    expect(commit.pending()).toBe(0);
  });

  it('answers false (FLUSH_DISK_TIMEOUT) when no fsync covers the put in time', async () => {
    const log = new ManualLog();
    const commit = new GroupCommit(log, 20, () => undefined);
    log.written = 10;
    await expect(commit.waitFor(10)).resolves.toBe(false);
    expect(commit.pending()).toBe(0);
  });

  it('keeps waiters through a failed fsync and reports the error', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const log: Flushable = {
      flushed: () => (fail ? 0 : 10),
      flush: () => (fail ? ((fail = false), Promise.reject(new Error('EIO'))) : Promise.resolve(10)),
    };
    const commit = new GroupCommit(log, 5000, (error) => errors.push(error));
    await expect(commit.waitFor(10)).resolves.toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('releases everyone on abandon', async () => {
    const log = new ManualLog();
    const commit = new GroupCommit(log, 60_000, () => undefined);
    log.written = 5;
    const waiting = commit.waitFor(5);
    commit.abandon();
    await expect(waiting).resolves.toBe(false);
  });
});
