// The conformance suite over real loopback sockets.
import * as net from 'node:net';
import { TcpRemotingClient, TcpRemotingServer } from '../src';
import { transportConformanceSuite } from './transport.conformance';

/** A port nothing listens on: bind a free one, then let it go. */
async function unusedAddress(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

describe('TCP transport', () => {
  transportConformanceSuite({
    createServer: (options) => new TcpRemotingServer({ port: 0, ...options }),
    createClient: (options) => new TcpRemotingClient(options),
    unusedAddress,
  });
});
