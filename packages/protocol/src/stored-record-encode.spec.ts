import { decodeStoredRecord } from './stored-record-decode';
import { encodeStoredRecord, patchRecordPosition, writeBlankRecord, writeStoredRecord } from './stored-record-encode';
import { BLANK_MAGIC_CODE, RecordField, storedRecordSize } from './stored-record';
import { encodeProperties } from './properties';
import { messageToProperties } from './message';
import { ProtocolErrorCode } from './errors';
import { GOLDEN_PROPERTIES, goldenInput } from '../test/records';

/** Appends big-endian fields; written with Buffer's own writers, independent of the encoder. */
class ByteWriter {
  private readonly chunks: Buffer[] = [];
  int8u(v: number): this { const b = Buffer.alloc(1); b.writeUInt8(v); return this.push(b); }
  int16(v: number): this { const b = Buffer.alloc(2); b.writeInt16BE(v); return this.push(b); }
  int32(v: number): this { const b = Buffer.alloc(4); b.writeInt32BE(v); return this.push(b); }
  int64(v: bigint): this { const b = Buffer.alloc(8); b.writeBigInt64BE(v); return this.push(b); }
  bytes(v: number[] | Buffer): this { return this.push(Buffer.from(v)); }
  build(): Buffer { return Buffer.concat(this.chunks); }
  private push(b: Buffer): this { this.chunks.push(b); return this; }
}

describe('encodeStoredRecord golden bytes (reference §6.1, V1, IPv4)', () => {
  it('writes TopicTest / TagA / k1 k2 / Hello field by field', () => {
    const body = Buffer.from('Hello');
    const topic = Buffer.from('TopicTest');
    const props = Buffer.from(GOLDEN_PROPERTIES);
    const expected = new ByteWriter()
      .int32(125) //                       1 TOTALSIZE: 91 fixed + 5 body + 9 topic + 20 properties
      .int32(-626843481) //                2 MAGICCODE V1 (0xDAA320A7)
      .int32(0x77d18982) //                3 BODYCRC: CRC32('Hello') = 0xF7D18982, & 0x7FFFFFFF
      .int32(3) //                         4 QUEUEID
      .int32(7) //                         5 FLAG
      .int64(42n) //                       6 QUEUEOFFSET
      .int64(4096n) //                     7 PHYSICALOFFSET
      .int32(0) //                         8 SYSFLAG
      .int64(1_700_000_000_000n) //        9 BORNTIMESTAMP
      .bytes([10, 0, 0, 1]).int32(5555) // 10 BORNHOST
      .int64(1_700_000_000_123n) //       11 STORETIMESTAMP
      .bytes([127, 0, 0, 1]).int32(10911) // 12 STOREHOST
      .int32(1) //                        13 RECONSUMETIMES
      .int64(0n) //                       14 PREPARED TX OFFSET
      .int32(5).bytes(body) //            15 BODYLEN + BODY
      .int8u(9).bytes(topic) //           16 TOPICLEN (1 byte) + TOPIC
      .int16(20).bytes(props) //          17 PROPLEN (2 bytes) + PROPERTIES
      .build();

    const actual = encodeStoredRecord(goldenInput());

    expect(actual.toString('hex')).toBe(expected.toString('hex'));
    expect(actual.length).toBe(storedRecordSize(5, 9, 20));
  });

  it('the golden properties are what messageToProperties + encodeProperties produce', () => {
    const props = messageToProperties({ topic: 'TopicTest', body: Buffer.from('Hello'), tags: 'TagA', keys: ['k1', 'k2'] });
    expect(encodeProperties(props)).toBe(GOLDEN_PROPERTIES);
  });

  it('defaults queueOffset, physicalOffset and storeTimestamp to 0', () => {
    const { queueOffset: _q, physicalOffset: _p, storeTimestamp: _s, ...rest } = goldenInput();
    const record = encodeStoredRecord(rest);
    expect(record.readBigInt64BE(RecordField.QUEUE_OFFSET)).toBe(0n);
    expect(record.readBigInt64BE(RecordField.PHYSICAL_OFFSET)).toBe(0n);
    expect(record.readBigInt64BE(RecordField.STORE_TIMESTAMP)).toBe(0n);
  });
});

describe('encodeStoredRecord input checks', () => {
  const cases: [string, Partial<ReturnType<typeof goldenInput>>, string][] = [
    ['an invalid topic', { topic: 'a b' }, ProtocolErrorCode.INVALID_TOPIC],
    ['a 128-char topic', { topic: 'a'.repeat(128) }, ProtocolErrorCode.INVALID_TOPIC],
    ['properties over 32767 bytes', { properties: 'K\u0001' + 'v'.repeat(32766) }, ProtocolErrorCode.BAD_LENGTH],
    ['a non-int32 queueId', { queueId: 2 ** 31 }, ProtocolErrorCode.UNSAFE_INTEGER],
    ['a fractional flag', { flag: 1.5 }, ProtocolErrorCode.UNSAFE_INTEGER],
    ['a negative queueOffset', { queueOffset: -1 }, ProtocolErrorCode.UNSAFE_INTEGER],
    ['an offset above 2^53', { physicalOffset: 2 ** 53 }, ProtocolErrorCode.UNSAFE_INTEGER],
    ['an IPv6 host bit', { sysFlag: 0x10 }, ProtocolErrorCode.BAD_HOST],
    ['an IPv6 born host', { bornHost: { address: '2001:db8::1', port: 1 } }, ProtocolErrorCode.BAD_HOST],
    ['a bad store port', { storeHost: { address: '127.0.0.1', port: 70000 } }, ProtocolErrorCode.BAD_HOST],
  ];
  it.each(cases)('rejects %s', (_name, patch, code) => {
    expect(() => encodeStoredRecord({ ...goldenInput(), ...patch })).toThrow(expect.objectContaining({ code }));
  });

  it('accepts properties of exactly 32767 bytes', () => {
    const record = encodeStoredRecord({ ...goldenInput(), properties: 'K\u0001' + 'v'.repeat(32765) });
    expect(decodeStoredRecord(record).properties['K']).toHaveLength(32765);
  });

  it('writeStoredRecord writes nothing when a field is bad', () => {
    const target = Buffer.alloc(300, 0xee);
    expect(() => writeStoredRecord({ ...goldenInput(), reconsumeTimes: 2 ** 40 }, target, 10)).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }),
    );
    expect(target.equals(Buffer.alloc(300, 0xee))).toBe(true);
  });

  it('writeStoredRecord writes at an offset and refuses to overflow the target', () => {
    const target = Buffer.alloc(200);
    expect(writeStoredRecord(goldenInput(), target, 50)).toBe(125);
    expect(target.subarray(50, 175).equals(encodeStoredRecord(goldenInput()))).toBe(true);
    expect(() => writeStoredRecord(goldenInput(), target, 76)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_LENGTH }));
  });
});

describe('patchRecordPosition', () => {
  it('rewrites the three store-assigned fields of a record inside a larger buffer', () => {
    const segment = Buffer.alloc(300);
    writeStoredRecord({ ...goldenInput(), queueOffset: 0, physicalOffset: 0, storeTimestamp: 0 }, segment, 100);
    patchRecordPosition(segment, 100, 42, 4096, 1_700_000_000_123);
    expect(segment.subarray(100, 225).equals(encodeStoredRecord(goldenInput()))).toBe(true);
  });

  it('refuses a position that holds no record', () => {
    const record = encodeStoredRecord(goldenInput());
    expect(() => patchRecordPosition(record, 1, 0, 0, 0)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_MAGIC }));
    expect(() => patchRecordPosition(record, 40, 0, 0, 0)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.TRUNCATED_RECORD }));
    expect(() => patchRecordPosition(record, 0, -1, 0, 0)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.UNSAFE_INTEGER }));
  });
});

describe('writeBlankRecord', () => {
  it('writes TOTALSIZE and BLANK_MAGIC_CODE', () => {
    const segment = Buffer.alloc(64);
    writeBlankRecord(segment, 16, 48);
    expect(segment.readInt32BE(16)).toBe(48);
    expect(segment.readInt32BE(20)).toBe(BLANK_MAGIC_CODE);
  });

  it.each([
    [0, 7],
    [60, 8],
    [-1, 8],
  ])('refuses at %d size %d in 64 bytes', (at, size) => {
    expect(() => writeBlankRecord(Buffer.alloc(64), at, size)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_LENGTH }));
  });
});
