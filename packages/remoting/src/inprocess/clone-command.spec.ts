import { createPreparedRequest, createRequest, encodeFieldKey, writeEncoded, writeStringValue } from '@pulsejet/protocol';
import type { PreparedFields } from '@pulsejet/protocol';
import { cloneCommand } from './clone-command';

describe('cloneCommand', () => {
  it('copies the body and extFields so neither side sees the other mutate them', () => {
    const original = createRequest(10, { topic: 'T' }, Buffer.from('abc'));
    const copy = cloneCommand(original);
    copy.body!.fill(0);
    copy.extFields.topic = 'X';
    expect(original.body!.toString()).toBe('abc');
    expect(original.extFields.topic).toBe('T');
    expect(copy).not.toBe(original);
  });

  it('turns non-string extFields into strings and drops null ones, as a JSON header would', () => {
    const original = createRequest(10, { n: 4 as unknown as string, b: false as unknown as string, gone: null as unknown as string });
    expect(cloneCommand(original).extFields).toEqual({ n: '4', b: 'false' });
  });

  it('gives a prepared command as a plain one: its fields as an object, nothing of its private state', () => {
    const fields: PreparedFields = {
      maxBytes: 32,
      writeTo: (out, at) => writeStringValue(out, writeEncoded(out, at, encodeFieldKey('k')), 'v'),
      toRecord: () => ({ k: 'v' }),
      hasEmptyValue: () => false,
    };
    const original = createPreparedRequest(310, fields, Buffer.from('b'), { serializeType: 'ROCKETMQ' });
    original.remark = 'why';
    const copy = cloneCommand(original);
    expect(Object.keys(copy).sort()).toEqual(['body', 'code', 'extFields', 'flag', 'language', 'opaque', 'remark', 'serializeType', 'version']);
    expect(copy).toMatchObject({ code: 310, extFields: { k: 'v' }, serializeType: 'ROCKETMQ', remark: 'why' });
  });
});
