// The one conformance suite every transport runs (STYLE.md habit 13, abstract-level's
// `suite({ factory })`): tcp.spec.ts and inprocess.spec.ts call it with their factories, so the
// in-process transport can't drift from what a real socket does.
import { ResponseCode, createPreparedRequest, createRequest, createResponse, encodeFieldKey, isOneway, preparedFieldsOf, writeEncoded, writeStringValue } from '@pulsejet/protocol';
import type { PreparedFields, RemotingCommand } from '@pulsejet/protocol';
import { RemotingError } from '../src';
import type { ChannelEvent, RemotingChannel, RemotingClient, RemotingLog, RemotingServer, RequestProcessor } from '../src';
import { collectingLog, deferred, rejectionOf, waitFor } from './helpers';
import type { CollectingLog, Deferred } from './helpers';

export interface ServerOptionsUnderTest {
  log: RemotingLog;
  maxInFlightPerChannel?: number;
}

export interface ClientOptionsUnderTest {
  log: RemotingLog;
  maxInFlightPerChannel?: number;
  closeChannelOnTimeout?: boolean;
}

export interface TransportFactory {
  /** A server, not started. */
  createServer(options: ServerOptionsUnderTest): RemotingServer;
  createClient(options: ClientOptionsUnderTest): RemotingClient;
  /** An address no server of this transport listens on. */
  unusedAddress(): Promise<string>;
}

// Request codes of the test processors (above every real RocketMQ code).
const ECHO = 9001;
const SLOW = 9002;
const FAST = 9003;
const THROWS = 9004;
const GATED = 9005;
const NO_ANSWER = 9006;
const MUTATES = 9007;
const TO_CLIENT = 9008;
const UNKNOWN = 9999;

const echo: RequestProcessor = (request) => createResponse(request, ResponseCode.SUCCESS, undefined, { ...request.extFields }, request.body);

interface EventRecord {
  event: ChannelEvent;
  channel: RemotingChannel;
}

interface ServerUnderTest {
  server: RemotingServer;
  address: string;
  log: CollectingLog;
  events: EventRecord[];
  /** The server's end of the n-th accepted connection. */
  channel(index?: number): RemotingChannel;
}

interface ClientUnderTest {
  client: RemotingClient;
  log: CollectingLog;
  events: EventRecord[];
}

function count(events: EventRecord[], event: ChannelEvent): number {
  return events.filter((record) => record.event === event).length;
}

export function transportConformanceSuite(factory: TransportFactory): void {
  let closers: (() => Promise<void>)[] = [];
  let gates: Deferred<void>[] = [];

  afterEach(async () => {
    for (const gate of gates) gate.resolve();
    gates = [];
    await Promise.all(closers.map((close) => close()));
    closers = [];
  });

  function gate(): Deferred<void> {
    const made = deferred<void>();
    gates.push(made);
    return made;
  }

  async function startServer(options: Omit<ServerOptionsUnderTest, 'log'> = {}): Promise<ServerUnderTest> {
    const log = collectingLog();
    const server = factory.createServer({ log: log.log, ...options });
    closers.push(() => server.close());
    const events: EventRecord[] = [];
    server.onChannelEvent((event, channel) => events.push({ event, channel }));
    server.registerProcessor(ECHO, echo);
    await server.start();
    return {
      server,
      address: server.address(),
      log,
      events,
      channel: (index = 0) => events.filter((record) => record.event === 'connect')[index]!.channel,
    };
  }

  function newClient(options: Omit<ClientOptionsUnderTest, 'log'> = {}): ClientUnderTest {
    const log = collectingLog();
    const client = factory.createClient({ log: log.log, ...options });
    closers.push(() => client.close());
    const events: EventRecord[] = [];
    client.onChannelEvent((event, channel) => events.push({ event, channel }));
    return { client, log, events };
  }

  describe('request and response', () => {
    it('answers a request with the processor response, echoing opaque-matched fields and body', async () => {
      const { address } = await startServer();
      const { client } = newClient();
      const body = Buffer.from('héllo body');
      const response = await client.request(address, createRequest(ECHO, { topic: 'T', queueId: '3' }, body), 3000);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.extFields).toEqual({ topic: 'T', queueId: '3' });
      expect(response.body?.equals(body)).toBe(true);
      expect(response.flag & 1).toBe(1);
      expect(response.serializeType).toBe('JSON');
    });

    it("answers in the request's serialize type", async () => {
      const { address } = await startServer();
      const { client } = newClient();
      const response = await client.request(address, createRequest(ECHO, { a: 'b' }, undefined, { serializeType: 'ROCKETMQ' }), 3000);
      expect(response.serializeType).toBe('ROCKETMQ');
      expect(response.extFields).toEqual({ a: 'b' });
    });

    it("carries a request's prepared fields in either header type and leaves the caller's command as it was", async () => {
      const { address } = await startServer();
      const { client } = newClient();
      const fields: PreparedFields = {
        maxBytes: 64,
        writeTo: (out, at) => writeStringValue(out, writeEncoded(out, at, encodeFieldKey('topic')), 'T\u00e9'),
        toRecord: () => ({ topic: 'T\u00e9' }),
        hasEmptyValue: () => false,
      };
      for (const serializeType of ['ROCKETMQ', 'JSON'] as const) {
        const request = createPreparedRequest(ECHO, fields, Buffer.from('b'), { serializeType });
        const response = await client.request(address, request, 3000);
        expect(response.extFields).toEqual({ topic: 'T\u00e9' });
        expect(response.serializeType).toBe(serializeType);
        expect(request.opaque).toBe(0);
        expect(preparedFieldsOf(request)).toBe(fields);
      }
    });

    it('runs requests on one connection concurrently and answers them out of order', async () => {
      const { server, address, events } = await startServer();
      const slowGate = gate();
      server.registerProcessor(SLOW, async (request) => {
        await slowGate.promise;
        return createResponse(request, ResponseCode.SUCCESS, 'slow');
      });
      server.registerProcessor(FAST, (request) => createResponse(request, ResponseCode.SUCCESS, 'fast'));
      const { client } = newClient();
      let slowDone = false;
      const slow = client.request(address, createRequest(SLOW), 3000).then((response) => {
        slowDone = true;
        return response;
      });
      const fast = await client.request(address, createRequest(FAST), 3000);
      expect(fast.remark).toBe('fast');
      expect(slowDone).toBe(false);
      slowGate.resolve();
      expect((await slow).remark).toBe('slow');
      expect(count(events, 'connect')).toBe(1);
    });

    it('answers an unknown code with REQUEST_CODE_NOT_SUPPORTED', async () => {
      const { address } = await startServer();
      const { client } = newClient();
      const response = await client.request(address, createRequest(UNKNOWN), 3000);
      expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
      expect(response.remark).toBe(`request code ${UNKNOWN} not supported`);
    });

    it('hands codes without a processor to the default processor when there is one', async () => {
      const { server, address } = await startServer();
      server.registerDefaultProcessor((request) => createResponse(request, ResponseCode.SUCCESS, `default got ${request.code}`));
      const { client } = newClient();
      expect((await client.request(address, createRequest(UNKNOWN), 3000)).remark).toBe(`default got ${UNKNOWN}`);
      expect((await client.request(address, createRequest(ECHO, { k: 'v' }), 3000)).extFields).toEqual({ k: 'v' });
    });

    it('answers SYSTEM_ERROR with the message when a processor throws, and keeps the connection', async () => {
      const { server, address, events, log } = await startServer();
      server.registerProcessor(THROWS, (request) => {
        if (request.extFields.async === 'true') return Promise.reject(new Error('async boom'));
        throw new Error('sync boom');
      });
      const { client } = newClient();
      const sync = await client.request(address, createRequest(THROWS), 3000);
      expect(sync).toMatchObject({ code: ResponseCode.SYSTEM_ERROR, remark: 'sync boom' });
      const async = await client.request(address, createRequest(THROWS, { async: 'true' }), 3000);
      expect(async).toMatchObject({ code: ResponseCode.SYSTEM_ERROR, remark: 'async boom' });
      expect((await client.request(address, createRequest(ECHO), 3000)).code).toBe(ResponseCode.SUCCESS);
      expect(count(events, 'connect')).toBe(1);
      expect(count(events, 'close')).toBe(0);
      expect(log.has(/sync boom/, 'warn')).toBe(true);
    });

    it('answers SYSTEM_ERROR when a processor returns nothing for a request that is not oneway', async () => {
      const { server, address } = await startServer();
      server.registerProcessor(NO_ANSWER, () => undefined);
      const { client } = newClient();
      // ali-ons' "oneway" sends have flag 0 (reference §2.2): they are answered like any request.
      const response = await client.request(address, createRequest(NO_ANSWER), 3000);
      expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    });

    it("answers SYSTEM_BUSY at once when a processor's slots and queue are full", async () => {
      const { server, address } = await startServer();
      const busyGate = gate();
      let started = 0;
      server.registerProcessor(
        GATED,
        async (request) => {
          started += 1;
          await busyGate.promise;
          return createResponse(request, ResponseCode.SUCCESS);
        },
        { maxConcurrency: 1, maxQueued: 1 },
      );
      const { client } = newClient();
      const running = client.request(address, createRequest(GATED), 3000);
      const queued = client.request(address, createRequest(GATED), 3000);
      const rejected = await client.request(address, createRequest(GATED), 3000);
      expect(rejected.code).toBe(ResponseCode.SYSTEM_BUSY);
      expect(rejected.remark).toMatch(/busy/);
      expect(started).toBe(1);
      busyGate.resolve();
      expect((await running).code).toBe(ResponseCode.SUCCESS);
      expect((await queued).code).toBe(ResponseCode.SUCCESS);
      expect(started).toBe(2);
    });

    it('delivers responses asynchronously, never from inside the call', async () => {
      const { server, address } = await startServer();
      let afterCall = false;
      let seenAfterCall: boolean | undefined;
      server.registerProcessor(FAST, (request) => {
        seenAfterCall = afterCall;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      const { client } = newClient();
      await client.request(address, createRequest(ECHO), 3000); // connected: the next call is the warm path
      const pending = client.request(address, createRequest(FAST), 3000);
      afterCall = true;
      await pending;
      expect(seenAfterCall).toBe(true);
    });

    it("keeps the sender's and the processor's objects apart", async () => {
      const { server, address } = await startServer();
      const cachedBody = Buffer.from('server-owned');
      const cachedExt = { owner: 'server' };
      server.registerProcessor(MUTATES, (request) => {
        request.body!.fill(0x21);
        request.extFields.topic = 'changed by the processor';
        return createResponse(request, ResponseCode.SUCCESS, undefined, cachedExt, cachedBody);
      });
      const { client } = newClient();
      const body = Buffer.from('client-owned');
      const extFields = { topic: 'T' };
      const response = await client.request(address, createRequest(MUTATES, extFields, body), 3000);
      response.body!.fill(0x22);
      response.extFields.owner = 'changed by the client';
      expect(body.toString()).toBe('client-owned');
      expect(extFields).toEqual({ topic: 'T' });
      expect(cachedBody.toString()).toBe('server-owned');
      expect(cachedExt).toEqual({ owner: 'server' });
    });

    it('carries many concurrent requests with 1 KiB and 1 MiB bodies intact', async () => {
      const { address } = await startServer();
      const { client } = newClient();
      const bodies = [
        ...Array.from({ length: 256 }, (_, i) => Buffer.alloc(1024, i % 251)),
        ...Array.from({ length: 8 }, (_, i) => {
          const big = Buffer.alloc(1024 * 1024);
          for (let offset = 0; offset < big.length; offset += 4) big.writeUInt32BE((offset * 2654435761 + i) >>> 0, offset);
          return big;
        }),
      ];
      const responses = await Promise.all(bodies.map((body, i) => client.request(address, createRequest(ECHO, { i: String(i) }, body), 10_000)));
      responses.forEach((response, i) => {
        expect(response.extFields.i).toBe(String(i));
        expect(response.body!.equals(bodies[i]!)).toBe(true);
      });
    }, 20_000);
  });

  describe('oneway', () => {
    it('delivers a oneway request flagged oneway and sends no answer', async () => {
      const { server, address } = await startServer();
      const seen: RemotingCommand[] = [];
      server.registerProcessor(FAST, (request) => {
        seen.push(request);
        return createResponse(request, ResponseCode.SUCCESS); // dropped: the request is oneway
      });
      const { client, log } = newClient();
      await client.oneway(address, createRequest(FAST, { n: '1' }));
      await waitFor(() => seen.length === 1, 'the oneway request');
      expect(isOneway(seen[0]!)).toBe(true);
      expect(seen[0]!.extFields).toEqual({ n: '1' });
      // A later round trip on the same connection: any answer to the oneway would have come first.
      await client.request(address, createRequest(ECHO), 3000);
      expect(log.has(/nobody waits for/)).toBe(false);
    });
  });

  describe('server-to-client requests', () => {
    it('sends a request to a client and gets its processor answer', async () => {
      const server = await startServer();
      const { client } = newClient();
      client.registerProcessor(TO_CLIENT, (request, context) =>
        createResponse(request, ResponseCode.SUCCESS, `client answered on ${context.channel.remoteAddress}`, { got: request.extFields.q ?? '' }),
      );
      await client.request(server.address, createRequest(ECHO), 3000);
      const reply = await server.channel().request(createRequest(TO_CLIENT, { q: 'state?' }), 3000);
      expect(reply.code).toBe(ResponseCode.SUCCESS);
      expect(reply.extFields).toEqual({ got: 'state?' });
      expect(reply.remark).toBe(`client answered on ${server.address}`);
    });

    it("answers REQUEST_CODE_NOT_SUPPORTED for a code the client has no processor for", async () => {
      const server = await startServer();
      const { client } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      expect((await server.channel().request(createRequest(UNKNOWN), 3000)).code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    });

    it('sends a oneway request to a client', async () => {
      const server = await startServer();
      const { client } = newClient();
      const seen: RemotingCommand[] = [];
      client.registerProcessor(TO_CLIENT, (request) => {
        seen.push(request);
        return undefined;
      });
      await client.request(server.address, createRequest(ECHO), 3000);
      await server.channel().oneway(createRequest(TO_CLIENT, { notify: 'ids changed' }));
      await waitFor(() => seen.length === 1, 'the client to get the oneway request');
      expect(isOneway(seen[0]!)).toBe(true);
      expect(seen[0]!.extFields).toEqual({ notify: 'ids changed' });
    });

    it('times out a server-to-client request the client never answers', async () => {
      const server = await startServer();
      const { client } = newClient();
      const never = gate();
      client.registerProcessor(TO_CLIENT, async (request) => {
        await never.promise;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      await client.request(server.address, createRequest(ECHO), 3000);
      const error = await rejectionOf(server.channel().request(createRequest(TO_CLIENT), 50));
      expect(RemotingError.is(error) && error.code).toBe('TIMEOUT');
    });
  });

  describe('channels', () => {
    it('reports the peer as ip:port on both ends', async () => {
      const server = await startServer();
      const { client, events } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      expect(server.channel().remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(events[0]).toMatchObject({ event: 'connect' });
      expect(events[0]!.channel.remoteAddress).toBe(server.address);
      expect(server.channel().id).not.toBe(events[0]!.channel.id);
    });

    it('shares one connect between concurrent first requests', async () => {
      const server = await startServer();
      const { client } = newClient();
      const responses = await Promise.all(Array.from({ length: 10 }, () => client.request(server.address, createRequest(ECHO), 3000)));
      expect(responses.every((response) => response.code === ResponseCode.SUCCESS)).toBe(true);
      expect(count(server.events, 'connect')).toBe(1);
    });

    it('reports close on both sides when the client closes a channel', async () => {
      const server = await startServer();
      const { client, events } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      const reasons: string[] = [];
      server.channel().onClose((reason) => reasons.push(reason));
      client.closeChannel(server.address);
      expect(count(events, 'close')).toBe(1);
      await waitFor(() => count(server.events, 'close') === 1, 'the server to see the close');
      expect(server.events.find((record) => record.event === 'close')!.channel).toBe(server.channel());
      expect(server.channel().isActive()).toBe(false);
      expect(reasons).toHaveLength(1);
      const late: string[] = [];
      server.channel().onClose((reason) => late.push(reason));
      await waitFor(() => late.length === 1, 'a listener added after the close to be called');
    });

    it('reports close on both sides when the server closes a channel, and the client reconnects on the next call', async () => {
      const server = await startServer();
      const { client, events } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      server.channel().close('test closes it');
      expect(count(server.events, 'close')).toBe(1);
      await waitFor(() => count(events, 'close') === 1, 'the client to see the close');
      const response = await client.request(server.address, createRequest(ECHO, { again: 'yes' }), 3000);
      expect(response.extFields).toEqual({ again: 'yes' });
      expect(count(server.events, 'connect')).toBe(2);
      expect(count(events, 'connect')).toBe(2);
    });

    it('fails requests pending on a channel with CHANNEL_CLOSED when it closes', async () => {
      const server = await startServer();
      const pendingGate = gate();
      server.server.registerProcessor(GATED, async (request) => {
        await pendingGate.promise;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      const { client } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      const pending = client.request(server.address, createRequest(GATED), 3000);
      server.channel().close('going away');
      const error = await rejectionOf(pending);
      expect(RemotingError.is(error) && error.code).toBe('CHANNEL_CLOSED');
      expect(RemotingError.is(error) && error.retriable).toBe(true);
    });

    it('fails with CONNECT_FAILED when nothing listens at the address', async () => {
      const { client } = newClient();
      const error = await rejectionOf(client.request(await factory.unusedAddress(), createRequest(ECHO), 3000));
      expect(RemotingError.is(error) && error.code).toBe('CONNECT_FAILED');
      expect(RemotingError.is(error) && error.retriable).toBe(true);
    });
  });

  describe('timeouts and limits', () => {
    it('fails a request with TIMEOUT and keeps the channel by default', async () => {
      const server = await startServer();
      const never = gate();
      server.server.registerProcessor(GATED, async (request) => {
        await never.promise;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      const { client, events, log } = newClient();
      const started = Date.now();
      const error = await rejectionOf(client.request(server.address, createRequest(GATED), 50));
      expect(RemotingError.is(error) && error.code).toBe('TIMEOUT');
      expect(RemotingError.is(error) && error.retriable).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await client.request(server.address, createRequest(ECHO), 3000)).code).toBe(ResponseCode.SUCCESS);
      expect(count(events, 'close')).toBe(0);
      // The late answer is dropped quietly.
      never.resolve();
      await waitFor(() => log.has(/nobody waits for/), 'the late response to be dropped');
    });

    it('closes the channel on a timeout when asked to (as ali-ons does)', async () => {
      const server = await startServer();
      const never = gate();
      server.server.registerProcessor(GATED, async (request) => {
        await never.promise;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      const { client, events } = newClient({ closeChannelOnTimeout: true });
      const error = await rejectionOf(client.request(server.address, createRequest(GATED), 50));
      expect(RemotingError.is(error) && error.code).toBe('TIMEOUT');
      expect(count(events, 'close')).toBe(1);
      await waitFor(() => count(server.events, 'close') === 1, 'the server to see the close');
    });

    it('refuses requests beyond the in-flight bound with TOO_MANY_IN_FLIGHT', async () => {
      const server = await startServer();
      const hold = gate();
      server.server.registerProcessor(GATED, async (request) => {
        await hold.promise;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      const { client } = newClient({ maxInFlightPerChannel: 2 });
      const first = client.request(server.address, createRequest(GATED), 3000);
      const second = client.request(server.address, createRequest(GATED), 3000);
      const error = await rejectionOf(client.request(server.address, createRequest(GATED), 3000));
      expect(RemotingError.is(error) && error.code).toBe('TOO_MANY_IN_FLIGHT');
      expect(RemotingError.is(error) && error.retriable).toBe(true);
      hold.resolve();
      await Promise.all([first, second]);
      expect((await client.request(server.address, createRequest(ECHO), 3000)).code).toBe(ResponseCode.SUCCESS);
    });
  });

  describe('lifecycle', () => {
    it('starts and closes idempotently', async () => {
      const log = collectingLog();
      const server = factory.createServer({ log: log.log });
      await Promise.all([server.start(), server.start()]);
      const address = server.address();
      await server.start();
      expect(server.address()).toBe(address);
      const { client } = newClient();
      await client.request(address, createRequest(UNKNOWN), 3000);
      await Promise.all([server.close(), server.close()]);
      await server.close();
      await expect(server.start()).rejects.toMatchObject({ code: 'CHANNEL_CLOSED' });
      await Promise.all([client.close(), client.close()]);
      await client.close();
    });

    it('fails requests after the client closed with CHANNEL_CLOSED, not retriable', async () => {
      const server = await startServer();
      const { client } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      await client.close();
      for (const attempt of [client.request(server.address, createRequest(ECHO), 3000), client.oneway(server.address, createRequest(ECHO))]) {
        const error = await rejectionOf(attempt);
        expect(RemotingError.is(error) && error.code).toBe('CHANNEL_CLOSED');
        expect(RemotingError.is(error) && error.retriable).toBe(false);
      }
      await waitFor(() => count(server.events, 'close') === 1, 'the server to see the client go');
    });

    it('closes every channel when the server closes; the client then fails to connect', async () => {
      const server = await startServer();
      const hold = gate();
      server.server.registerProcessor(GATED, async (request) => {
        await hold.promise;
        return createResponse(request, ResponseCode.SUCCESS);
      });
      const { client, events } = newClient();
      await client.request(server.address, createRequest(ECHO), 3000);
      const pending = client.request(server.address, createRequest(GATED), 3000);
      await server.server.close();
      expect(count(server.events, 'close')).toBe(1);
      const error = await rejectionOf(pending);
      expect(RemotingError.is(error) && error.code).toBe('CHANNEL_CLOSED');
      await waitFor(() => count(events, 'close') === 1, 'the client to see the close');
      const reconnect = await rejectionOf(client.request(server.address, createRequest(ECHO), 3000));
      expect(RemotingError.is(reconnect) && reconnect.code).toBe('CONNECT_FAILED');
    });
  });
}
