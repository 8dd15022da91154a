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

describe('parseHeartbeatData', () => {
  it('reads the ali-ons heartbeat (reference §5.2), defaulting expressionType to TAG', () => {
    const result = parseHeartbeatData(body(aliOns));
    if (!result.ok) throw new Error(result.reason);
    expect(result.heartbeat.clientId).toBe('192.0.2.2@15524');
    expect(result.heartbeat.producerGroups).toEqual(['PID_test']);
    expect(result.heartbeat.consumers[0]).toMatchObject({ groupName: 'GID_test', messageModel: 'CLUSTERING' });
    expect(result.heartbeat.consumers[0]?.subscriptions[0]).toEqual({ topic: 'TopicTest', subString: 'TagA || TagB', subVersion: 1, expressionType: 'TAG' });
  });

  it('accepts missing sets (a producer-only or empty heartbeat)', () => {
    const result = parseHeartbeatData(body({ clientID: 'c@DEFAULT' }));
    expect(result).toEqual({ ok: true, heartbeat: { clientId: 'c@DEFAULT', consumers: [], producerGroups: [] } });
  });

  it.each([
    [undefined, /needs a HeartbeatData JSON body/],
    ['{nope', /not JSON/],
    ['[1]', /must be a JSON object/],
    [{ consumerDataSet: [] }, /no clientID/],
    [{ clientID: 'c', consumerDataSet: {} }, /consumerDataSet must be an array/],
    [{ clientID: 'c', consumerDataSet: [{}] }, /consumerDataSet\[0\] has no groupName/],
    [{ clientID: 'c', consumerDataSet: [{ groupName: 'G', subscriptionDataSet: [{}] }] }, /has no topic/],
    [{ clientID: 'c', producerDataSet: [{ groupName: 3 }] }, /producerDataSet\[0\] has no groupName/],
  ])('refuses %p', (value, reason) => {
    const result = parseHeartbeatData(value === undefined ? undefined : body(value));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
