import { encodeProperties, encodeStoredRecord, javaStringHashCode } from '@pulsejet/protocol';
import { matchesTagsCode, parseSubscription, recordMatchesTags, tagsCodeFilter, type Subscription } from './subscription';

function parsed(expression: string | undefined): Subscription {
  const result = parseSubscription(expression);
  if (!result.ok) throw new Error(result.reason);
  return result.subscription;
}

function record(tags: string | undefined): Buffer {
  return encodeStoredRecord({
    queueId: 0,
    flag: 0,
    queueOffset: 0,
    physicalOffset: 0,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: { address: '127.0.0.1', port: 1 },
    storeTimestamp: 0,
    storeHost: { address: '127.0.0.1', port: 2 },
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.from('x'),
    topic: 'T',
    properties: encodeProperties(tags === undefined ? {} : { TAGS: tags }),
  });
}

describe('parseSubscription', () => {
  it.each([['*'], [' * '], [''], [undefined]])('treats %p as all', (expression) => {
    const sub = parsed(expression);
    expect(sub.all).toBe(true);
    expect(tagsCodeFilter(sub)).toBeUndefined();
  });

  it('splits on || and trims, keeping the user spacing in subString (Java FilterAPI.build)', () => {
    const sub = parsed('TagA || TagB||TagC ');
    expect([...sub.tags]).toEqual(['TagA', 'TagB', 'TagC']);
    expect([...sub.codes]).toEqual(['TagA', 'TagB', 'TagC'].map(javaStringHashCode));
    expect(sub.subString).toBe('TagA || TagB||TagC ');
  });

  it('drops empty parts', () => {
    expect([...parsed('TagA ||  || ||TagB').tags]).toEqual(['TagA', 'TagB']);
    expect([...parsed('TagA ||').tags]).toEqual(['TagA']);
  });

  it.each([['||'], [' || || ']])('refuses %p, which names no tag', (expression) => {
    const result = parseSubscription(expression);
    expect(result.ok).toBe(false);
  });

  it('parses each distinct expression once and keeps answering the same, refusals included', () => {
    const first = parseSubscription('Memo || Tag');
    expect(parseSubscription('Memo || Tag')).toBe(first);
    expect(parseSubscription('Memo ||Tag')).not.toBe(first);
    expect(parseSubscription(' || ')).toEqual({ ok: false, reason: expect.stringContaining('names no tag') });
    expect(parseSubscription(' || ').ok).toBe(false);
    // Far more distinct expressions than it remembers: still parsed correctly after it starts over.
    for (let i = 0; i < 3000; i++) expect([...parsed(`T${i} || U`).tags]).toEqual([`T${i}`, 'U']);
    expect([...parsed('Memo || Tag').tags]).toEqual(['Memo', 'Tag']);
  });

  it('filters on the tag hash code', () => {
    const filter = tagsCodeFilter(parsed('TagA'))!;
    expect(filter(javaStringHashCode('TagA'))).toBe(true);
    expect(filter(javaStringHashCode('TagB'))).toBe(false);
    expect(filter(0)).toBe(false);
    expect(matchesTagsCode(parsed('*'), 12345)).toBe(true);
  });

  it('lets a hash collision through the code filter and catches it with the exact tag', () => {
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    const sub = parsed('Aa');
    expect(tagsCodeFilter(sub)!(javaStringHashCode('BB'))).toBe(true);
    expect(recordMatchesTags(sub, record('Aa'))).toBe(true);
    expect(recordMatchesTags(sub, record('BB'))).toBe(false);
    expect(recordMatchesTags(sub, record(undefined))).toBe(false);
    expect(recordMatchesTags(parsed('*'), record('BB'))).toBe(true);
  });
});
