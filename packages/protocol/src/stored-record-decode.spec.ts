import fc from 'fast-check';
import { decodeStoredRecord, decodeStoredRecords, readStoredRecord } from './stored-record-decode';
import { encodeStoredRecord, writeBlankRecord } from './stored-record-encode';
import { decodeProperties } from './properties';
import { RecordField } from './stored-record';
import { ProtocolErrorCode } from './errors';
import { goldenInput, recordInputArb } from '../test/records';

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
};

describe('decodeStoredRecord', () => {
  it('decodes the golden record', () => {
    const record = encodeStoredRecord(goldenInput());
    expect(decodeStoredRecord(record)).toEqual({
      totalSize: 125,
      queueId: 3,
      flag: 7,
      queueOffset: 42,
      physicalOffset: 4096,
      sysFlag: 0,
      bornTimestamp: 1_700_000_000_000,
      bornHost: { address: '10.0.0.1', port: 5555 },
      storeTimestamp: 1_700_000_000_123,
      storeHost: { address: '127.0.0.1', port: 10911 },
      reconsumeTimes: 1,
      preparedTransactionOffset: 0,
      bodyCrc: 0x77d18982,
      body: Buffer.from('Hello'),
      topic: 'TopicTest',
      properties: { TAGS: 'TagA', KEYS: 'k1 k2' },
      msgId: '7F00000100002A9F0000000000001000',
    });
  });

  it('returns the body as a view into the buffer, not a copy', () => {
    const record = encodeStoredRecord(goldenInput());
    const message = decodeStoredRecord(record);
    record[RecordField.BODY] = 'J'.charCodeAt(0);
    expect(message.body.toString()).toBe('Jello');
  });

  it("decodes each record's own topic when consecutive records have the same, similar or non-ASCII topics", () => {
    // Same length, one byte apart, a prefix, multi-byte UTF-8, and a lone 0xE9 byte: as a char code
    // it equals the 'é' of 'Topicé', which has as many chars as that topic has bytes.
    const topics = ['TopicA', 'TopicB', 'Topic', 'TopicAA', 'Topicé', 'Topicéx', 'Tépic'].map((topic) => Buffer.from(topic, 'utf8'));
    topics.push(Buffer.concat([Buffer.from('Topic'), Buffer.from([0xe9])]));
    // The encoder refuses such names (a broker never stores them), so their bytes are patched over
    // an ASCII name of the same byte length: the decoder must not assume what the encoder checks.
    const recordWithTopic = (bytes: Buffer): Buffer => {
      const record = encodeStoredRecord({ ...goldenInput(), topic: 'x'.repeat(bytes.length) });
      bytes.copy(record, RecordField.BODY + record.readInt32BE(RecordField.BODY_LENGTH) + 1);
      return record;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...topics), { minLength: 1, maxLength: 20 }), (sequence) => {
        const body = Buffer.concat(sequence.map(recordWithTopic));
        expect(decodeStoredRecords(body).map((message) => message.topic)).toEqual(sequence.map((bytes) => bytes.toString('utf8')));
      }),
    );
  });

  it('round-trips arbitrary records', () => {
    fc.assert(
      fc.property(recordInputArb, (input) => {
        const message = decodeStoredRecord(encodeStoredRecord(input));
        expect(message).toMatchObject({
          topic: input.topic,
          queueId: input.queueId,
          flag: input.flag,
          sysFlag: input.sysFlag,
          queueOffset: input.queueOffset,
          physicalOffset: input.physicalOffset,
          storeTimestamp: input.storeTimestamp,
          bornTimestamp: input.bornTimestamp,
          bornHost: input.bornHost,
          storeHost: input.storeHost,
          reconsumeTimes: input.reconsumeTimes,
          preparedTransactionOffset: input.preparedTransactionOffset,
          properties: decodeProperties(input.properties),
        });
        expect(message.body.equals(input.body)).toBe(true);
      }),
    );
  });

  it('decodes at an offset inside a larger buffer', () => {
    const record = encodeStoredRecord(goldenInput());
    const buf = Buffer.concat([Buffer.alloc(13, 0xff), record, Buffer.alloc(5)]);
    expect(decodeStoredRecord(buf, 13).topic).toBe('TopicTest');
  });

  it('reports TRUNCATED_RECORD at every cut point', () => {
    const record = encodeStoredRecord(goldenInput());
    for (let cut = 0; cut < record.length; cut++) {
      expect([cut, codeOf(() => decodeStoredRecord(record.subarray(0, cut)))]).toEqual([cut, ProtocolErrorCode.TRUNCATED_RECORD]);
    }
  });

  it('reports BAD_MAGIC for an unknown magic code and for blank padding', () => {
    const record = encodeStoredRecord(goldenInput());
    record.writeInt32BE(12345, RecordField.MAGIC);
    expect(codeOf(() => decodeStoredRecord(record))).toBe(ProtocolErrorCode.BAD_MAGIC);
    const blank = Buffer.alloc(64);
    writeBlankRecord(blank, 0, 64);
    expect(codeOf(() => decodeStoredRecord(blank))).toBe(ProtocolErrorCode.BAD_MAGIC);
  });

  it.each([
    ['TOTALSIZE below the fixed size', (r: Buffer) => r.writeInt32BE(90, RecordField.TOTAL_SIZE)],
    ['TOTALSIZE shorter than the sections', (r: Buffer) => r.writeInt32BE(124, RecordField.TOTAL_SIZE)],
    ['a negative body length', (r: Buffer) => r.writeInt32BE(-1, RecordField.BODY_LENGTH)],
    ['a body length past the end', (r: Buffer) => r.writeInt32BE(1000, RecordField.BODY_LENGTH)],
    ['a body length one too long', (r: Buffer) => r.writeInt32BE(6, RecordField.BODY_LENGTH)],
    ['a topic length past the end', (r: Buffer) => r.writeUInt8(200, RecordField.BODY + 5)],
    ['a negative properties length', (r: Buffer) => r.writeInt16BE(-1, RecordField.BODY + 5 + 1 + 9)],
    ['a properties length one too short', (r: Buffer) => r.writeInt16BE(19, RecordField.BODY + 5 + 1 + 9)],
  ])('reports BAD_LENGTH for %s', (_name, mutate) => {
    const record = Buffer.concat([encodeStoredRecord(goldenInput()), Buffer.alloc(64)]);
    mutate(record);
    expect(codeOf(() => decodeStoredRecord(record))).toBe(ProtocolErrorCode.BAD_LENGTH);
  });

  it('reports BAD_HOST for the IPv6 host layout it cannot read', () => {
    const record = encodeStoredRecord(goldenInput());
    record.writeInt32BE(0x20, RecordField.SYS_FLAG);
    expect(codeOf(() => decodeStoredRecord(record))).toBe(ProtocolErrorCode.BAD_HOST);
  });

  it('reports UNSAFE_INTEGER for an offset above 2^53', () => {
    const record = encodeStoredRecord(goldenInput());
    record.writeUInt32BE(0xffffffff, RecordField.QUEUE_OFFSET);
    expect(codeOf(() => decodeStoredRecord(record))).toBe(ProtocolErrorCode.UNSAFE_INTEGER);
  });

  it('tolerates ali-ons properties: a trailing separator and TAGS=null', () => {
    const record = encodeStoredRecord({ ...goldenInput(), properties: 'TAGS\u0001null\u0002' });
    expect(decodeStoredRecord(record).properties).toEqual({ TAGS: 'null' });
  });
});

describe('readStoredRecord', () => {
  it('fills one shared record with what decodeStoredRecord returns, and decodeStoredRecord results stay independent', () => {
    const first = encodeStoredRecord(goldenInput());
    const second = encodeStoredRecord({ ...goldenInput(), queueOffset: 43, body: Buffer.from('Bye'), properties: 'TAGS\u0001TagB' });
    const kept = decodeStoredRecord(first);
    const shared = readStoredRecord(first);
    expect({ ...shared }).toEqual(kept);
    expect(readStoredRecord(second)).toBe(shared);
    expect(shared).toMatchObject({ queueOffset: 43, body: Buffer.from('Bye'), properties: { TAGS: 'TagB' } });
    // The copy made before is untouched by later reads.
    expect(kept).toMatchObject({ queueOffset: 42, body: Buffer.from('Hello'), properties: { TAGS: 'TagA', KEYS: 'k1 k2' } });
    expect(decodeStoredRecord(second)).not.toBe(decodeStoredRecord(second));
  });

  it('agrees with decodeStoredRecord on random records', () => {
    fc.assert(
      fc.property(recordInputArb, (input) => {
        const record = encodeStoredRecord(input);
        expect({ ...readStoredRecord(record) }).toEqual(decodeStoredRecord(record));
      }),
    );
  });

  it('throws the same typed errors', () => {
    const record = encodeStoredRecord(goldenInput());
    expect(codeOf(() => readStoredRecord(record.subarray(0, record.length - 1)))).toBe(ProtocolErrorCode.TRUNCATED_RECORD);
  });
});

describe('decodeStoredRecords', () => {
  it('decodes records back to back, as in a pull reply body', () => {
    const inputs = [goldenInput(), { ...goldenInput(), body: Buffer.alloc(0), queueOffset: 43, properties: '' }];
    const messages = decodeStoredRecords(Buffer.concat(inputs.map(encodeStoredRecord)));
    expect(messages.map((m) => [m.queueOffset, m.body.length])).toEqual([
      [42, 5],
      [43, 0],
    ]);
  });

  it('returns nothing for an empty body and throws on a cut last record', () => {
    expect(decodeStoredRecords(Buffer.alloc(0))).toEqual([]);
    const two = Buffer.concat([encodeStoredRecord(goldenInput()), encodeStoredRecord(goldenInput())]);
    expect(codeOf(() => decodeStoredRecords(two.subarray(0, two.length - 1)))).toBe(ProtocolErrorCode.TRUNCATED_RECORD);
  });
});
