// Write back-pressure: a peer that sends requests but never reads the answers must not make the
// server buffer without bound or stall anyone else; after writeDrainTimeoutMs its channel closes.
import { ResponseCode, createRequest, createResponse, encodeCommand } from '@pulsejet/protocol';
import { TcpRemotingClient, TcpRemotingServer } from '../src';
import type { RemotingChannel } from '../src';
import { collectingLog, waitFor } from './helpers';
import { RawPeer } from './raw-peer';

const ECHO = 9001;
const BIG = 9010;

describe('TCP write back-pressure', () => {
  it('waits for drain, then closes the channel of a peer that stopped reading; others are unaffected', async () => {
    const log = collectingLog();
    const server = new TcpRemotingServer({ writeDrainTimeoutMs: 1000, log: log.log });
    const bigBody = Buffer.alloc(1024 * 1024, 1);
    let answered = 0;
    server.registerProcessor(BIG, (request) => {
      answered += 1;
      return createResponse(request, ResponseCode.SUCCESS, undefined, {}, bigBody);
    });
    server.registerProcessor(ECHO, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, request.extFields));
    const closeReasons = new Map<RemotingChannel, string>();
    server.onChannelEvent((event, channel) => {
      if (event === 'connect') channel.onClose((reason) => closeReasons.set(channel, reason));
    });
    await server.start();
    const address = server.address();
    const client = new TcpRemotingClient({ log: collectingLog().log });
    const stalled = await RawPeer.connect(address);
    try {
      stalled.socket.pause(); // reads nothing from now on
      const requests = Array.from({ length: 64 }, (_, i) => {
        const request = createRequest(BIG);
        request.opaque = i + 1;
        return encodeCommand(request);
      });
      await stalled.write(Buffer.concat(requests));

      // While the stalled peer's answers wait, another client is served (before the stalled channel closes).
      await waitFor(() => server.channelCount() === 1, 'the stalled connection');
      expect((await client.request(address, createRequest(ECHO, { n: '1' }), 3000)).extFields).toEqual({ n: '1' });
      expect(closeReasons.size).toBe(0);

      await waitFor(() => [...closeReasons.values()].some((reason) => /write timeout/.test(reason)), 'the stalled channel to close', 5000);
      expect(log.has(/did not read \d+ pending bytes within 1000 ms/, 'warn')).toBe(true);
      // The server stopped taking the stalled peer's requests once its answers backed up: it built
      // only what the socket buffers hold, not all 64 MiB.
      expect(answered).toBeLessThan(64);
      expect((await client.request(address, createRequest(ECHO, { n: '2' }), 3000)).extFields).toEqual({ n: '2' });
      expect(server.channelCount()).toBe(1);
    } finally {
      stalled.destroy();
      await client.close();
      await server.close();
    }
  }, 30_000);
});
