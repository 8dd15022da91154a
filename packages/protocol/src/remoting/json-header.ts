// The JSON header (serializeType 0, reference §1.2 and §1.3). Java writes it with fastjson from
// RemotingCommand's fields; ali-ons writes it with JSON.stringify and reads it with JSON.parse, so
// we write strict JSON:
//
//   {"code":310,"language":"JAVA","version":409,"opaque":7,"flag":0,"remark":"...",
//    "extFields":{"topic":"TopicTest",...},"serializeTypeCurrentRPC":"JSON"}
//
// remark is left out when undefined. On decode, values are normalised the way Java's fastjson
// would read them into RemotingCommand (see toJavaString), since ali-ons sends numbers and booleans.
//
// Decoding runs for every frame in, so the common headers take a byte scanner
// (./json-header-scan) that gives exactly what the JSON.parse reference
// (./json-header-reference) gives, and hands it everything else. Encoding is defined by
// encodeJsonHeader's JSON.stringify text; the frame codec writes the same bytes straight into the
// frame (./json-header-writer) and uses this text only for commands off that fast path.
import type { RemotingCommand } from './remoting-command';
import { decodeJsonHeaderReference } from './json-header-reference';
import { scanJsonHeader } from './json-header-scan';

export { toJavaString } from './json-header-values';

/** The header JSON text; the caller measures and writes its UTF-8 bytes. */
export function encodeJsonHeader(command: RemotingCommand): string {
  // A fresh literal with a fixed key order; JSON.stringify drops `remark` when it is undefined.
  return JSON.stringify({
    code: command.code,
    language: command.language,
    version: command.version,
    opaque: command.opaque,
    flag: command.flag,
    remark: command.remark,
    extFields: command.extFields,
    // Java's own replies carry it; peers ignore it (reference §1.2).
    serializeTypeCurrentRPC: 'JSON',
  });
}

/**
 * Decodes the JSON header in `frame[start, end)`. The result has no body; the frame codec adds it.
 * Throws ProtocolError BAD_HEADER for invalid JSON or a field of the wrong type.
 */
export function decodeJsonHeader(frame: Buffer, start: number, end: number): RemotingCommand {
  return scanJsonHeader(frame, start, end) ?? decodeJsonHeaderReference(frame, start, end);
}
