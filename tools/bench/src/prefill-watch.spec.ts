import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { watchPrefill } from './prefill-watch';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchPrefill', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-prefill-watch-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports a pre-fill file that grew during the watch, even one the log rolled onto before stop()', async () => {
    const prefill = path.join(dir, '00000000001073741824.prefill');
    fs.writeFileSync(prefill, Buffer.alloc(1024));
    const watch = watchPrefill(dir, 10);
    await sleep(30);
    fs.appendFileSync(prefill, Buffer.alloc(1024));
    await sleep(30);
    fs.renameSync(prefill, path.join(dir, '00000000001073741824'));
    expect(watch.stop()).toBe(true);
  });

  it('does not report a finished pre-fill file that only waits for the log to roll onto it', async () => {
    fs.writeFileSync(path.join(dir, '00000000001073741824.prefill'), Buffer.alloc(4096));
    const watch = watchPrefill(dir, 10);
    await sleep(50);
    expect(watch.stop()).toBe(false);
  });

  it('reports none without pre-fill files, or without the directory', async () => {
    fs.writeFileSync(path.join(dir, '00000000000000000000'), '');
    const watch = watchPrefill(dir, 10);
    const missing = watchPrefill(path.join(dir, 'nope'), 10);
    await sleep(30);
    expect(watch.stop()).toBe(false);
    expect(missing.stop()).toBe(false);
  });
});
