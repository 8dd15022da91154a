import { createRequest } from '@pulsejet/protocol';
import { applySerializeType } from './request-encoding';

describe('applySerializeType', () => {
  it('sends binary headers when binary is preferred', () => {
    const command = createRequest(310, { a: 'group', b: 'topic' });
    applySerializeType(command, 'ROCKETMQ');
    expect(command.serializeType).toBe('ROCKETMQ');
  });

  it('keeps JSON for a request with an empty value, which Java would read back as null', () => {
    const command = createRequest(310, { a: 'group', i: '' });
    applySerializeType(command, 'ROCKETMQ');
    expect(command.serializeType).toBe('JSON');
  });

  it('sends JSON when JSON is preferred, whatever the request held before', () => {
    const command = createRequest(310, { a: 'group' }, undefined, { serializeType: 'ROCKETMQ' });
    applySerializeType(command, 'JSON');
    expect(command.serializeType).toBe('JSON');
  });
});
