import { ProtocolError, ProtocolErrorCode } from '../errors';
import { decodeConsumerIdList, encodeConsumerIdList } from './consumer-id-list';
import { buildSubscriptionData, parseTagExpression } from './subscription-data';

describe('buildSubscriptionData', () => {
  it('takes every tag for * and for an empty expression', () => {
    for (const expression of ['*', '', '  *  ']) {
      expect(buildSubscriptionData('T', expression, 9)).toEqual({
        topic: 'T',
        subString: '*',
        tagsSet: [],
        codeSet: [],
        subVersion: 9,
        expressionType: 'TAG',
        classFilterMode: false,
      });
    }
  });

  it('splits on ||, trims, keeps the expression, and hashes each tag like Java String.hashCode', () => {
    // Values from reference §5.2 (ali-ons heartbeat): TagA -> 2598919, TagB -> 2598920.
    expect(buildSubscriptionData('T', 'TagA || TagB||TagA', 1)).toMatchObject({ subString: 'TagA || TagB||TagA', tagsSet: ['TagA', 'TagB'], codeSet: [2598919, 2598920] });
  });

  it('refuses expressions with no tag or * mixed with tags (INVALID_EXPRESSION)', () => {
    for (const expression of ['||', ' || ', 'A || *']) {
      let caught: unknown;
      try {
        parseTagExpression(expression);
      } catch (error) {
        caught = error;
      }
      expect(ProtocolError.is(caught) && caught.code).toBe(ProtocolErrorCode.INVALID_EXPRESSION);
    }
  });
});

describe('consumer id list body', () => {
  it('round-trips {"consumerIdList":[...]}', () => {
    const bytes = encodeConsumerIdList(['a@1', 'b@2']);
    expect(bytes.toString()).toBe('{"consumerIdList":["a@1","b@2"]}');
    expect(decodeConsumerIdList(bytes)).toEqual(['a@1', 'b@2']);
    expect(() => decodeConsumerIdList(Buffer.from('{"consumerIdList":3}'))).toThrow(/must be an array/);
  });
});
