import { fakeChannel } from './fake-channel.spec-helper';
import { ProducerManager } from './producer-manager';

const client = (clientId: string, channel = fakeChannel()) => ({ channel, clientId, language: 'JAVA', version: 409 });

describe('ProducerManager', () => {
  it('gives an active channel of a group, rotating, and none for unknown groups', () => {
    const manager = new ProducerManager();
    const a = client('a');
    const b = client('b');
    manager.register('P', a);
    manager.register('P', b);
    manager.register('P', client('dead', fakeChannel(false)));
    const picks = new Set([manager.anyChannelOf('P'), manager.anyChannelOf('P'), manager.anyChannelOf('P')]);
    expect(picks).toEqual(new Set([a.channel, b.channel]));
    expect(manager.anyChannelOf('nobody')).toBeUndefined();
  });

  it('unregisters, forgets closed channels and expires silent ones', () => {
    let now = 0;
    const manager = new ProducerManager({ channelExpiredMillis: 50, now: () => now });
    const a = client('a');
    const b = client('b');
    manager.register('P', a);
    manager.register('Q', a);
    manager.register('P', b);
    expect(manager.unregister('Q', a.channel)).toBe(true);
    expect(manager.groupNames()).toEqual(['P']);
    manager.channelClosed(b.channel);
    expect(manager.clientIds('P')).toEqual(['a']);
    expect(manager.channelsOf('P')?.map((c) => c.clientId)).toEqual(['a']);
    expect(manager.channelsOf('Q')).toBeUndefined();
    now = 100;
    expect(manager.scanNotActive()).toBe(1);
    expect(a.channel.closedWith).toMatch(/expired/);
    expect(manager.groupNames()).toEqual([]);
  });
});
