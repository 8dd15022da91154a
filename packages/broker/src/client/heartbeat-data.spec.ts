import { parseHeartbeatData } from './heartbeat-data';

const aliOns = {
  clientID: '192.0.2.2@15524',
  consumerDataSet: [
    {
      groupName: 'GID_test',
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptionDataSet: [
        { topic: 'TopicTest', subString: 'TagA || TagB', classFilterMode: false, tagsSet: ['TagA', 'TagB'], codeSet: [2598919, 2598920], subVersion: 1 },
        { topic: '%RETRY%GID_test', subString: '*', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 2 },
      ],
      unitMode: false,
      somethingNew: 1,
    },
  ],
  producerDataSet: [{ groupName: 'PID_test' }],
};

const body = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

// The wire codec's own cases live in packages/protocol/src/client-bodies/heartbeat-data.spec.ts;
// here only the mapping to the broker's shape.
describe('parseHeartbeatData (broker shape)', () => {
  it('reads the ali-ons heartbeat (reference §5.2), defaulting expressionType to TAG', () => {
    const result = parseHeartbeatData(body(aliOns));
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
