import fc from 'fast-check';
import { FrameDecoder, createRequest, encodeCommand, rawExtFieldsOf, type RemotingCommand } from '@pulsejet/protocol';
import { readRawV2 } from './send-header-raw';
import { parseSendMessageHeader, parseSendRequestHeader, type SendMessageRequestHeader } from './send-message-header';

/** `extFields` as a server receives them: a binary header, decoded lazily as the broker's transport does. */
function received(extFields: Record<string, string>): RemotingCommand {
  const frame = encodeCommand(createRequest(310, extFields, Buffer.from('body'), { serializeType: 'ROCKETMQ' }));
  const [command] = new FrameDecoder({ lazyExtFields: true }).push(frame);
  return command!;
}

/** A header without propertiesBytes (only the raw reader gives them), checking first that they hold the properties text. */
function withoutBytes(header: SendMessageRequestHeader | undefined): SendMessageRequestHeader | undefined {
  if (header === undefined) return undefined;
  const { propertiesBytes, ...rest } = header;
  if (propertiesBytes !== undefined) expect(Buffer.from(propertiesBytes.source.subarray(propertiesBytes.start, propertiesBytes.end)).toString('utf8')).toBe(header.properties);
  return rest;
}

function outcome(read: () => SendMessageRequestHeader | undefined): unknown {
  try {
    return withoutBytes(read());
  } catch (error) {
    return `throws ${(error as Error).name}: ${(error as Error).message}`;
  }
}

const PLAIN = { a: 'PID_test', b: 'TopicTest', c: 'TBW102', d: '4', e: '3', f: '0', g: '1795689639895', h: '0', i: 'TAGS\u0001TagA\u0002UNIQ_KEY\u0001AC1100010001\u0002', j: '0', k: 'false', l: '16', m: 'false' };

describe('readRawV2', () => {
  it('reads the header every producer sends, from the bytes', () => {
    const command = received(PLAIN);
    const header = readRawV2(rawExtFieldsOf(command)!);
    expect(withoutBytes(header)).toEqual(parseSendMessageHeader(PLAIN, true));
    expect(header).toMatchObject({ topic: 'TopicTest', queueId: 3, bornTimestamp: 1795689639895, maxReconsumeTimes: 16, batch: false, unitMode: false });
    // It read the bytes, not extFields: they are still undecoded.
    expect(rawExtFieldsOf(command)).toBeDefined();
  });

  it('reuses the previous send\'s strings for the same bytes, and reads new ones afresh', () => {
    const first = readRawV2(rawExtFieldsOf(received(PLAIN))!)!;
    const second = readRawV2(rawExtFieldsOf(received({ ...PLAIN, e: '1' }))!)!;
    expect(second.topic).toBe(first.topic);
    const other = readRawV2(rawExtFieldsOf(received({ ...PLAIN, b: 'TopicTesu', a: 'PID_tést' }))!)!;
    expect(other).toMatchObject({ topic: 'TopicTesu', producerGroup: 'PID_tést' });
  });

  it('leaves to extFields what it does not take (Java\'s "null", a malformed number, a missing field)', () => {
    expect(readRawV2(rawExtFieldsOf(received({ ...PLAIN, a: 'null' }))!)).toBeUndefined();
    expect(readRawV2(rawExtFieldsOf(received({ ...PLAIN, e: ' 3' }))!)).toBeUndefined();
    expect(readRawV2(rawExtFieldsOf(received({ ...PLAIN, k: 'TRUE' }))!)).toBeUndefined();
    const { g: _omit, ...withoutBornTimestamp } = PLAIN;
    void _omit;
    expect(readRawV2(rawExtFieldsOf(received(withoutBornTimestamp))!)).toBeUndefined();
  });

  it('gives parseSendRequestHeader the outcome of parseSendMessageHeader for any V2 fields (values, errors)', () => {
    const letter = fc.constantFrom(...'abcdefghijklmn'.split(''));
    const value = fc.oneof(
      fc.constantFrom('null', 'true', 'false', '', '0', '-1', '007', ' 1', '1e3', '9999999999999999', 'TopicTest', 'PID_é', 'TAGS\u0001x\u0002'),
      fc.integer().map(String),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.oneof({ weight: 5, arbitrary: letter }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) }), value, { noNullPrototype: true }), fc.boolean(), (fields, complete) => {
        const extFields = complete ? { ...PLAIN, ...fields } : fields;
        expect(outcome(() => parseSendRequestHeader(received(extFields), true))).toEqual(outcome(() => parseSendMessageHeader(extFields, true)));
      }),
      { numRuns: 500 },
    );
  });
});
