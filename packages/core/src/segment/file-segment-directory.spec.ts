import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileSegmentDirectory } from './file-segment-directory';
import { segmentFileName } from './segment';
import { startZeroFill } from './zero-fill';

const SIZE = 64 * 1024;

describe('FileSegmentDirectory: preparing the next segment', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-segdir-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes a new segment full of zeros by default', async () => {
    const dir = new FileSegmentDirectory(root, { recycle: true });
    await dir.prefill(0, SIZE);
    const segment = dir.create(0, SIZE);
    expect(segment.length()).toBe(SIZE);
    const bytes = Buffer.alloc(SIZE, 0x55);
    expect(segment.read(bytes, 0, SIZE, 0)).toBe(SIZE);
    expect(bytes.every((b) => b === 0)).toBe(true);
    segment.close();
    await dir.close();
  });

  it('takes over the file of a zero fill still running when the segment is needed', async () => {
    const big = 256 * 1024 * 1024;
    const dir = new FileSegmentDirectory(root, { recycle: true });
    dir.prepare(0, big);
    const prefillFile = path.join(root, `${segmentFileName(0)}.prefill`);
    while ((fs.statSync(prefillFile, { throwIfNoEntry: false })?.size ?? 0) < 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 1));
    // The writer cannot wait for the rest: it writes into the zeros there are, and past them the file grows.
    const segment = dir.create(0, big);
    expect(segment.length()).toBeGreaterThanOrEqual(1024 * 1024);
    // Records written from the start on, well past where the fill stopped, stay as written.
    const record = Buffer.alloc(64 * 1024, 0x61);
    const end = segment.length() + 4 * 1024 * 1024;
    for (let at = 0; at < end; at += record.length) segment.write(record, 0, record.length, at);
    await dir.close();
    expect(fs.readdirSync(root)).toEqual([segmentFileName(0)]);
    const back = Buffer.alloc(end);
    expect(segment.read(back, 0, end, 0)).toBe(end);
    expect(back.every((b) => b === 0x61)).toBe(true);
    segment.close();
  });

  it('starts a fresh file when the zero fill had not begun, and stops fills when the directory closes', async () => {
    const big = 256 * 1024 * 1024;
    // The process has one zero-fill worker: while it writes this, the directory's fill waits its turn.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-segdir-busy-'));
    const busy = startZeroFill(path.join(elsewhere, 'busy'), 1024 * 1024 * 1024);
    try {
      const dir = new FileSegmentDirectory(root, { recycle: true });
      dir.prepare(0, big);
      const segment = dir.create(0, big);
      expect(segment.length()).toBe(0);
      dir.prepare(big, big);
      busy.cancel();
      await dir.close();
      expect(fs.readdirSync(root)).toEqual([segmentFileName(0)]);
      segment.close();
    } finally {
      busy.cancel();
      await busy.done.catch(() => undefined);
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('only creates the file without zeroFill; it grows as it is written', async () => {
    const dir = new FileSegmentDirectory(root, { recycle: true, zeroFill: false });
    await dir.prefill(0, SIZE);
    expect(fs.statSync(path.join(root, `${segmentFileName(0)}.prefill`)).size).toBe(0);
    const segment = dir.create(0, SIZE);
    expect(segment.length()).toBe(0);
    segment.write(Buffer.from('record'), 0, 6, 0);
    expect(segment.length()).toBe(6);
    // Past the written end a read gives nothing, as in a segment cut short by a crash.
    expect(segment.read(Buffer.alloc(10), 0, 10, 100)).toBe(0);
    segment.close();
    await dir.close();
  });

  it('recycles a deleted segment without zeroFill too', async () => {
    const dir = new FileSegmentDirectory(root, { recycle: true, zeroFill: false });
    const first = dir.create(0, SIZE);
    first.write(Buffer.alloc(SIZE, 0x61), 0, SIZE, 0);
    await dir.remove(first, true);
    await dir.prefill(SIZE, SIZE);
    const next = dir.create(SIZE, SIZE);
    // The spare's file, renamed: full length (its old bytes lie past the write position until overwritten).
    expect(next.length()).toBe(SIZE);
    expect(dir.list()).toEqual([SIZE]);
    expect(fs.readdirSync(root).filter((name) => name.startsWith('spare-'))).toEqual([]);
    next.close();
    await dir.close();
  });
});
