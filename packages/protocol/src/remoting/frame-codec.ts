// Whole remoting frames to and from RemotingCommand (layout in ./frame-layout). Pure functions:
// no sockets; FrameDecoder (./frame-decoder) finds frame boundaries in a byte stream.
import { ProtocolError, ProtocolErrorCode } from '../errors';
import * as binaryHeader from './binary-header';
import * as layout from './frame-layout';
import type { FrameCodecOptions } from './frame-layout';
import * as jsonHeader from './json-header';
import * as jsonHeaderWriter from './json-header-writer';
import { FrameSlab } from './frame-slab';
import type { RemotingCommand } from './remoting-command';

// Bound once at load: under CommonJS every use of an imported name is a getter call on the other
// module's exports, and these run for every frame in and out (bench:broker profile).
const { binaryHeaderBound, binaryHeaderLength, decodeBinaryHeader, writeBinaryHeaderAt } = binaryHeader;
const { HEADER_WORD_SIZE, LENGTH_PREFIX_SIZE, MAX_HEADER_LENGTH, SerializeTypeCode, checkTotalLength, resolveFrameCodecOptions } = layout;
const { decodeJsonHeader, encodeJsonHeader } = jsonHeader;
const { jsonHeaderBound, writeJsonHeaderAt } = jsonHeaderWriter;
const JSON_TYPE = SerializeTypeCode.JSON;
const ROCKETMQ_TYPE = SerializeTypeCode.ROCKETMQ;

export const DEFAULT_MAX_FRAME_SIZE = layout.DEFAULT_MAX_FRAME_SIZE;

const HEADER_START = LENGTH_PREFIX_SIZE + HEADER_WORD_SIZE;
/**
 * Headers whose bound (up to 6 bytes per character in JSON, 3 in binary) is larger are measured
 * first instead: asking a caller for room several times a megabyte-sized header's length isn't
 * worth the saved measuring.
 */
const MAX_HEADER_BOUND = 64 * 1024;
const DEFAULT_OPTIONS = resolveFrameCodecOptions();

/**
 * Writes the whole frame of `command` into `target` from `offset`: int32 totalLength (not counting
 * itself) | int32 headerWord ((serializeType << 24) | headerLength) | header | body. The header is
 * JSON or binary per `command.serializeType`. Returns the offset after the frame, or, when `target`
 * has too little room from `offset`, minus the room to provide (an upper bound of the frame's size;
 * nothing was written then). Throws ProtocolError UNSAFE_INTEGER when code, version, opaque or flag
 * don't fit their wire fields (int32 in JSON; code and version int16 in binary), BAD_LENGTH for a
 * binary key over 32767 bytes, FRAME_TOO_LARGE above `maxFrameSize` (the peer would drop it); bytes
 * past `offset` may have been written before such a throw.
 */
export function encodeCommandInto(command: RemotingCommand, target: Buffer, offset: number, options?: FrameCodecOptions): number {
  return encodeFrameInto(command, target, offset, options, true);
}

/**
 * Writes the frame of `command` up to its body (length prefix, header word and header, the length
 * counting the body): the body's bytes are to follow on the wire as they are, e.g. as the next
 * buffer of a writev, so a large body (a pull reply's records) is neither copied nor allocated
 * again. Returns and throws as encodeCommandInto, the room asked for being the head's.
 */
export function encodeCommandHeadInto(command: RemotingCommand, target: Buffer, offset: number, options?: FrameCodecOptions): number {
  return encodeFrameInto(command, target, offset, options, false);
}

function encodeFrameInto(command: RemotingCommand, target: Buffer, offset: number, options: FrameCodecOptions | undefined, withBody: boolean): number {
  const { maxFrameSize } = options === undefined ? DEFAULT_OPTIONS : resolveFrameCodecOptions(options);
  const body = command.body;
  const bodyLength = body === undefined ? 0 : body.length;
  // Room this call writes into: the body's too, unless it travels separately.
  const bodyRoom = withBody ? bodyLength : 0;
  const headerStart = offset + HEADER_START;
  const room = target.length - offset;
  let serializeType: number;
  let headerLength: number;
  if (command.serializeType === 'ROCKETMQ') {
    checkInteger('code', command.code, 16);
    checkInteger('version', command.version, 16);
    checkInteger('opaque', command.opaque, 32);
    checkInteger('flag', command.flag, 32);
    serializeType = ROCKETMQ_TYPE;
    const bound = binaryHeaderBound(command);
    if (bound <= MAX_HEADER_BOUND) {
      // As for JSON below: written in place into room for the bound, measured after.
      checkFrameSize(0, bodyLength, maxFrameSize);
      if (room < HEADER_START + bound + bodyRoom) return -(HEADER_START + bound + bodyRoom);
      headerLength = writeBinaryHeaderAt(command, target, headerStart) - headerStart;
      checkFrameSize(headerLength, bodyLength, maxFrameSize);
    } else {
      headerLength = binaryHeaderLength(command);
      checkFrameSize(headerLength, bodyLength, maxFrameSize);
      if (room < HEADER_START + headerLength + bodyRoom) return -(HEADER_START + headerLength + bodyRoom);
      writeBinaryHeaderAt(command, target, headerStart);
    }
  } else {
    checkInteger('code', command.code, 32);
    checkInteger('version', command.version, 32);
    checkInteger('opaque', command.opaque, 32);
    checkInteger('flag', command.flag, 32);
    serializeType = JSON_TYPE;
    const bound = jsonHeaderBound(command);
    if (bound >= 0 && bound <= MAX_HEADER_BOUND) {
      // Written in place and measured after: the bound has to fit, the header's own size is checked
      // once written (a body over the limit is refused first, before a caller makes room for it).
      checkFrameSize(0, bodyLength, maxFrameSize);
      if (room < HEADER_START + bound + bodyRoom) return -(HEADER_START + bound + bodyRoom);
      headerLength = writeJsonHeaderAt(command, target, headerStart) - headerStart;
      checkFrameSize(headerLength, bodyLength, maxFrameSize);
    } else {
      const json = encodeJsonHeader(command);
      headerLength = Buffer.byteLength(json, 'utf8');
      checkFrameSize(headerLength, bodyLength, maxFrameSize);
      if (room < HEADER_START + headerLength + bodyRoom) return -(HEADER_START + headerLength + bodyRoom);
      target.write(json, headerStart, headerLength, 'utf8');
    }
  }
  const totalLength = HEADER_WORD_SIZE + headerLength + bodyLength;
  target.writeInt32BE(totalLength, offset);
  // `* 2 ** 24` rather than `<< 24`: the word is written unsigned, so a type byte >= 128 can't go negative.
  target.writeUInt32BE(serializeType * 2 ** 24 + headerLength, offset + LENGTH_PREFIX_SIZE);
  if (!withBody) return headerStart + headerLength;
  // `set` rather than Buffer#copy so any Uint8Array body works.
  if (body !== undefined && bodyLength > 0) target.set(body, headerStart + headerLength);
  return offset + LENGTH_PREFIX_SIZE + totalLength;
}

/** Where encodeCommand's frames are cut from (./frame-slab: cheaper than an allocation per frame). */
const slab = new FrameSlab(encodeCommandInto);

/**
 * The whole frame of `command` as a Buffer of its own length (see encodeCommandInto for the layout
 * and the errors). The frame is a view of a shared slab of 64 KiB, which it keeps alive: a caller
 * holding many frames for long should copy them or use a FrameSlab of its own.
 */
export function encodeCommand(command: RemotingCommand, options?: FrameCodecOptions): Buffer {
  slab.encode(command, options);
  return slab.lastBuffer.subarray(slab.lastStart, slab.lastEnd);
}

/**
 * Decodes one frame given WITHOUT its 4-byte length prefix (so `frame.length` is totalLength).
 * Throws ProtocolError BAD_FRAME, BAD_HEADER or FRAME_TOO_LARGE. The body, when present, is a view
 * into `frame`, not a copy; `serializeType` is the one the frame used, so a reply can reuse it.
 */
export function decodeCommandFrame(frame: Buffer, options?: FrameCodecOptions): RemotingCommand {
  const { maxFrameSize } = options === undefined ? DEFAULT_OPTIONS : resolveFrameCodecOptions(options);
  checkTotalLength(frame.length, maxFrameSize);
  return decodeFrameAt(frame, 0, frame.length);
}

/**
 * Decodes the frame in `buffer[start, end)` (without its length prefix), unchecked against
 * maxFrameSize: for FrameDecoder, which checked the prefix and decodes frames in place in the chunk
 * they arrived in (no view per frame). The body is a view into `buffer`. `lazyExtFields`: a binary
 * header's extFields are built on first read (decodeBinaryHeader's `lazy`).
 */
export function decodeFrameAt(buffer: Buffer, start: number, end: number, lazyExtFields = false): RemotingCommand {
  const frameLength = end - start;
  if (frameLength < HEADER_WORD_SIZE) {
    throw new ProtocolError(ProtocolErrorCode.BAD_FRAME, `a remoting frame of ${frameLength} bytes has no room for its header word`);
  }
  const headerWord = buffer.readUInt32BE(start);
  const serializeType = headerWord >>> 24;
  const headerLength = headerWord & MAX_HEADER_LENGTH;
  const headerStart = start + HEADER_WORD_SIZE;
  const headerEnd = headerStart + headerLength;
  if (headerEnd > end) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_FRAME,
      `remoting header length ${headerLength} is larger than the ${frameLength - HEADER_WORD_SIZE} bytes the frame has after the header word`,
    );
  }
  let command: RemotingCommand;
  if (serializeType === JSON_TYPE) command = decodeJsonHeader(buffer, headerStart, headerEnd);
  else if (serializeType === ROCKETMQ_TYPE) command = decodeBinaryHeader(buffer, headerStart, headerEnd, lazyExtFields);
  else {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_FRAME,
      `unknown remoting serialize type ${serializeType} (expected 0 JSON or 1 ROCKETMQ); the peer does not speak this protocol`,
    );
  }
  if (headerEnd < end) command.body = buffer.subarray(headerEnd, end);
  return command;
}

function checkFrameSize(headerLength: number, bodyLength: number, maxFrameSize: number): void {
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `the remoting header is ${headerLength} bytes; a frame allows at most ${MAX_HEADER_LENGTH}. Move data from extFields/remark into the body`,
    );
  }
  checkTotalLength(HEADER_WORD_SIZE + headerLength + bodyLength, maxFrameSize);
}

function checkInteger(field: string, value: number, bits: 16 | 32): void {
  // A shift keeps the low `bits` bits, sign-extended: only an integer in range survives it unchanged
  // (NaN, fractions and big values don't). Runs four times per frame, so no Number.isInteger/2 ** n.
  const kept = bits === 32 ? value | 0 : (value << 16) >> 16;
  if (kept !== value) {
    throw new ProtocolError(
      ProtocolErrorCode.UNSAFE_INTEGER,
      `remoting command ${field} ${String(value)} is not an int${bits}, which its wire field requires`,
    );
  }
}
