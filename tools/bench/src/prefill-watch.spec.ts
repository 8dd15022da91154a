import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { watchPrefill } from './prefill-watch';

describe('watchPrefill', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-prefill-watch-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports a segment pre-filled during the watch, even one that finished before stop()', async () => {
    fs.writeFileSync(path.join(dir, '00000000000000000000'), '');
    const watch = watchPrefill(dir, 10);
    const prefill = path.join(dir, '00000000001073741824.prefill');
    fs.writeFileSync(prefill, '');
    await new Promise((resolve) => setTimeout(resolve, 50));
    fs.renameSync(prefill, path.join(dir, '00000000001073741824'));
    expect(watch.stop()).toBe(true);
  });

  it('reports none when no segment is pre-filled, or the directory does not exist', async () => {
    fs.writeFileSync(path.join(dir, '00000000000000000000'), '');
    const watch = watchPrefill(dir, 10);
    const missing = watchPrefill(path.join(dir, 'nope'), 10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(watch.stop()).toBe(false);
    expect(missing.stop()).toBe(false);
  });
});
