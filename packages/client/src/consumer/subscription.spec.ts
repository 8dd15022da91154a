import { javaStringHashCode } from '@pulsejet/protocol';
import { ClientError } from '../errors';
import { buildSubscription, matchesTags } from './subscription';

describe('buildSubscription', () => {
  it('"*" and blank mean every message', () => {
    for (const expression of ['*', ' * ', '']) {
      const sub = buildSubscription('T', expression, 7);
      expect(sub).toEqual({ topic: 'T', subString: '*', tagsSet: [], codeSet: [], subVersion: 7, expressionType: 'TAG', classFilterMode: false });
      expect(matchesTags(sub, undefined)).toBe(true);
    }
  });

  it('splits on || and trims, keeping the user\'s string and Java hash codes', () => {
    const sub = buildSubscription('T', 'A || B ||  C', 1);
    expect(sub.subString).toBe('A || B ||  C');
    expect(sub.tagsSet).toEqual(['A', 'B', 'C']);
    expect(sub.codeSet).toEqual(['A', 'B', 'C'].map(javaStringHashCode));
    expect(matchesTags(sub, 'B')).toBe(true);
    expect(matchesTags(sub, 'D')).toBe(false);
    expect(matchesTags(sub, undefined)).toBe(false);
  });

  it('tells apart tags that share a hash ("Aa" and "BB")', () => {
    const sub = buildSubscription('T', 'Aa');
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(matchesTags(sub, 'BB')).toBe(false);
  });

  it.each([
    ['bad topic', 'has space', '*'],
    ['empty topic', '', '*'],
    ['no tag', 'T', '||'],
    ['* mixed with tags', 'T', 'A || *'],
  ])('rejects %s with INVALID_ARGUMENT', (_what, topic, expression) => {
    let caught: unknown;
    try {
      buildSubscription(topic, expression);
    } catch (error) {
      caught = error;
    }
    expect(ClientError.is(caught) && caught.code).toBe('INVALID_ARGUMENT');
  });
});
