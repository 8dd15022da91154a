// The remoting frame (reference §1.1; Java RemotingCommand.encode/decode, NettyDecoder), written
// down once for the encoder, the decoders and the tests:
//
//   int32 BE  totalLength   = 4 + headerLength + bodyLength (does not count itself)
//   int32 BE  headerWord    = (serializeType << 24) | headerLength
//   byte[headerLength]      header, JSON or binary ROCKETMQ per serializeType
//   byte[bodyLength]        body, raw; absent when totalLength == 4 + headerLength
import { ProtocolError, ProtocolErrorCode } from '../errors';
import type { SerializeType } from './remoting-command';

/** Java `com.rocketmq.remoting.frameMaxLength` (NettyDecoder), 16 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

/** Size of the totalLength prefix. */
export const LENGTH_PREFIX_SIZE = 4;
/** Size of the header word, which every frame has, so totalLength >= 4. */
export const HEADER_WORD_SIZE = 4;
/** headerLength has the low 24 bits of the header word; the top byte is the serialize type. */
export const MAX_HEADER_LENGTH = 0xffffff;
/** The largest value an int32 length prefix can carry. */
const MAX_INT32 = 0x7fffffff;

/** The serialize-type byte (Java SerializeType: JSON 0, ROCKETMQ 1). */
export const SerializeTypeCode = { JSON: 0, ROCKETMQ: 1 } as const satisfies Record<SerializeType, number>;

export interface FrameCodecOptions {
  /**
   * Largest accepted totalLength (the frame without its 4-byte prefix). Checked as soon as a length
   * prefix is seen, before anything is buffered for it, and when encoding.
   * @default DEFAULT_MAX_FRAME_SIZE (16 MiB)
   */
  maxFrameSize?: number;
}

export interface ResolvedFrameCodecOptions {
  maxFrameSize: number;
}

export function resolveFrameCodecOptions(options: FrameCodecOptions = {}): ResolvedFrameCodecOptions {
  const maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (!Number.isInteger(maxFrameSize) || maxFrameSize < HEADER_WORD_SIZE || maxFrameSize > MAX_INT32) {
    throw new RangeError(`maxFrameSize must be an integer from ${HEADER_WORD_SIZE} to ${MAX_INT32}, got ${String(maxFrameSize)}`);
  }
  return { maxFrameSize };
}

/**
 * Checks a frame's totalLength (read as unsigned, so a prefix with the top bit set is "too large",
 * not "negative"). Throws BAD_FRAME below 4 and FRAME_TOO_LARGE above `maxFrameSize`.
 */
export function checkTotalLength(totalLength: number, maxFrameSize: number): void {
  if (totalLength < HEADER_WORD_SIZE) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_FRAME,
      `remoting frame length ${totalLength} is below ${HEADER_WORD_SIZE}, so it can't hold the header word; the peer does not speak the RocketMQ remoting protocol`,
    );
  }
  if (totalLength > maxFrameSize) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `remoting frame length ${totalLength} is above maxFrameSize ${maxFrameSize}; send a smaller body or raise maxFrameSize on both ends`,
    );
  }
}
