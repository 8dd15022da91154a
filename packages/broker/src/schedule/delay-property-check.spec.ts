import fc from 'fast-check';
import type { PutMessageInput } from '@pulsejet/core';
import { MessageConst, decodeProperties, encodeProperties } from '@pulsejet/protocol';
import { SCHEDULING_NAME_MARKS, delayPropertyProblem, mayBeScheduled } from './delay-property-check';
import { rewriteDelayed } from './schedule-rewrite';

const { DELAY_TIME_LEVEL, START_DELIVER_TIME, TIMER_DELAY_MS, TIMER_DELAY_SEC, TIMER_DELIVER_MS } = MessageConst;
const SCHEDULING_NAMES = [DELAY_TIME_LEVEL, TIMER_DELIVER_MS, TIMER_DELAY_MS, TIMER_DELAY_SEC, START_DELIVER_TIME];
const LEVELS = [1000, 5000, 10_000];

describe('mayBeScheduled', () => {
  it.each(SCHEDULING_NAMES)('sees %s', (name) => {
    expect(SCHEDULING_NAME_MARKS.some((mark) => name.includes(mark))).toBe(true);
    expect(mayBeScheduled(encodeProperties({ TAGS: 'a', [name]: '3' }))).toBe(true);
  });

  it('is false for the properties every producer sends', () => {
    expect(mayBeScheduled(encodeProperties({ TAGS: 'TagA', KEYS: 'order-1', UNIQ_KEY: '7F0000010001', WAIT: 'true' }))).toBe(false);
  });

  it('when false, the checks find no problem and the rewrite moves nothing (random properties)', () => {
    const name = fc.oneof(fc.constantFrom(...SCHEDULING_NAMES, 'TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT', 'DELAYED', 'TIMER_'), fc.string({ minLength: 1, maxLength: 8 }));
    const value = fc.oneof(fc.constantFrom('1', '-1', 'x', ' 5 ', '99999999999999999999', 'DELAY'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.dictionary(name, value, { noNullPrototype: true }), (drawn) => {
        const clean = Object.fromEntries(Object.entries(drawn).filter(([key, text]) => !(key + text).includes('\u0001') && !(key + text).includes('\u0002')));
        const encoded = encodeProperties(clean);
        if (mayBeScheduled(encoded)) return;
        const properties = decodeProperties(encoded);
        expect(delayPropertyProblem(properties)).toBeUndefined();
        const input: PutMessageInput = { topic: 'T', queueId: 1, body: Buffer.from('x'), properties };
        expect(rewriteDelayed(input, LEVELS)).toBe(input);
      }),
      { numRuns: 500 },
    );
  });
});
