import fc from 'fast-check';
import { ProtocolError, ProtocolErrorCode } from '../errors';
import { DEFAULT_MAX_FRAME_SIZE, decodeCommandFrame, encodeCommand } from './frame-codec';
import { FrameDecoder } from './frame-decoder';
import { createRequest, createResponse, type RemotingCommand } from './remoting-command';
import { anyCommandArb, rawFrame } from '../../test/remoting';

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return ProtocolError.is(error) ? error.code : error;
  }
  return 'no error';
};

/** Feeds `chunks` in order and returns every command, checking pending() against the bound. */
function feed(decoder: FrameDecoder, chunks: Buffer[], maxFrameSize = DEFAULT_MAX_FRAME_SIZE): RemotingCommand[] {
  const commands: RemotingCommand[] = [];
  let maxPending = 0;
  for (const chunk of chunks) {
    commands.push(...decoder.push(chunk));
    maxPending = Math.max(maxPending, decoder.pending());
  }
  expect(maxPending).toBeLessThanOrEqual(maxFrameSize + 4);
  return commands;
}

const bytesOf = (stream: Buffer): Buffer[] => Array.from(stream, (byte) => Buffer.from([byte]));

/** Cuts `stream` at the given positions (any order, duplicates allowed). */
function cut(stream: Buffer, positions: number[]): Buffer[] {
  const sorted = [0, ...positions.map((p) => p % (stream.length + 1)).sort((a, b) => a - b), stream.length];
  return sorted.slice(1).map((end, i) => stream.subarray(sorted[i]!, end));
}

// A JSON request with a multi-byte remark, a binary response with a body, and an ali-ons style
// header written by hand, with number extFields.
const UTF8_REQUEST: RemotingCommand = {
  ...createRequest(310, { topic: 'Tópico', tags: '标签' }, Buffer.from('body-1')),
  opaque: 1,
  remark: '😀 split me',
};
const BINARY_RESPONSE = { ...createResponse({ ...UTF8_REQUEST, serializeType: 'ROCKETMQ' }, 0, 'ok', { k: 'v' }, Buffer.from([0, 1, 2])) };
const HAND_WRITTEN = rawFrame(0, '{"code":11,"language":"JAVA","opaque":3,"flag":0,"version":121,"extFields":{"queueId":3,"sysFlag":7}}');
const HAND_WRITTEN_COMMAND = decodeCommandFrame(HAND_WRITTEN.subarray(4));
const STREAM = Buffer.concat([encodeCommand(UTF8_REQUEST), encodeCommand(BINARY_RESPONSE), HAND_WRITTEN]);
const EXPECTED = [UTF8_REQUEST, BINARY_RESPONSE, HAND_WRITTEN_COMMAND];

describe('FrameDecoder: split-chunk feeding', () => {
  it('decodes several frames in one chunk', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(STREAM)).toEqual(EXPECTED);
    expect(decoder.pending()).toBe(0);
    expect(HAND_WRITTEN_COMMAND.extFields).toEqual({ queueId: '3', sysFlag: '7' });
  });

  it('decodes frames fed one byte at a time, reporting held bytes', () => {
    const decoder = new FrameDecoder();
    const commands: RemotingCommand[] = [];
    let sinceLastFrame = 0;
    for (const byte of bytesOf(STREAM)) {
      const out = decoder.push(byte);
      commands.push(...out);
      sinceLastFrame = out.length > 0 ? 0 : sinceLastFrame + 1;
      expect(decoder.pending()).toBe(sinceLastFrame);
    }
    expect(commands).toEqual(EXPECTED);
    expect(decoder.pending()).toBe(0);
  });

  it('decodes the stream split into two chunks at every position', () => {
    for (let at = 0; at <= STREAM.length; at++) {
      const decoder = new FrameDecoder();
      expect(feed(decoder, [STREAM.subarray(0, at), STREAM.subarray(at)])).toEqual(EXPECTED);
      expect(decoder.pending()).toBe(0);
    }
  });

  it('decodes a multi-byte UTF-8 character of the header split across chunks', () => {
    const frame = encodeCommand(UTF8_REQUEST);
    const emoji = frame.indexOf(Buffer.from('😀'));
    expect(emoji).toBeGreaterThan(8);
    for (const at of [emoji + 1, emoji + 2, emoji + 3]) {
      const decoder = new FrameDecoder();
      expect(decoder.push(frame.subarray(0, at))).toEqual([]);
      expect(decoder.push(frame.subarray(at))).toEqual([UTF8_REQUEST]);
    }
    // ...and each of its four bytes in its own chunk, plus the length prefix split 1+3.
    const decoder = new FrameDecoder();
    const chunks = [frame.subarray(0, 1), frame.subarray(1, emoji), ...bytesOf(frame.subarray(emoji, emoji + 4)), frame.subarray(emoji + 4)];
    expect(feed(decoder, chunks)).toEqual([UTF8_REQUEST]);
  });

  it('decodes arbitrary commands split at arbitrary positions', () => {
    fc.assert(
      fc.property(fc.array(anyCommandArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 20 }), (commands, cuts) => {
        const stream = Buffer.concat(commands.map((command) => encodeCommand(command)));
        const decoder = new FrameDecoder();
        expect(feed(decoder, cut(stream, cuts))).toEqual(commands);
        expect(decoder.pending()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('with lazyExtFields, decodes the same commands (binary extFields read through the accessor)', () => {
    const fieldsOf = ({ code, language, version, opaque, flag, remark, extFields, body, serializeType }: RemotingCommand): RemotingCommand => ({ code, language, version, opaque, flag, remark, extFields, body, serializeType });
    fc.assert(
      fc.property(fc.array(anyCommandArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 20 }), (commands, cuts) => {
        const stream = Buffer.concat(commands.map((command) => encodeCommand(command)));
        const decoded = feed(new FrameDecoder({ lazyExtFields: true }), cut(stream, cuts));
        expect(decoded.map(fieldsOf)).toEqual(commands.map(fieldsOf));
      }),
      { numRuns: 200 },
    );
  });

  it('decodes a large frame trickled in tiny chunks (the small-chunk buffer path)', () => {
    const body = Buffer.alloc(200_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    const command = { ...createRequest(310, { k: 'v' }, body), opaque: 9 };
    const stream = Buffer.concat([encodeCommand(command), encodeCommand(UTF8_REQUEST)]);
    for (const size of [1, 7, 100, 4095, 4096, 5000]) {
      const decoder = new FrameDecoder();
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      const out = feed(decoder, chunks);
      expect(out).toHaveLength(2);
      // Buffer#equals, not toEqual: Jest compares a 200 kB Buffer element by element.
      const [big, small] = out;
      expect(big!.body!.equals(body)).toBe(true);
      expect({ ...big, body: undefined }).toEqual({ ...command, body: undefined });
      expect(small).toEqual(UTF8_REQUEST);
    }
  });

  it('returns a frame inside one chunk as a view of that chunk (no copy)', () => {
    const chunk = Buffer.from(STREAM);
    const [first] = new FrameDecoder().push(chunk);
    expect(first!.body!.buffer).toBe(chunk.buffer);
  });

  it('does not let a later chunk overwrite bytes of an earlier command', () => {
    const decoder = new FrameDecoder();
    const frames = Array.from({ length: 40 }, (_, i) => encodeCommand({ ...createRequest(1, {}, Buffer.from(`body-${i}`)), opaque: i }));
    const stream = Buffer.concat(frames);
    const commands = feed(decoder, cut(stream, Array.from({ length: 400 }, (_, i) => i * 7 + 3)));
    expect(commands.map((command) => command.body!.toString())).toEqual(frames.map((_, i) => `body-${i}`));
  });

  it('ignores empty chunks', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.alloc(0))).toEqual([]);
    expect(feed(decoder, [STREAM.subarray(0, 5), Buffer.alloc(0), STREAM.subarray(5)])).toEqual(EXPECTED);
  });
});

describe('FrameDecoder: bad input', () => {
  it('throws FRAME_TOO_LARGE on the 4 bytes of a 2 GiB length prefix, before any more arrive', () => {
    for (const prefix of ['7fffffff', '80000000', 'ffffffff', '01000001']) {
      const decoder = new FrameDecoder();
      expect(codeOf(() => decoder.push(Buffer.from(prefix, 'hex')))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
    }
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from('7fff', 'hex'))).toEqual([]);
    expect(codeOf(() => decoder.push(Buffer.from('ff', 'hex')))).toBe('no error');
    expect(codeOf(() => decoder.push(Buffer.from('ff', 'hex')))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
  });

  it('accepts a frame of exactly maxFrameSize and rejects one byte more', () => {
    const frame = encodeCommand(UTF8_REQUEST);
    const size = frame.length - 4;
    expect(new FrameDecoder({ maxFrameSize: size }).push(frame)).toEqual([UTF8_REQUEST]);
    expect(codeOf(() => new FrameDecoder({ maxFrameSize: size - 1 }).push(frame))).toBe(ProtocolErrorCode.FRAME_TOO_LARGE);
  });

  it.each([0, 1, 3])('throws BAD_FRAME for totalLength %i', (totalLength) => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(totalLength);
    expect(codeOf(() => new FrameDecoder().push(prefix))).toBe(ProtocolErrorCode.BAD_FRAME);
  });

  it.each([
    ['a header length larger than the frame', Buffer.from('0000000800000005' + '7b7d7b7d', 'hex'), ProtocolErrorCode.BAD_FRAME],
    ['an unknown serialize type', rawFrame(2, '{}'), ProtocolErrorCode.BAD_FRAME],
    ['invalid JSON', rawFrame(0, '{"code":'), ProtocolErrorCode.BAD_HEADER],
    ['JSON that is not an object', rawFrame(0, '[]'), ProtocolErrorCode.BAD_HEADER],
    ['a truncated binary header', rawFrame(1, Buffer.from('0069000199', 'hex')), ProtocolErrorCode.BAD_HEADER],
  ])('throws on %s, and keeps throwing: the stream is lost', (_name, frame, code) => {
    const decoder = new FrameDecoder();
    let first: unknown;
    try {
      decoder.push(frame);
    } catch (error) {
      first = error;
    }
    expect(ProtocolError.is(first) && first.code).toBe(code);
    expect(decoder.pending()).toBe(0);
    expect(() => decoder.push(encodeCommand(UTF8_REQUEST))).toThrow(first as Error);
  });

  it('throws even when good frames precede the bad one in the chunk (the connection is lost anyway)', () => {
    const decoder = new FrameDecoder();
    expect(codeOf(() => decoder.push(Buffer.concat([encodeCommand(UTF8_REQUEST), rawFrame(9, '{}')])))).toBe(ProtocolErrorCode.BAD_FRAME);
  });

  it('rejects an invalid maxFrameSize', () => {
    expect(() => new FrameDecoder({ maxFrameSize: 0 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ maxFrameSize: 2 ** 31 })).toThrow(RangeError);
  });

  /** Feeds chunks until the end or the first throw; only ProtocolError may escape. */
  function fuzzFeed(chunks: Buffer[], maxFrameSize: number): void {
    const decoder = new FrameDecoder({ maxFrameSize });
    for (const chunk of chunks) {
      try {
        decoder.push(chunk);
      } catch (error) {
        if (!ProtocolError.is(error)) throw error;
        return;
      }
      if (decoder.pending() > maxFrameSize + 4) throw new Error(`pending ${decoder.pending()} > ${maxFrameSize + 4}`);
    }
  }

  it('fuzz: random byte streams only ever throw ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 30 }),
        fc.integer({ min: 4, max: 2048 }),
        (chunks, maxFrameSize) => fuzzFeed(chunks.map((bytes) => Buffer.from(bytes)), maxFrameSize),
      ),
      { numRuns: 2000 },
    );
  });

  it('fuzz: mutated valid frames only ever throw ProtocolError', () => {
    const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(
        fc.array(anyCommandArb, { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(512, 4096, DEFAULT_MAX_FRAME_SIZE),
        (commands, mutations, cuts, maxFrameSize) => {
          const stream = Buffer.concat(commands.map((command) => encodeCommand(command)));
          for (const { at, byte } of mutations) stream[at % stream.length] = byte;
          fuzzFeed(cut(stream, cuts), maxFrameSize);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
