// A TCP server fed bytes no client should send: each case must log a reason, close only that
// connection, allocate nothing for bytes that never arrive, and keep serving everyone else.
import { ResponseCode, createRequest, createResponse, encodeCommand } from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { TcpRemotingClient, TcpRemotingServer } from '../src';
import { collectingLog, waitFor } from './helpers';
import type { CollectingLog } from './helpers';
import { RawPeer } from './raw-peer';

const ECHO = 9001;

function frame(totalLength: number, headerWord: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(totalLength, 0);
  head.writeUInt32BE(headerWord, 4);
  return Buffer.concat([head, rest]);
}

describe('TCP server with bad input', () => {
  let server: TcpRemotingServer;
  let client: TcpRemotingClient;
  let log: CollectingLog;
  let address: string;
  const peers: RawPeer[] = [];

  beforeEach(async () => {
    log = collectingLog();
    server = new TcpRemotingServer({ log: log.log });
    server.registerProcessor(ECHO, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, request.extFields, request.body));
    await server.start();
    address = server.address();
    client = new TcpRemotingClient({ log: collectingLog().log });
    await client.request(address, createRequest(ECHO), 3000);
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.destroy();
    await client.close();
    await server.close();
  });

  async function raw(): Promise<RawPeer> {
    const peer = await RawPeer.connect(address);
    peers.push(peer);
    return peer;
  }

  /** The well-behaved client still gets answers on its original connection. */
  async function othersStillServed(): Promise<void> {
    const response = await client.request(address, createRequest(ECHO, { still: 'here' }), 3000);
    expect(response.extFields).toEqual({ still: 'here' });
    await waitFor(() => server.channelCount() === 1, 'only the good connection to remain');
  }

  it('closes at once on a length prefix over the maximum, without waiting for (or allocating) the rest', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const peer = await raw();
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(0x7fff_ffff, 0);
    await peer.write(prefix); // and nothing more: the server must not wait for 2 GiB
    await peer.waitClosed();
    expect(log.has(/bad frame.*maxFrameSize/, 'warn')).toBe(true);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    await othersStillServed();
  });

  it('closes on a header length larger than the frame', async () => {
    const peer = await raw();
    await peer.write(frame(8, 100, Buffer.from('{}{}')));
    await peer.waitClosed();
    expect(log.has(/bad frame.*header length 100/, 'warn')).toBe(true);
    await othersStillServed();
  });

  it('closes on a header that is not JSON', async () => {
    const peer = await raw();
    const header = Buffer.from('{"code":1,oops');
    await peer.write(frame(4 + header.length, header.length, header));
    await peer.waitClosed();
    expect(log.has(/bad frame/, 'warn')).toBe(true);
    await othersStillServed();
  });

  it('closes on a frame shorter than its header word', async () => {
    const peer = await raw();
    await peer.write(Buffer.from([0, 0, 0, 2, 0, 0]));
    await peer.waitClosed();
    expect(log.has(/bad frame/, 'warn')).toBe(true);
    await othersStillServed();
  });

  it('logs a truncated frame when the peer closes in the middle of it', async () => {
    const peer = await raw();
    const whole = encodeCommand(createRequest(ECHO, { a: 'b' }, Buffer.alloc(100, 7)));
    await peer.write(whole.subarray(0, 50));
    peer.socket.end();
    await peer.waitClosed();
    await waitFor(() => log.has(/middle of a frame \(50 bytes/, 'warn'), 'the truncation to be logged');
    await othersStillServed();
  });

  it('closes on random bytes', async () => {
    const peer = await raw();
    await peer.write(randomBytes(512));
    peer.socket.end();
    await peer.waitClosed();
    await waitFor(() => log.entries.some((entry) => entry.level === 'warn'), 'a reason to be logged');
    await othersStillServed();
  });

  it('survives random and mutated frames (fuzz) and keeps answering a normal client', async () => {
    const validFrame = fc
      .record({
        code: fc.integer({ min: -5, max: 400 }),
        ext: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }), { maxKeys: 4 }),
        body: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        serializeType: fc.constantFrom('JSON' as const, 'ROCKETMQ' as const),
      })
      .map(({ code, ext, body, serializeType }): Buffer => {
        const command: RemotingCommand = createRequest(code, ext, body === undefined ? undefined : Buffer.from(body), { serializeType });
        command.opaque = 1;
        return encodeCommand(command);
      });
    const mutated = fc
      .tuple(validFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.option(fc.nat(), { nil: undefined }))
      .map(([bytes, flips, cut]) => {
        const copy = Buffer.from(bytes);
        for (const [position, value] of flips) copy[position % copy.length] = value;
        return cut === undefined ? copy : copy.subarray(0, cut % (copy.length + 1));
      });
    const input = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 256 }).map((bytes) => Buffer.from(bytes)), mutated, validFrame);
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const peer = await raw();
        await peer.write(bytes);
        peer.socket.end();
        await peer.waitClosed();
      }),
      { numRuns: 80, seed: 20240611 },
    );
    await othersStillServed();
    expect(log.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  }, 20_000);
});
