import { RemotingCommandFlag, RequestCode } from '@pulsejet/protocol';
import { ConsumerManager } from './consumer-manager';
import { fakeChannel } from './fake-channel.spec-helper';
import type { ConsumerData } from './heartbeat-data';

const data = (groupName = 'G', topics = ['T']): ConsumerData => ({
  groupName,
  consumeType: 'CONSUME_PASSIVELY',
  messageModel: 'CLUSTERING',
  consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
  subscriptions: topics.map((topic) => ({ topic, subString: '*', subVersion: 1, expressionType: 'TAG' })),
  unitMode: false,
});

const client = (clientId: string, channel = fakeChannel()) => ({ channel, clientId, language: 'JAVA', version: 409 });

describe('ConsumerManager', () => {
  it('sends a oneway NOTIFY_CONSUMER_IDS_CHANGED to the other channels when one joins', async () => {
    const manager = new ConsumerManager();
    const a = client('a');
    const b = client('b');
    expect(manager.register(a, data())).toBe(true);
    expect(a.channel.sent).toHaveLength(0);
    expect(manager.register(a, data())).toBe(false);
    expect(manager.register(b, data())).toBe(true);
    expect(b.channel.sent).toHaveLength(0);
    expect(a.channel.sent).toHaveLength(1);
    const notice = a.channel.sent[0]!;
    expect(notice.code).toBe(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
    expect(notice.flag & RemotingCommandFlag.ONEWAY).toBe(RemotingCommandFlag.ONEWAY);
    expect(notice.extFields).toEqual({ consumerGroup: 'G' });
  });

  it('replaces the subscription set with the latest heartbeat', () => {
    const manager = new ConsumerManager();
    const a = client('a');
    manager.register(a, data('G', ['T1', 'T2']));
    manager.register(a, data('G', ['T2']));
    expect(manager.findSubscription('G', 'T1')).toBeUndefined();
    expect(manager.findSubscription('G', 'T2')?.subString).toBe('*');
  });

  it('expires silent channels, closes them and tells the rest', () => {
    let now = 1_000;
    const manager = new ConsumerManager({ channelExpiredMillis: 100, now: () => now });
    const a = client('a');
    const b = client('b');
    manager.register(a, data());
    now += 60;
    manager.register(b, data());
    now += 60; // a is 120 ms old, b 60 ms
    expect(manager.scanNotActive()).toBe(1);
    expect(a.channel.closedWith).toMatch(/expired/);
    expect(manager.consumerIds('G')).toEqual(['b']);
    expect(b.channel.sent).toHaveLength(1);
    now += 200;
    expect(manager.scanNotActive()).toBe(1);
    expect(manager.groupInfo('G')).toBeUndefined();
  });

  it('lists distinct client ids and forgets a closed channel in every group', () => {
    const manager = new ConsumerManager();
    const a = client('a');
    manager.register(a, data('G1'));
    manager.register(a, data('G2'));
    manager.register(client('a'), data('G1')); // same client id on a second connection
    expect(manager.consumerIds('G1')).toEqual(['a']);
    manager.channelClosed(a.channel);
    expect(manager.groupInfo('G2')).toBeUndefined();
    expect(manager.consumerIds('G1')).toEqual(['a']);
  });

  it('does not let a failing notifier break registration', () => {
    const manager = new ConsumerManager({
      onIdsChanged: () => {
        throw new Error('boom');
      },
    });
    manager.register(client('a'), data());
    expect(manager.register(client('b'), data())).toBe(true);
    expect(manager.consumerIds('G')).toEqual(['a', 'b']);
  });
});
