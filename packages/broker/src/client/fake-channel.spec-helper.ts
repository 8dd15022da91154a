// A RemotingChannel that records what is sent on it, for the manager unit tests.
import type { RemotingCommand } from '@pulsejet/protocol';
import type { RemotingChannel } from '@pulsejet/remoting';

export interface FakeChannel extends RemotingChannel {
  sent: RemotingCommand[];
  closedWith: string | undefined;
}

let nextId = 0;

export function fakeChannel(active = true): FakeChannel {
  nextId += 1;
  const channel: FakeChannel = {
    id: `fake-${nextId}`,
    remoteAddress: `127.0.0.1:${40_000 + nextId}`,
    sent: [],
    closedWith: undefined,
    request: () => Promise.reject(new Error('not used')),
    oneway: (command) => {
      channel.sent.push(command);
      return Promise.resolve();
    },
    isActive: () => active && channel.closedWith === undefined,
    close: (reason) => {
      channel.closedWith = reason ?? 'closed';
    },
    onClose: () => undefined,
  };
  return channel;
}
