// TCP-only framing behaviour: split chunks, frame limits on send and receive, idle channels.
import { ProtocolError, ResponseCode, createRequest, createResponse, encodeCommand } from '@pulsejet/protocol';
import { RemotingError, TcpRemotingClient, TcpRemotingServer } from '../src';
import type { ChannelEvent, RemotingChannel } from '../src';
import { collectingLog, rejectionOf, waitFor } from './helpers';
import { RawPeer } from './raw-peer';

const ECHO = 9001;
const BIG = 9010;

describe('TCP framing', () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function echoServer(options: ConstructorParameters<typeof TcpRemotingServer>[0] = {}): Promise<{ server: TcpRemotingServer; address: string; log: ReturnType<typeof collectingLog> }> {
    const log = collectingLog();
    const server = new TcpRemotingServer({ log: log.log, ...options });
    server.registerProcessor(ECHO, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, request.extFields, request.body));
    await server.start();
    closers.push(() => server.close());
    return { server, address: server.address(), log };
  }

  it('answers a request written one byte at a time, and two requests written in one chunk', async () => {
    const { address } = await echoServer();
    const peer = await RawPeer.connect(address);
    closers.push(() => peer.destroy());
    const request = createRequest(ECHO, { city: 'Zürich' }, Buffer.from('€ body'));
    request.opaque = 77;
    const bytes = encodeCommand(request);
    for (let i = 0; i < bytes.length; i += 1) {
      await peer.write(bytes.subarray(i, i + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => peer.received.length === 1, 'the answer');
    expect(peer.received[0]).toMatchObject({ opaque: 77, code: ResponseCode.SUCCESS, extFields: { city: 'Zürich' } });
    expect(peer.received[0]!.body!.toString()).toBe('€ body');

    const second = { ...request, opaque: 78 };
    const third = { ...request, opaque: 79 };
    await peer.write(Buffer.concat([encodeCommand(second), encodeCommand(third)]));
    await waitFor(() => peer.received.length === 3, 'both answers');
    expect(peer.received.map((response) => response.opaque).sort()).toEqual([77, 78, 79]);
  });

  it('reads a 5 MiB reply and 300 small ones in flight together intact, and later reads leave earlier bodies intact', async () => {
    const { address } = await echoServer();
    const client = new TcpRemotingClient({ log: collectingLog().log });
    closers.push(() => client.close());
    const pattern = (bytes: number, seed: number): Buffer => {
      const body = Buffer.allocUnsafe(bytes);
      for (let i = 0; i < bytes; i++) body[i] = (i * 31 + seed) & 0xff;
      return body;
    };
    const big = pattern(5 * 1024 * 1024, 7);
    const smallBodies = Array.from({ length: 300 }, (_, i) => pattern(1 + ((i * 997) % 40_000), i));
    // All in flight at once: replies pile up in the socket and straddle reads.
    const replies = await Promise.all([big, ...smallBodies].map((body) => client.request(address, createRequest(ECHO, {}, body), 10_000)));
    // Checked after every reply arrived: later reads must not have overwritten earlier bodies.
    expect(replies[0]!.body!.equals(big)).toBe(true);
    replies.slice(1).forEach((reply, i) => expect(reply.body!.equals(smallBodies[i]!)).toBe(true));
  }, 30_000);

  it('answers small and large requests from one chunk in order, large bodies written after their heads', async () => {
    // Responses with bodies of 16 KiB and more leave the slab out (tcp-channel SEPARATE_BODY_BYTES):
    // each such head, its body and the small frames around it must still form one valid stream.
    const { address } = await echoServer();
    const peer = await RawPeer.connect(address);
    closers.push(() => peer.destroy());
    const sizes = [10, 100_000, 16_383, 16_384, 0, 20_000, 3];
    const bodies = sizes.map((size, i) => Buffer.alloc(size, i + 1));
    const chunk = Buffer.concat(
      bodies.map((body, i) => {
        const request = createRequest(ECHO, { i: String(i) }, body);
        request.opaque = 100 + i;
        return encodeCommand(request);
      }),
    );
    await peer.write(chunk);
    await waitFor(() => peer.received.length === sizes.length, 'every answer');
    expect(peer.received.map((response) => response.opaque)).toEqual(sizes.map((_, i) => 100 + i));
    peer.received.forEach((response, i) => {
      expect(response.extFields).toEqual({ i: String(i) });
      expect(Buffer.compare(response.body ?? Buffer.alloc(0), bodies[i]!)).toBe(0);
    });
  });

  it('refuses to send a request over the frame limit and keeps the connection', async () => {
    const { address } = await echoServer();
    const client = new TcpRemotingClient({ maxFrameSize: 1024, log: collectingLog().log });
    closers.push(() => client.close());
    const error = await rejectionOf(client.request(address, createRequest(ECHO, {}, Buffer.alloc(2048)), 3000));
    expect(ProtocolError.is(error) && error.code).toBe('FRAME_TOO_LARGE');
    expect((await client.request(address, createRequest(ECHO, {}, Buffer.alloc(100)), 3000)).code).toBe(ResponseCode.SUCCESS);
  });

  it('answers SYSTEM_ERROR when the response is over the frame limit', async () => {
    const { server, address, log } = await echoServer({ maxFrameSize: 4096 });
    server.registerProcessor(BIG, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.alloc(8192)));
    const client = new TcpRemotingClient({ log: collectingLog().log });
    closers.push(() => client.close());
    const response = await client.request(address, createRequest(BIG), 3000);
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toMatch(/could not be sent/);
    expect(log.has(/could not send the response/, 'warn')).toBe(true);
  });

  it('closes the client channel when the server sends a frame over the client limit', async () => {
    const { server, address } = await echoServer();
    server.registerProcessor(BIG, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, Buffer.alloc(8192)));
    const clientLog = collectingLog();
    const client = new TcpRemotingClient({ maxFrameSize: 4096, log: clientLog.log });
    closers.push(() => client.close());
    const error = await rejectionOf(client.request(address, createRequest(BIG), 3000));
    expect(RemotingError.is(error) && error.code).toBe('CHANNEL_CLOSED');
    expect(clientLog.has(/bad frame/, 'warn')).toBe(true);
    expect((await client.request(address, createRequest(ECHO), 3000)).code).toBe(ResponseCode.SUCCESS);
  });

  it('closes idle channels', async () => {
    const { address, log } = await echoServer({ channelIdleTimeoutMs: 100 });
    const client = new TcpRemotingClient({ log: collectingLog().log });
    closers.push(() => client.close());
    const events: ChannelEvent[] = [];
    client.onChannelEvent((event) => events.push(event));
    await client.request(address, createRequest(ECHO), 3000);
    await waitFor(() => events.includes('close'), 'the idle channel to close');
    expect(log.has(/idle for 100 ms/, 'info')).toBe(true);
  });

  it('reports CONNECT_FAILED for a malformed address, not retriable', async () => {
    const client = new TcpRemotingClient({ log: collectingLog().log });
    closers.push(() => client.close());
    const error = await rejectionOf(client.request('no-port-here', createRequest(ECHO), 3000));
    expect(RemotingError.is(error) && error.code).toBe('CONNECT_FAILED');
    expect(RemotingError.is(error) && error.retriable).toBe(false);
  });

  it('uses the server channel for server-to-client calls on the connection that sent a request', async () => {
    const { server, address } = await echoServer();
    let seen: RemotingChannel | undefined;
    server.registerProcessor(BIG, (request, context) => {
      seen = context.channel;
      return createResponse(request, ResponseCode.SUCCESS);
    });
    const client = new TcpRemotingClient({ log: collectingLog().log });
    closers.push(() => client.close());
    client.registerProcessor(ECHO, (request) => createResponse(request, ResponseCode.SUCCESS, 'from client'));
    await client.request(address, createRequest(BIG), 3000);
    expect((await seen!.request(createRequest(ECHO), 3000)).remark).toBe('from client');
  });

  it('keeps the frames of every connection intact when several encode into the shared slab in one tick', async () => {
    // Channels of a process encode into one FrameSlab: frames of different connections interleave in
    // its buffers, large ones get buffers of their own, and a slab fills up mid-batch. Each answer
    // must still carry its own request's body.
    const { address: first } = await echoServer();
    const { address: second } = await echoServer();
    const clients = [0, 1, 2].map(() => new TcpRemotingClient({ log: collectingLog().log }));
    for (const client of clients) closers.push(() => client.close());
    // Connected first, so the requests below are encoded in one synchronous loop, alternating channels.
    for (const client of clients) for (const address of [first, second]) await client.request(address, createRequest(ECHO), 3000);
    const requests: Promise<void>[] = [];
    for (let i = 0; i < 300; i += 1) {
      const client = clients[i % clients.length]!;
      const address = i % 2 === 0 ? first : second;
      const size = i % 50 === 7 ? 40_000 : (i * 37) % 3000; // mostly small, a few over a quarter slab
      const body = Buffer.alloc(size, i % 251);
      requests.push(
        client.request(address, createRequest(ECHO, { i: String(i) }, body), 10_000).then((response) => {
          expect(response.extFields.i).toBe(String(i));
          expect(Buffer.compare(response.body ?? Buffer.alloc(0), body)).toBe(0);
        }),
      );
    }
    await Promise.all(requests);
  });
});
