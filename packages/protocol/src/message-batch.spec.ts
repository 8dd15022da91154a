import { ProtocolError, ProtocolErrorCode } from './errors';
import { BatchDecodeError, decodeMessageBatch, encodeMessageBatch, type BatchEntry } from './message-batch';

describe('message batch codec', () => {
  const entries: BatchEntry[] = [
    { flag: 0, body: Buffer.from('a'), properties: { TAGS: 'T', UNIQ_KEY: 'U1' } },
    { flag: 3, body: Buffer.from('héllo'), properties: {} },
  ];

  it('matches Java MessageDecoder.encodeMessage bytes (golden)', () => {
    const bytes = encodeMessageBatch([{ flag: 1, body: Buffer.from('hi'), properties: { K: 'v' } }]);
    // totalSize 27 (0x1b) = 22 fixed + 2 body + 3 properties ("K\u0001v")
    expect(bytes.toString('hex')).toBe(['0000001b', '00000000', '00000000', '00000001', '00000002', '6869', '0003', '4b0176'].join(''));
  });

  it('round-trips, multi-byte UTF-8 included', () => {
    const decoded = decodeMessageBatch(encodeMessageBatch(entries));
    expect(decoded.map((e) => ({ ...e, body: e.body.toString() }))).toEqual(entries.map((e) => ({ ...e, body: e.body.toString() })));
  });

  it('rejects truncated input with a BAD_LENGTH ProtocolError', () => {
    const bytes = encodeMessageBatch(entries);
    for (const cut of [1, 10, 23, bytes.length - 1]) {
      let caught: unknown;
      try {
        decodeMessageBatch(bytes.subarray(0, cut));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BatchDecodeError);
      expect(ProtocolError.is(caught) && caught.code).toBe(ProtocolErrorCode.BAD_LENGTH);
    }
  });

  it('refuses properties longer than the int16 length field', () => {
    expect(() => encodeMessageBatch([{ flag: 0, body: Buffer.alloc(0), properties: { big: 'x'.repeat(40_000) } }])).toThrow(ProtocolError);
  });
});
