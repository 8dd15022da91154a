import { buildSubscriptionData, encodeHeartbeatData } from '@pulsejet/protocol';
import { parseHeartbeatData } from './heartbeat-data';

// Built with the shared wire encoder (the ali-ons form of reference §5.2 is the protocol spec's golden).
const heartbeat = encodeHeartbeatData({
  clientID: '192.0.2.2@15524',
  consumerDataSet: [
    {
      groupName: 'GID_test',
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptionDataSet: [buildSubscriptionData('TopicTest', 'TagA || TagB', 1), buildSubscriptionData('%RETRY%GID_test', '*', 2)],
      unitMode: false,
    },
  ],
  producerDataSet: [{ groupName: 'PID_test' }],
});

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

// The wire codec's own cases live in packages/protocol/src/client-bodies/heartbeat-data.spec.ts;
// here only the mapping to the broker's shape.
describe('parseHeartbeatData (broker shape)', () => {
  it('maps the wire heartbeat to clientId, consumers with their subscriptions, and producer groups', () => {
    const result = parseHeartbeatData(heartbeat);
    if (!result.ok) throw new Error(result.reason);
    expect(result.heartbeat.clientId).toBe('192.0.2.2@15524');
    expect(result.heartbeat.producerGroups).toEqual(['PID_test']);
    expect(result.heartbeat.consumers[0]).toMatchObject({ groupName: 'GID_test', messageModel: 'CLUSTERING' });
    expect(result.heartbeat.consumers[0]?.subscriptions[0]).toEqual({ topic: 'TopicTest', subString: 'TagA || TagB', subVersion: 1, expressionType: 'TAG' });
  });

  it('passes refusals through with the wire parser\'s reason (its cases are tested in @pulsejet/protocol)', () => {
    const result = parseHeartbeatData(body({ consumerDataSet: [] }));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no clientID/) });
  });
});
