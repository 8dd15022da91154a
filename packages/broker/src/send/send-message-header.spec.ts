import fc from 'fast-check';
import { SEND_MESSAGE_V2_KEYS, parseSendMessageHeader } from './send-message-header';
import { HeaderError } from '../remoting/header-fields';

const v1 = {
  producerGroup: 'PID_test',
  topic: 'TopicTest',
  defaultTopic: 'TBW102',
  defaultTopicQueueNums: '4',
  queueId: '2',
  sysFlag: '0',
  bornTimestamp: '1795689639895',
  flag: '0',
  properties: 'TAGS\u0001TagA\u0002',
  reconsumeTimes: '0',
  unitMode: 'false',
};

describe('parseSendMessageHeader', () => {
  it('reads SEND_MESSAGE full names', () => {
    const header = parseSendMessageHeader(v1, false);
    expect(header).toMatchObject({ producerGroup: 'PID_test', topic: 'TopicTest', defaultTopicQueueNums: 4, queueId: 2, bornTimestamp: 1795689639895, unitMode: false, reconsumeTimes: 0 });
    expect(header.batch).toBeUndefined();
    expect(header.maxReconsumeTimes).toBeUndefined();
  });

  it('reads SEND_MESSAGE_V2 letters as ali-ons sends them (values already strings)', () => {
    const ext = { a: 'PID_test', b: 'TopicTest', c: 'TBW102', d: '4', e: '0', f: '1', g: '1795689639895', h: '0', i: 'TAGS\u0001TagA\u0002', j: '0', k: 'false' };
    expect(parseSendMessageHeader(ext, true)).toMatchObject({ topic: 'TopicTest', sysFlag: 1, queueId: 0, properties: 'TAGS\u0001TagA\u0002', unitMode: false });
  });

  it('maps every field to a distinct letter a..n', () => {
    expect(new Set(Object.values(SEND_MESSAGE_V2_KEYS)).size).toBe(14);
    expect(Object.values(SEND_MESSAGE_V2_KEYS).sort().join('')).toBe('abcdefghijklmn');
  });

  it('names a missing required field', () => {
    const { topic: _omit, ...rest } = v1;
    void _omit;
    expect(() => parseSendMessageHeader(rest, false)).toThrow(HeaderError);
    expect(() => parseSendMessageHeader(rest, false)).toThrow(/<topic>/);
  });

  it('rejects a non-integer number field', () => {
    expect(() => parseSendMessageHeader({ ...v1, queueId: 'x1' }, false)).toThrow(/<queueId> must be an integer/);
    expect(() => parseSendMessageHeader({ ...v1, bornTimestamp: '1.5' }, false)).toThrow(HeaderError);
  });

  it('accepts negative queue ids (the broker picks a queue)', () => {
    expect(parseSendMessageHeader({ ...v1, queueId: '-1' }, false).queueId).toBe(-1);
  });

  it('reads the plain V2 header exactly as the generic reader reads the same fields by name', () => {
    // Values around every rule: blanks, signs, leading zeros, "null", non-numbers, too many digits,
    // booleans in other spellings, absent fields. V1 names always take the generic reader.
    const value = fc.option(
      fc.constantFrom('0', '7', '-1', '-0', '007', ' 5', '5 ', '1.5', 'x1', '', '-', 'null', 'true', 'TRUE', 'false', ' false', '123456789012345', '9007199254740993', '1795689639895'),
      { nil: undefined },
    );
    const fields = Object.keys(SEND_MESSAGE_V2_KEYS) as (keyof typeof SEND_MESSAGE_V2_KEYS)[];
    fc.assert(
      fc.property(fc.array(value, { minLength: fields.length, maxLength: fields.length }), fc.boolean(), (values, plain) => {
        const byName: Record<string, string> = {};
        const byLetter: Record<string, string> = {};
        fields.forEach((field, i) => {
          // Half the runs start from a well-formed header, so the fast path is taken often too.
          const chosen = plain && i < 8 ? (i < 3 ? `s${i}` : String(i)) : values[i];
          if (chosen === undefined) return;
          byName[field] = chosen;
          byLetter[SEND_MESSAGE_V2_KEYS[field]] = chosen;
        });
        const outcome = (v2: boolean): unknown => {
          try {
            return parseSendMessageHeader(v2 ? byLetter : byName, v2);
          } catch (error) {
            return error instanceof HeaderError ? `HeaderError ${error.message}` : error;
          }
        };
        expect(outcome(true)).toEqual(outcome(false));
      }),
      { numRuns: 500 },
    );
  });
});
