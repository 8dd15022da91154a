// TcpRemotingServer lifecycle and options beyond the conformance suite.
import { ResponseCode, createRequest, createResponse, rawExtFieldsOf } from '@pulsejet/protocol';
import { DEFAULT_MAX_FRAME_SIZE } from '@pulsejet/protocol';
import { RemotingError, TcpRemotingClient, TcpRemotingServer, resolveTcpClientOptions, resolveTcpServerOptions } from '../src';
import { collectingLog, rejectionOf } from './helpers';

describe('TcpRemotingServer', () => {
  it('resolves documented defaults once', () => {
    expect(resolveTcpServerOptions()).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
      channelIdleTimeoutMs: 120_000,
      writeDrainTimeoutMs: 30_000,
      maxInFlightPerChannel: 65_536,
    });
    expect(resolveTcpClientOptions()).toMatchObject({ connectTimeoutMs: 3000, closeChannelOnTimeout: false, maxInFlightPerChannel: 65_536 });
  });

  it('has an address only once started, as "host:port"', async () => {
    const server = new TcpRemotingServer({ log: collectingLog().log });
    expect(() => server.address()).toThrow(/start/);
    await server.start();
    expect(server.address()).toMatch(/^127\.0\.0\.1:\d+$/);
    await server.close();
  });

  it('rejects start on a port in use, and may start again once it is free', async () => {
    const first = new TcpRemotingServer({ log: collectingLog().log });
    await first.start();
    const port = Number(first.address().split(':')[1]);
    const second = new TcpRemotingServer({ port, log: collectingLog().log });
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
    await second.start();
    expect(second.address()).toBe(`127.0.0.1:${port}`);
    await second.close();
  });

  it('closes during start without being left listening', async () => {
    const server = new TcpRemotingServer({ log: collectingLog().log });
    const started = server.start();
    const closed = server.close();
    await started;
    await closed;
    const client = new TcpRemotingClient({ log: collectingLog().log });
    const error = await rejectionOf(client.request(server.address(), createRequest(1), 1000));
    expect(RemotingError.is(error) && error.code).toBe('CONNECT_FAILED');
    await client.close();
  });
});

describe('TCP binary headers decoded lazily on both sides', () => {
  it('hands requests and replies whose extFields are built on first read, with every field there', async () => {
    const server = new TcpRemotingServer({ log: collectingLog().log });
    let requestUnread: boolean | undefined;
    server.registerProcessor(10, (request) => {
      requestUnread = rawExtFieldsOf(request) !== undefined;
      return createResponse(request, ResponseCode.SUCCESS, undefined, { echo: request.extFields['k'] ?? '', msgId: 'M-1' });
    });
    await server.start();
    const client = new TcpRemotingClient({ log: collectingLog().log });
    try {
      const reply = await client.request(server.address(), createRequest(10, { k: 'v' }, undefined, { serializeType: 'ROCKETMQ' }), 3000);
      expect(requestUnread).toBe(true);
      // The client never built the reply's fields; reading them builds them once.
      expect(rawExtFieldsOf(reply)).toBeDefined();
      expect(reply.extFields).toEqual({ echo: 'v', msgId: 'M-1' });
      expect(rawExtFieldsOf(reply)).toBeUndefined();
    } finally {
      await client.close();
      await server.close();
    }
  });
});
