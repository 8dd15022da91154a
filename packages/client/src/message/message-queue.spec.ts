import { queueKey, type MessageQueue } from './message-queue';

describe('queueKey', () => {
  it('names a queue by topic, broker and queue id, the same for equal queues', () => {
    expect(queueKey({ topic: 'T', brokerName: 'b', queueId: 3 })).toBe('T@b@3');
    expect(queueKey({ topic: 'T', brokerName: 'b', queueId: 3 })).toBe(queueKey({ topic: 'T', brokerName: 'b', queueId: 3 }));
  });

  it('follows a queue object whose fields were changed after its key was built', () => {
    const mq = { topic: 'T', brokerName: 'b', queueId: 0 };
    expect(queueKey(mq)).toBe('T@b@0');
    mq.queueId = 1;
    expect(queueKey(mq)).toBe('T@b@1');
    (mq as { topic: string }).topic = 'U';
    expect(queueKey(mq as MessageQueue)).toBe('U@b@1');
  });
});
