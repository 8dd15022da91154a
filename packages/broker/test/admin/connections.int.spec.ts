// GET_CONSUMER_CONNECTION_LIST (203) and GET_PRODUCER_CONNECTION_LIST (204) over real TCP: each
// client is its own connection that heartbeats into the broker, as a Java or ali-ons client would.
import { RequestCode, ResponseCode, createRequest, type RemotingCommand } from '@pulsejet/protocol';
import { TcpRemotingClient } from '@pulsejet/remoting';
import { TIMEOUT_MS, startTestBroker, uniqueTopic, type TestBroker } from '../helpers';
import { waitFor } from '../pull/harness';

interface Connection {
  clientAddr: string;
  clientId: string;
  language: string;
  version: number;
}

interface ConsumerConnection {
  connectionSet: Connection[];
  consumeFromWhere: string;
  consumeType: string;
  messageModel: string;
  subscriptionTable: Record<string, Record<string, unknown>>;
}

/** Java String.hashCode of "TagA" and "TagB", what a Java client puts in codeSet. */
const TAG_A_CODE = 2598919;
const TAG_B_CODE = 2598920;

describe('broker admin: consumer and producer connection lists over TCP', () => {
  let b: TestBroker;
  const clients: TcpRemotingClient[] = [];
  beforeAll(async () => {
    b = await startTestBroker({ brokerName: 'broker-a' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await b.close();
  });

  /** A new TCP connection that sends with the given client language and version. */
  function connect(language = 'JAVA', version = 409): (code: number, ext?: Record<string, string>, body?: unknown) => Promise<RemotingCommand> {
    const client = new TcpRemotingClient();
    clients.push(client);
    return (code, ext = {}, body) => {
      const request = createRequest(code, ext, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
      return client.request(b.broker.brokerAddr, { ...request, language, version }, TIMEOUT_MS);
    };
  }

  function consumerHeartbeat(clientID: string, group: string, topic: string): unknown {
    return {
      clientID,
      consumerDataSet: [
        {
          groupName: group,
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
          subscriptionDataSet: [
            { topic, subString: 'TagA || TagB', classFilterMode: false, tagsSet: ['TagA', 'TagB'], codeSet: [TAG_A_CODE, TAG_B_CODE], subVersion: 7, expressionType: 'TAG' },
            { topic: `%RETRY%${group}`, subString: '*', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 8 },
          ],
          unitMode: false,
        },
      ],
      producerDataSet: [],
    };
  }

  async function consumerConnections(group: string): Promise<RemotingCommand> {
    return b.send(createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }));
  }

  it('lists every consumer of a group with its subscriptions, and shrinks after UNREGISTER_CLIENT', async () => {
    const group = `CID_conn_${uniqueTopic()}`;
    const topic = uniqueTopic('Conn');
    const java = connect('JAVA', 409);
    const node = connect('NODE_JS', 317);
    expect((await java(RequestCode.HEART_BEAT, {}, consumerHeartbeat('10.0.0.1@java', group, topic))).code).toBe(ResponseCode.SUCCESS);
    expect((await node(RequestCode.HEART_BEAT, {}, consumerHeartbeat('10.0.0.2@node', group, topic))).code).toBe(ResponseCode.SUCCESS);

    const reply = await consumerConnections(group);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const text = reply.body!.toString('utf8');
    // fastjson order: fields sorted by name.
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['connectionSet', 'consumeFromWhere', 'consumeType', 'messageModel', 'subscriptionTable']);
    const body = JSON.parse(text) as ConsumerConnection;
    expect(body).toMatchObject({ consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING' });
    const byId = new Map(body.connectionSet.map((c) => [c.clientId, c]));
    expect([...byId.keys()].sort()).toEqual(['10.0.0.1@java', '10.0.0.2@node']);
    expect(byId.get('10.0.0.1@java')).toMatchObject({ language: 'JAVA', version: 409 });
    expect(byId.get('10.0.0.2@node')).toMatchObject({ language: 'NODE_JS', version: 317 });
    for (const c of body.connectionSet) {
      expect(Object.keys(c)).toEqual(['clientAddr', 'clientId', 'language', 'version']);
      expect(c.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    // Two connections, two client ports.
    expect(new Set(body.connectionSet.map((c) => c.clientAddr)).size).toBe(2);

    expect(Object.keys(body.subscriptionTable).sort()).toEqual([topic, `%RETRY%${group}`].sort());
    expect(body.subscriptionTable[topic]).toEqual({
      classFilterMode: false,
      codeSet: [TAG_A_CODE, TAG_B_CODE],
      expressionType: 'TAG',
      subString: 'TagA || TagB',
      subVersion: 7,
      tagsSet: ['TagA', 'TagB'],
      topic,
    });
    expect(body.subscriptionTable[`%RETRY%${group}`]).toMatchObject({ subString: '*', tagsSet: [], codeSet: [], subVersion: 8 });

    expect((await node(RequestCode.UNREGISTER_CLIENT, { clientID: '10.0.0.2@node', consumerGroup: group })).code).toBe(ResponseCode.SUCCESS);
    const shrunk = JSON.parse((await consumerConnections(group)).body!.toString('utf8')) as ConsumerConnection;
    expect(shrunk.connectionSet.map((c) => c.clientId)).toEqual(['10.0.0.1@java']);

    // The last consumer leaving takes the group offline.
    expect((await java(RequestCode.UNREGISTER_CLIENT, { clientID: '10.0.0.1@java', consumerGroup: group })).code).toBe(ResponseCode.SUCCESS);
    const offline = await consumerConnections(group);
    expect(offline.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect(offline.remark).toBe(`the consumer group[${group}] not online`);
  });

  it('answers CONSUMER_NOT_ONLINE for an unknown group and SYSTEM_ERROR without a consumerGroup', async () => {
    const unknown = await consumerConnections('CID_nobody_here');
    expect(unknown.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect(unknown.remark).toBe('the consumer group[CID_nobody_here] not online');
    expect(unknown.body).toBeUndefined();

    const missing = await b.send(createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, {}));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toBe('bad GET_CONSUMER_CONNECTION_LIST header: the custom field <consumerGroup> is null');
    const blank = await b.send(createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: ' ' }));
    expect(blank.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(blank.remark).toMatch(/<consumerGroup> is empty/);
  });

  it('lists the producers of a group, forgets a closed connection, and refuses unknown groups', async () => {
    const group = `PID_conn_${uniqueTopic()}`;
    const p1 = connect('JAVA', 409);
    const p2 = connect('NODE_JS', 317);
    const producerHeartbeat = (clientID: string): unknown => ({ clientID, consumerDataSet: [], producerDataSet: [{ groupName: group }] });
    expect((await p1(RequestCode.HEART_BEAT, {}, producerHeartbeat('10.0.0.3@p1'))).code).toBe(ResponseCode.SUCCESS);
    expect((await p2(RequestCode.HEART_BEAT, {}, producerHeartbeat('10.0.0.4@p2'))).code).toBe(ResponseCode.SUCCESS);

    const reply = await b.send(createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: group }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const body = JSON.parse(reply.body!.toString('utf8')) as { connectionSet: Connection[] };
    expect(Object.keys(body)).toEqual(['connectionSet']);
    expect(body.connectionSet.map((c) => c.clientId).sort()).toEqual(['10.0.0.3@p1', '10.0.0.4@p2']);
    expect(body.connectionSet.find((c) => c.clientId === '10.0.0.4@p2')).toMatchObject({ language: 'NODE_JS', version: 317 });
    for (const c of body.connectionSet) expect(c.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);

    expect((await p2(RequestCode.UNREGISTER_CLIENT, { clientID: '10.0.0.4@p2', producerGroup: group })).code).toBe(ResponseCode.SUCCESS);
    const shrunk = JSON.parse((await b.send(createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: group }))).body!.toString('utf8')) as {
      connectionSet: Connection[];
    };
    expect(shrunk.connectionSet.map((c) => c.clientId)).toEqual(['10.0.0.3@p1']);

    const unknown = await b.send(createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PID_nobody_here' }));
    expect(unknown.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknown.remark).toBe('the producer group[PID_nobody_here] not exist');
    const missing = await b.send(createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, {}));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toBe('bad GET_PRODUCER_CONNECTION_LIST header: the custom field <producerGroup> is null');
  });

  it('drops a consumer whose connection closes', async () => {
    const group = `CID_close_${uniqueTopic()}`;
    const topic = uniqueTopic('Close');
    const stays = connect();
    const leaving = new TcpRemotingClient();
    const beat = (client: TcpRemotingClient, id: string): Promise<RemotingCommand> =>
      client.request(b.broker.brokerAddr, createRequest(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(consumerHeartbeat(id, group, topic)))), TIMEOUT_MS);
    expect((await stays(RequestCode.HEART_BEAT, {}, consumerHeartbeat('10.0.0.5@stays', group, topic))).code).toBe(ResponseCode.SUCCESS);
    expect((await beat(leaving, '10.0.0.6@leaves')).code).toBe(ResponseCode.SUCCESS);
    expect((JSON.parse((await consumerConnections(group)).body!.toString('utf8')) as ConsumerConnection).connectionSet).toHaveLength(2);

    await leaving.close();
    // The broker learns of the close asynchronously.
    await waitFor(() => b.broker.consumers.consumerIds(group).length === 1, 'the broker to drop the closed consumer connection', 10_000);
    const ids = (JSON.parse((await consumerConnections(group)).body!.toString('utf8')) as ConsumerConnection).connectionSet.map((c) => c.clientId);
    expect(ids).toEqual(['10.0.0.5@stays']);
  });
});
