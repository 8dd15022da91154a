import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Harness, SMALL_STORE, expectSameLog, expectSameQueues, fill, uniqueTopic, waitFor } from './ha-harness';

const CHILD = path.join(__dirname, 'slave-child.ts');
/** `--import tsx` resolves tsx from the working directory's node_modules. */
const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

/** A slave in a child process; `offset` is the last end offset it printed. */
class SlaveProcess {
  offset = -1;
  refused = false;
  exited = false;
  stderr = '';
  private readonly child: ChildProcess;
  private partial = '';

  constructor(dir: string, address: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, address, JSON.stringify(SMALL_STORE)], { cwd: WORKSPACE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) {
        const parsed = JSON.parse(line) as { kind: string; offset?: number };
        if (parsed.kind === 'refused') this.refused = true;
        if (parsed.offset !== undefined) this.offset = parsed.offset;
      }
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8192);
    });
    this.child.once('close', () => {
      this.exited = true;
    });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exited) this.child.kill(signal);
  }
}

describe('HA slave killed with SIGKILL mid-stream', () => {
  let h: Harness;
  const children: SlaveProcess[] = [];
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.signal('SIGKILL');
    await h.cleanup();
  });

  it('restarts on its directory, recovers, and converges to the master', async () => {
    const masterStore = await h.store(h.dir());
    const { address } = await h.master(masterStore, { transferBatchSize: 2048 });
    const topics = [uniqueTopic(), uniqueTopic()];
    await fill(masterStore, topics, 300);
    const slaveDir = h.dir();

    const first = new SlaveProcess(slaveDir, address);
    children.push(first);
    // Writing goes on while the slave copies; it is killed part-way through.
    const writing = fill(masterStore, topics, 600, { seed: 3, concurrency: 10 });
    await waitFor(() => first.offset > 200 * 1024 || first.exited, `the slave child to copy some of the log (stderr: ${first.stderr})`, 60_000);
    expect(first.exited).toBe(false);
    first.signal('SIGKILL');
    await waitFor(() => first.exited, 'the killed child to exit');
    await writing;

    const second = new SlaveProcess(slaveDir, address);
    children.push(second);
    await waitFor(() => second.offset === masterStore.maxPhysicalOffset() || second.exited || second.refused, `the restarted slave to converge (stderr: ${second.stderr})`, 60_000);
    expect(second.refused).toBe(false);
    second.signal('SIGTERM');
    await waitFor(() => second.exited, 'the slave child to close');

    const slaveStore = await h.store(slaveDir);
    expectSameLog(masterStore, slaveStore);
    expectSameQueues(masterStore, slaveStore, topics);
  });
});
