// The conformance suite over the in-process transport: same processors, no sockets, no encoding.
import { InProcessNetwork, InProcessRemotingClient, InProcessRemotingServer } from '../src';
import { transportConformanceSuite } from './transport.conformance';

describe('in-process transport', () => {
  let network = new InProcessNetwork();
  let lastPort = 10_000;
  beforeEach(() => {
    network = new InProcessNetwork();
  });

  transportConformanceSuite({
    createServer: (options) => {
      lastPort += 1;
      return new InProcessRemotingServer(network, { address: `127.0.0.1:${lastPort}`, ...options });
    },
    createClient: (options) => new InProcessRemotingClient(network, options),
    unusedAddress: () => Promise.resolve('127.0.0.1:1'),
  });

  it('refuses a second server on a bound address until the first closes', async () => {
    const log = () => undefined;
    const first = new InProcessRemotingServer(network, { address: '127.0.0.1:10911', log });
    const second = new InProcessRemotingServer(network, { address: '127.0.0.1:10911', log });
    await first.start();
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
    await second.start();
    expect(network.lookup('127.0.0.1:10911')).toBe(second);
    await second.close();
    expect(network.lookup('127.0.0.1:10911')).toBeUndefined();
  });
});
