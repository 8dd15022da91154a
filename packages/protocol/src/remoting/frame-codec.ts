// Whole remoting frames to and from RemotingCommand (layout in ./frame-layout). Pure functions:
// no sockets; FrameDecoder (./frame-decoder) finds frame boundaries in a byte stream.
import { ProtocolError, ProtocolErrorCode } from '../errors';
import * as binaryHeader from './binary-header';
import * as layout from './frame-layout';
import type { FrameCodecOptions } from './frame-layout';
import * as jsonHeader from './json-header';
import type { RemotingCommand } from './remoting-command';

// Bound once at load: under CommonJS every use of an imported name is a getter call on the other
// module's exports, and these run for every frame in and out (bench:broker profile).
const { binaryHeaderLength, decodeBinaryHeader, writeBinaryHeader } = binaryHeader;
const { HEADER_WORD_SIZE, LENGTH_PREFIX_SIZE, MAX_HEADER_LENGTH, SerializeTypeCode, checkTotalLength, resolveFrameCodecOptions } = layout;
const { decodeJsonHeader, encodeJsonHeader } = jsonHeader;
const JSON_TYPE = SerializeTypeCode.JSON;
const ROCKETMQ_TYPE = SerializeTypeCode.ROCKETMQ;

export const DEFAULT_MAX_FRAME_SIZE = layout.DEFAULT_MAX_FRAME_SIZE;

const HEADER_START = LENGTH_PREFIX_SIZE + HEADER_WORD_SIZE;
const DEFAULT_OPTIONS = resolveFrameCodecOptions();

/**
 * The whole frame: int32 totalLength (not counting itself) | int32 headerWord
 * ((serializeType << 24) | headerLength) | header | body, in one allocation. The header is JSON or
 * binary per `command.serializeType`. Throws ProtocolError UNSAFE_INTEGER when code, version, opaque
 * or flag don't fit their wire fields (int32 in JSON; code and version int16 in binary), BAD_LENGTH
 * for a binary key over 32767 bytes, FRAME_TOO_LARGE above `maxFrameSize` (the peer would drop it).
 */
export function encodeCommand(command: RemotingCommand, options?: FrameCodecOptions): Buffer {
  const { maxFrameSize } = options === undefined ? DEFAULT_OPTIONS : resolveFrameCodecOptions(options);
  const body = command.body;
  const bodyLength = body === undefined ? 0 : body.length;
  let frame: Buffer;
  let headerLength: number;
  if (command.serializeType === 'ROCKETMQ') {
    checkInteger('code', command.code, 16);
    checkInteger('version', command.version, 16);
    checkInteger('opaque', command.opaque, 32);
    checkInteger('flag', command.flag, 32);
    headerLength = binaryHeaderLength(command);
    frame = allocateFrame(ROCKETMQ_TYPE, headerLength, bodyLength, maxFrameSize);
    writeBinaryHeader(command, frame, HEADER_START);
  } else {
    checkInteger('code', command.code, 32);
    checkInteger('version', command.version, 32);
    checkInteger('opaque', command.opaque, 32);
    checkInteger('flag', command.flag, 32);
    const json = encodeJsonHeader(command);
    headerLength = Buffer.byteLength(json, 'utf8');
    frame = allocateFrame(JSON_TYPE, headerLength, bodyLength, maxFrameSize);
    // As many UTF-8 bytes as characters means every character is ASCII (anything else takes two or
    // more bytes), and then Latin-1 writes the same bytes as a copy, cheaper than UTF-8 encoding.
    frame.write(json, HEADER_START, headerLength, headerLength === json.length ? 'latin1' : 'utf8');
  }
  // `set` rather than Buffer#copy so any Uint8Array body works.
  if (body !== undefined && bodyLength > 0) frame.set(body, HEADER_START + headerLength);
  return frame;
}

/**
 * Decodes one frame given WITHOUT its 4-byte length prefix (so `frame.length` is totalLength).
 * Throws ProtocolError BAD_FRAME, BAD_HEADER or FRAME_TOO_LARGE. The body, when present, is a view
 * into `frame`, not a copy; `serializeType` is the one the frame used, so a reply can reuse it.
 */
export function decodeCommandFrame(frame: Buffer, options?: FrameCodecOptions): RemotingCommand {
  const { maxFrameSize } = options === undefined ? DEFAULT_OPTIONS : resolveFrameCodecOptions(options);
  checkTotalLength(frame.length, maxFrameSize);
  return decodeFrameUnchecked(frame);
}

/** decodeCommandFrame without the maxFrameSize check, for FrameDecoder, which checked the prefix. */
export function decodeFrameUnchecked(frame: Buffer): RemotingCommand {
  if (frame.length < HEADER_WORD_SIZE) {
    throw new ProtocolError(ProtocolErrorCode.BAD_FRAME, `a remoting frame of ${frame.length} bytes has no room for its header word`);
  }
  const headerWord = frame.readUInt32BE(0);
  const serializeType = headerWord >>> 24;
  const headerLength = headerWord & MAX_HEADER_LENGTH;
  const headerEnd = HEADER_WORD_SIZE + headerLength;
  if (headerEnd > frame.length) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_FRAME,
      `remoting header length ${headerLength} is larger than the ${frame.length - HEADER_WORD_SIZE} bytes the frame has after the header word`,
    );
  }
  let command: RemotingCommand;
  if (serializeType === JSON_TYPE) command = decodeJsonHeader(frame, HEADER_WORD_SIZE, headerEnd);
  else if (serializeType === ROCKETMQ_TYPE) command = decodeBinaryHeader(frame, HEADER_WORD_SIZE, headerEnd);
  else {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_FRAME,
      `unknown remoting serialize type ${serializeType} (expected 0 JSON or 1 ROCKETMQ); the peer does not speak this protocol`,
    );
  }
  if (headerEnd < frame.length) command.body = frame.subarray(headerEnd);
  return command;
}

function allocateFrame(serializeType: number, headerLength: number, bodyLength: number, maxFrameSize: number): Buffer {
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `the remoting header is ${headerLength} bytes; a frame allows at most ${MAX_HEADER_LENGTH}. Move data from extFields/remark into the body`,
    );
  }
  const totalLength = HEADER_WORD_SIZE + headerLength + bodyLength;
  checkTotalLength(totalLength, maxFrameSize);
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_SIZE + totalLength);
  frame.writeInt32BE(totalLength, 0);
  // `* 2 ** 24` rather than `<< 24`: the word is written unsigned, so a type byte >= 128 can't go negative.
  frame.writeUInt32BE(serializeType * 2 ** 24 + headerLength, LENGTH_PREFIX_SIZE);
  return frame;
}

function checkInteger(field: string, value: number, bits: 16 | 32): void {
  const limit = 2 ** (bits - 1);
  if (!Number.isInteger(value) || value < -limit || value >= limit) {
    throw new ProtocolError(
      ProtocolErrorCode.UNSAFE_INTEGER,
      `remoting command ${field} ${String(value)} is not an int${bits}, which its wire field requires`,
    );
  }
}
