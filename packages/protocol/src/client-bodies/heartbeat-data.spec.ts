import { encodeHeartbeatData, parseHeartbeatData, type HeartbeatData } from './heartbeat-data';

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
  it('reads the ali-ons heartbeat (reference §5.2) with Java field names, defaulting expressionType to TAG', () => {
    const result = parseHeartbeatData(body(aliOns));
    if (!result.ok) throw new Error(result.reason);
    expect(result.heartbeat.clientID).toBe('192.0.2.2@15524');
    expect(result.heartbeat.producerDataSet).toEqual([{ groupName: 'PID_test' }]);
    expect(result.heartbeat.consumerDataSet[0]).toMatchObject({ groupName: 'GID_test', messageModel: 'CLUSTERING', unitMode: false });
    expect(result.heartbeat.consumerDataSet[0]?.subscriptionDataSet[0]).toEqual({
      topic: 'TopicTest',
      subString: 'TagA || TagB',
      tagsSet: ['TagA', 'TagB'],
      codeSet: [2598919, 2598920],
      subVersion: 1,
      expressionType: 'TAG',
      classFilterMode: false,
    });
  });

  it('accepts missing sets (a producer-only or empty heartbeat)', () => {
    expect(parseHeartbeatData(body({ clientID: 'c@DEFAULT' }))).toEqual({ ok: true, heartbeat: { clientID: 'c@DEFAULT', consumerDataSet: [], producerDataSet: [] } });
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

describe('encodeHeartbeatData', () => {
  const data: HeartbeatData = {
    clientID: '127.0.0.1@42',
    consumerDataSet: [
      {
        groupName: 'G',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        subscriptionDataSet: [{ topic: 'T', subString: 'A', tagsSet: ['A'], codeSet: [65], subVersion: 5, expressionType: 'TAG', classFilterMode: false }],
        unitMode: false,
      },
    ],
    producerDataSet: [{ groupName: 'P' }],
  };

  it('writes Java field names in fastjson sorted order (golden)', () => {
    expect(encodeHeartbeatData(data).toString()).toBe(
      '{"clientID":"127.0.0.1@42","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"G",' +
        '"messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[65],"expressionType":"TAG","subString":"A","subVersion":5,' +
        '"tagsSet":["A"],"topic":"T"}],"unitMode":false}],"producerDataSet":[{"groupName":"P"}]}',
    );
  });

  it('round-trips through the parser', () => {
    expect(parseHeartbeatData(encodeHeartbeatData(data))).toEqual({ ok: true, heartbeat: data });
  });
});
