import { decodeStoredRecord, encodeProperties, encodeStoredRecord } from '@pulsejet/protocol';
import { toReceivedMessage } from '../message/received-message';
import { dlqTopicOf, handlerView, isRetryTopic, realTopicOf, retryTopicOf, withFields } from './retry-topics';

const host = { address: '127.0.0.1', port: 10911 };

function received(topic: string, properties: Record<string, string>, reconsumeTimes = 0) {
  const record = encodeStoredRecord({
    topic,
    queueId: 0,
    flag: 0,
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: host,
    storeHost: host,
    reconsumeTimes,
    preparedTransactionOffset: 0,
    body: Buffer.from('{"a":1}'),
    properties: encodeProperties(properties),
  });
  return toReceivedMessage(decodeStoredRecord(record), 'broker-a');
}

describe('retry topics', () => {
  it('names the retry and dead-letter topics of a group', () => {
    expect(retryTopicOf('G')).toBe('%RETRY%G');
    expect(dlqTopicOf('G')).toBe('%DLQ%G');
    expect(isRetryTopic('%RETRY%G')).toBe(true);
    expect(isRetryTopic('T')).toBe(false);
  });

  it('shows a retry copy under its original topic, as a full copy of the message', () => {
    const copy = received('%RETRY%G', { RETRY_TOPIC: 'orders', TAGS: 't' }, 2);
    expect(realTopicOf(copy)).toBe('orders');
    const view = handlerView(copy, 2);
    expect(view.topic).toBe('orders');
    expect(view.queue.topic).toBe('%RETRY%G');
    expect(view.json()).toEqual({ a: 1 });
    // A copy, not a prototype view: spreading and JSON see every field.
    expect({ ...view }).toMatchObject({ topic: 'orders', tags: 't', reconsumeTimes: 2, queueOffset: 0 });
    expect(JSON.parse(JSON.stringify(view))).toMatchObject({ topic: 'orders', msgId: copy.msgId });
    // Nothing to change: the message itself.
    const plain = received('orders', {});
    expect(handlerView(plain, 0)).toBe(plain);
  });

  it('adds methods that are not enumerable', () => {
    let acked = false;
    const msg = withFields(received('T', {}), {}, {
      ack: () => {
        acked = true;
      },
    }) as ReturnType<typeof received> & { ack(): void };
    msg.ack();
    expect(acked).toBe(true);
    expect(Object.keys(msg)).not.toContain('ack');
    expect(msg.text()).toBe('{"a":1}');
  });
});
