// The RocketMQ remoting command (reference §1): one request or response on the wire, decoded.
// Codecs turn frames into these and back; transports move them; processors interpret them.

/** Header encoding of a frame: 0 JSON, 1 the binary "ROCKETMQ" layout (reference §1.4). */
export type SerializeType = 'JSON' | 'ROCKETMQ';

/** Bits of `flag` (Java RemotingCommand: RPC_TYPE bit 0, RPC_ONEWAY bit 1). */
export const RemotingCommandFlag = {
  RESPONSE: 1,
  ONEWAY: 2,
} as const;

export interface RemotingCommand {
  /** Request code on a request; response code on a response. */
  code: number;
  /** Java LanguageCode name ('JAVA', 'CPP', ...); anything is accepted on input. */
  language: string;
  version: number;
  /** Correlates a response with its request; a response echoes the request's. */
  opaque: number;
  flag: number;
  remark?: string;
  /**
   * The custom header. Always strings after decoding: ali-ons sends JSON numbers and booleans, which
   * are normalised the way fastjson turns them into Java strings (reference §1.3).
   */
  extFields: Record<string, string>;
  body?: Buffer;
  /** How the header was (or will be) encoded; a response uses its request's. */
  serializeType: SerializeType;
}

/** `version` Pulsejet sends: RocketMQ 4.9.8's ordinal (MQVersion.Version.V4_9_8). */
export const PULSEJET_REMOTING_VERSION = 409;

export function isResponse(command: RemotingCommand): boolean {
  return (command.flag & RemotingCommandFlag.RESPONSE) !== 0;
}

export function isOneway(command: RemotingCommand): boolean {
  return (command.flag & RemotingCommandFlag.ONEWAY) !== 0;
}

/** A request; `opaque` is set by the transport that sends it. */
export function createRequest(
  code: number,
  extFields: Record<string, string> = {},
  body?: Buffer,
  options: { oneway?: boolean; serializeType?: SerializeType; remark?: string } = {},
): RemotingCommand {
  // Optional fields are assigned, not spread in: a spread of `{ remark }` or `{}` allocates and
  // copies a temporary object, and every request and response is built here.
  const command: RemotingCommand = {
    code,
    language: 'JAVA',
    version: PULSEJET_REMOTING_VERSION,
    opaque: 0,
    flag: options.oneway ? RemotingCommandFlag.ONEWAY : 0,
    extFields,
    serializeType: options.serializeType ?? 'JSON',
  };
  if (options.remark !== undefined) command.remark = options.remark;
  if (body !== undefined) command.body = body;
  return command;
}

/** The response to `request`: same opaque and serialize type, RESPONSE flag set. */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark?: string,
  extFields: Record<string, string> = {},
  body?: Buffer,
): RemotingCommand {
  const response: RemotingCommand = {
    code,
    language: 'JAVA',
    version: PULSEJET_REMOTING_VERSION,
    opaque: request.opaque,
    flag: RemotingCommandFlag.RESPONSE,
    extFields,
    serializeType: request.serializeType,
  };
  if (remark !== undefined) response.remark = remark;
  if (body !== undefined) response.body = body;
  return response;
}
