import fc from 'fast-check';
import { MessageStore } from '@pulsejet/core';
import { ReplicationErrorCode } from './errors';
import { UnitAssembler } from './unit-assembler';

const SEGMENT = 96 * 1024;

describe('UnitAssembler', () => {
  let log: Buffer;
  beforeAll(async () => {
    const store = await MessageStore.open({ memory: true, mappedFileSizeCommitLog: SEGMENT, maxMessageSize: 16 * 1024 });
    for (let i = 0; i < 150; i += 1) {
      await store.putMessage({ topic: 'AssemblerTopic', queueId: i % 2, body: Buffer.alloc(40 + ((i * 997) % 2500), i), properties: { KEYS: `k${i}` } });
    }
    const parts: Buffer[] = [];
    for (let at = 0; at < store.maxPhysicalOffset(); ) {
      const bytes = store.readCommitLogRange(at, 64 * 1024);
      parts.push(bytes);
      at += bytes.length;
    }
    log = Buffer.concat(parts);
    await store.close();
    expect(log.length).toBeGreaterThan(2 * SEGMENT);
  });

  it('hands out whole records and blanks, in order, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 30 }), (sizes) => {
        const assembler = new UnitAssembler(0, SEGMENT);
        const out: Buffer[] = [];
        let at = 0;
        let i = 0;
        while (at < log.length) {
          const size = sizes[i++ % sizes.length]!;
          assembler.push(log.subarray(at, at + size));
          at += size;
          const units = assembler.take();
          if (units) {
            expect(units.offset).toBe(out.reduce((n, b) => n + b.length, 0));
            // Every unit handed out starts with a plausible header and ends on a unit boundary.
            expect(units.bytes.readInt32BE(0)).toBeGreaterThan(0);
            out.push(units.bytes);
          }
        }
        expect(Buffer.concat(out).equals(log)).toBe(true);
        expect(assembler.isEmpty()).toBe(true);
        expect(assembler.end()).toBe(log.length);
      }),
      { numRuns: 40 },
    );
  });

  it('take(maxBytes) hands out at most that many bytes of whole units, but never less than one unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), (maxBytes) => {
        const assembler = new UnitAssembler(0, SEGMENT);
        assembler.push(log);
        const out: Buffer[] = [];
        for (let units = assembler.take(maxBytes); units; units = assembler.take(maxBytes)) {
          const first = units.bytes.readInt32BE(0);
          expect(units.bytes.length <= maxBytes || units.bytes.length === first).toBe(true);
          expect(units.offset).toBe(out.reduce((n, b) => n + b.length, 0));
          out.push(units.bytes);
        }
        expect(Buffer.concat(out).equals(log)).toBe(true);
        expect(assembler.bufferedBytes()).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  it('a bad header beyond what one take(maxBytes) looked at is still rejected by a later take', () => {
    const first = log.readInt32BE(0);
    const garbage = Buffer.alloc(8);
    garbage.writeInt32BE(SEGMENT * 2, 0);
    const assembler = new UnitAssembler(0, SEGMENT);
    assembler.push(Buffer.concat([log.subarray(0, first), garbage, Buffer.alloc(64)]));
    expect(assembler.take(1)?.bytes.length).toBe(first);
    expect(() => assembler.take(1)).toThrow(expect.objectContaining({ code: ReplicationErrorCode.CORRUPT_STREAM }));
  });

  it('one byte at a time', () => {
    const assembler = new UnitAssembler(0, SEGMENT);
    let taken = 0;
    const slice = log.subarray(0, 20_000);
    for (let at = 0; at < slice.length; at += 1) {
      assembler.push(slice.subarray(at, at + 1));
      taken += assembler.take()?.bytes.length ?? 0;
    }
    expect(taken + (assembler.end() - assembler.offset())).toBe(slice.length);
    expect(taken).toBeGreaterThan(0);
  });

  it('rejects a header that can never be a record, without waiting for more bytes', () => {
    const assembler = new UnitAssembler(0, SEGMENT);
    const garbage = Buffer.alloc(8);
    garbage.writeInt32BE(SEGMENT * 2, 0);
    assembler.push(garbage);
    expect(() => assembler.take()).toThrow(expect.objectContaining({ code: ReplicationErrorCode.CORRUPT_STREAM }));
  });
});
