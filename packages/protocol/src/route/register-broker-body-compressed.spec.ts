import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { BodyError } from './body-error';
import { MAX_INFLATED_REGISTER_BODY_BYTES, decodeRegisterBrokerBodyCompressed, encodeRegisterBrokerBodyCompressed } from './register-broker-body-compressed';
import type { RegisterBrokerBody } from './register-broker-body';

/** Assembles the inflated stream by hand from the documented layout, as a Java broker writes it. */
function javaStream(parts: Array<string | number>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (typeof part === 'number') {
      const n = Buffer.alloc(4);
      n.writeInt32BE(part, 0);
      chunks.push(n);
    } else {
      const bytes = Buffer.from(part, 'utf8');
      const n = Buffer.alloc(4);
      n.writeInt32BE(bytes.length, 0);
      chunks.push(n, bytes);
    }
  }
  return Buffer.concat(chunks);
}

const DATA_VERSION = '{"counter":7,"stateVersion":0,"timestamp":1700000000000}';

describe('compressed RegisterBrokerBody', () => {
  it('reads a 4.x broker stream (no topic queue mapping part)', () => {
    const stream = javaStream([DATA_VERSION, 2, 'TopicA 4 4 6 SINGLE_TAG', 'TopicB 8 2 4 MULTI_TAG', '["10.0.0.1:45678"]']);
    const body = decodeRegisterBrokerBodyCompressed(deflateSync(stream));
    expect(body.filterServerList).toEqual(['10.0.0.1:45678']);
    expect(body.topicConfigSerializeWrapper.dataVersion).toEqual({ counter: 7, stateVersion: 0, timestamp: 1700000000000 });
    expect(body.topicConfigSerializeWrapper.topicConfigTable['TopicB']).toEqual({
      topicName: 'TopicB', readQueueNums: 8, writeQueueNums: 2, perm: 4, topicFilterType: 'MULTI_TAG', topicSysFlag: 0, order: false,
    });
    expect(Object.keys(body.topicConfigSerializeWrapper.topicConfigTable)).toEqual(['TopicA', 'TopicB']);
  });

  it('reads a 5.x broker stream: attributes after the five fields, mappings skipped', () => {
    const stream = javaStream([DATA_VERSION, 1, 'TopicA 4 4 6 SINGLE_TAG {"+message.type":"FIFO"}', '[]', 1, '{"topic":"TopicA","bname":"b"}']);
    const config = decodeRegisterBrokerBodyCompressed(deflateSync(stream)).topicConfigSerializeWrapper.topicConfigTable['TopicA'];
    expect(config?.attributes).toEqual({ '+message.type': 'FIFO' });
  });

  it('round trips what it encodes (topicSysFlag and order are not in this form)', () => {
    const config = fc.record({
      topicName: fc.stringMatching(/^[A-Za-z0-9_%|-]{1,30}$/),
      readQueueNums: fc.integer({ min: 0, max: 1024 }),
      writeQueueNums: fc.integer({ min: 0, max: 1024 }),
      perm: fc.integer({ min: 0, max: 7 }),
      topicFilterType: fc.constantFrom('SINGLE_TAG' as const, 'MULTI_TAG' as const),
    });
    fc.assert(
      fc.property(fc.uniqueArray(config, { selector: (c) => c.topicName, maxLength: 20 }), fc.array(fc.string(), { maxLength: 3 }), fc.nat(), (configs, filterServerList, counter) => {
        const body: RegisterBrokerBody = {
          filterServerList,
          topicConfigSerializeWrapper: {
            dataVersion: { counter, stateVersion: 0, timestamp: 1 },
            topicConfigTable: Object.fromEntries(configs.map((c) => [c.topicName, { ...c, topicSysFlag: 0, order: false }])),
          },
        };
        expect(decodeRegisterBrokerBodyCompressed(encodeRegisterBrokerBodyCompressed(body))).toEqual(body);
      }),
    );
  });

  it.each([
    ['a missing body', undefined, /missing/],
    ['bytes that are not zlib', Buffer.from('not zlib at all'), /not a zlib stream/],
    ['a stream cut inside a part', deflateSync(javaStream([DATA_VERSION, 2, 'TopicA 4 4 6 SINGLE_TAG'])), /ends before/],
    ['a length beyond the stream', deflateSync(Buffer.concat([javaStream([DATA_VERSION, 1]), Buffer.from([0, 0, 1, 0]), Buffer.from('T 1 1 6 SINGLE_TAG')])), /says 256 bytes/],
    ['a negative count', deflateSync(javaStream([DATA_VERSION, -1])), /can't be negative/],
    ['a bad filter type', deflateSync(javaStream([DATA_VERSION, 1, 'T 1 1 6 ALL_TAGS', '[]'])), /topicFilterType/],
    ['a non-numeric queue count', deflateSync(javaStream([DATA_VERSION, 1, 'T x 1 6 SINGLE_TAG', '[]'])), /readQueueNums/],
    ['too few fields', deflateSync(javaStream([DATA_VERSION, 1, 'T 1 1', '[]'])), /expected "topic readQueueNums/],
    ['a bad filter server list', deflateSync(javaStream([DATA_VERSION, 0, '{"a":1}'])), /filterServerList/],
  ])('refuses %s with a BodyError', (_name, data, message) => {
    expect(() => decodeRegisterBrokerBodyCompressed(data)).toThrow(BodyError);
    expect(() => decodeRegisterBrokerBodyCompressed(data)).toThrow(message);
  });

  it('refuses a stream that inflates beyond the limit instead of allocating it', () => {
    const bomb = deflateSync(Buffer.alloc(MAX_INFLATED_REGISTER_BODY_BYTES + 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(() => decodeRegisterBrokerBodyCompressed(bomb)).toThrow(/within 67108864 bytes/);
  });

  it('refuses to encode a topic name with a space (the form is space-separated)', () => {
    const body: RegisterBrokerBody = {
      filterServerList: [],
      topicConfigSerializeWrapper: {
        dataVersion: { counter: 0, stateVersion: 0, timestamp: 0 },
        topicConfigTable: { 'a b': { topicName: 'a b', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false } },
      },
    };
    expect(() => encodeRegisterBrokerBodyCompressed(body)).toThrow(/has a space/);
  });
});
