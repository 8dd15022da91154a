// What the frame codec alone costs per round trip, measured in the same run as the transports: each
// side of a round trip encodes one frame and decodes one, so this is the floor under the transport's
// CPU per round trip that no change to the transport can remove.
//
// Run on its own (`npx tsx tools/bench/src/remoting-bench-codec.ts [rounds]`) it prints what the
// header codec costs, JSON and binary, for the headers the broker sees most: SEND_MESSAGE_V2 as Java
// and ali-ons write it, its reply, PULL_MESSAGE and its reply (frames without a body, so the header
// dominates).
import { ResponseCode, createRequest, createResponse, decodeCommandFrame, encodeCommand } from '@pulsejet/protocol';
import type { RemotingCommand, SerializeType } from '@pulsejet/protocol';
import { BENCH_ECHO_CODE } from './remoting-bench-config';

export interface CodecCost {
  /** CPU µs per call, each. */
  encodeRequestUs: number;
  decodeRequestUs: number;
  encodeResponseUs: number;
  decodeResponseUs: number;
}

/** The codec's cost for each header encoding the transports rows use. */
export interface CodecCosts {
  /** Binary ROCKETMQ headers, what Pulsejet's clients send. */
  binary: CodecCost;
  /** JSON headers, what Java clients and ali-ons send. */
  json: CodecCost;
}

/** Runs each operation for about `durationMs` in all (after a short warm-up each) and returns CPU µs per call. */
export function measureCodec(bodyBytes: number, durationMs: number): CodecCosts {
  return {
    binary: measureCodecOf('ROCKETMQ', bodyBytes, durationMs / 2),
    json: measureCodecOf('JSON', bodyBytes, durationMs / 2),
  };
}

function measureCodecOf(serializeType: SerializeType, bodyBytes: number, durationMs: number): CodecCost {
  const request = createRequest(BENCH_ECHO_CODE, { topic: 'BenchTopic', queueId: '0' }, Buffer.alloc(bodyBytes, 0x61), { serializeType });
  request.opaque = 123_456;
  const response = createResponse(request, ResponseCode.SUCCESS, undefined, {}, request.body);
  const requestFrame = encodeCommand(request).subarray(4);
  const responseFrame = encodeCommand(response).subarray(4);
  const share = durationMs / 4;
  return {
    encodeRequestUs: cpuPerCall(() => encodeCommand(request), share),
    decodeRequestUs: cpuPerCall(() => decodeCommandFrame(requestFrame), share),
    encodeResponseUs: cpuPerCall(() => encodeCommand(response), share),
    decodeResponseUs: cpuPerCall(() => decodeCommandFrame(responseFrame), share),
  };
}

function cpuPerCall(operation: () => unknown, durationMs: number): number {
  for (let i = 0; i < 20_000; i += 1) operation(); // warm-up: optimised code, not the interpreter
  let calls = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - started < durationMs) {
    for (let i = 0; i < 1000; i += 1) operation();
    calls += 1000;
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / calls;
}

/** Message properties as Java's MessageDecoder.messageProperties2String writes them (\u0001, \u0002). */
const SEND_PROPERTIES =
  'KEYS\u0001order-20261126-000123 user-884213\u0002UNIQ_KEY\u00017F00000100012A9F8B2C1D3E4F5A0000\u0002' +
  'CLUSTER\u0001DefaultCluster\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002';

function command(code: number, flag: number, extFields: Record<string, string>): RemotingCommand {
  return { code, language: 'JAVA', version: 409, opaque: 123_456, flag, extFields, serializeType: 'JSON' };
}

/** Realistic JSON headers, as whole frames without the length prefix (what decodeCommandFrame takes). */
export const REALISTIC_HEADERS: readonly { name: string; command: RemotingCommand; frame: Buffer }[] = [
  {
    name: 'SEND_MESSAGE_V2 request (string values, as Java)',
    command: command(310, 0, {
      a: 'please_rename_unique_group_name',
      b: 'BenchTopic',
      c: 'TBW102',
      d: '4',
      e: '1',
      f: '0',
      g: '1795689639895',
      h: '0',
      i: SEND_PROPERTIES,
      j: '0',
      k: 'false',
      l: '16',
      m: 'false',
    }),
  },
  {
    // ali-ons writes numbers and booleans and its own key order (reference §1.2, §1.3).
    name: 'SEND_MESSAGE_V2 request (ali-ons)',
    command: command(310, 0, {}),
    text:
      '{"code":310,"language":"JAVA","opaque":123456,"flag":0,"version":121,"extFields":{"a":"PID_test","b":"BenchTopic",' +
      `"c":"TBW102","d":4,"e":1,"f":0,"g":1795689639895,"h":0,"i":${JSON.stringify(SEND_PROPERTIES)},"j":0,"k":false}}`,
  },
  {
    name: 'SEND_MESSAGE reply',
    command: command(ResponseCode.SUCCESS, 1, {
      msgId: '7F00000100002A9F0000000000A1B2C3',
      queueId: '1',
      queueOffset: '123456',
      transactionId: '7F00000100012A9F8B2C1D3E4F5A0000',
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: 'true',
    }),
  },
  {
    name: 'PULL_MESSAGE request',
    command: command(11, 0, {
      consumerGroup: 'please_rename_unique_group_name_4',
      topic: 'BenchTopic',
      queueId: '2',
      queueOffset: '102400',
      maxMsgNums: '32',
      sysFlag: '3',
      commitOffset: '102368',
      suspendTimeoutMillis: '15000',
      subscription: '*',
      subVersion: '1764170000000',
      expressionType: 'TAG',
    }),
  },
  {
    name: 'PULL_MESSAGE reply',
    command: command(ResponseCode.SUCCESS, 1, { nextBeginOffset: '102432', minOffset: '0', maxOffset: '250000', suggestWhichBrokerId: '0' }),
  },
].map(({ name, command, text }: { name: string; command: RemotingCommand; text?: string }) => ({
  name,
  command,
  frame: text === undefined ? encodeCommand(command).subarray(4) : jsonFrame(text),
}));

/** A frame (without the length prefix) carrying `header` as its JSON header and no body. */
function jsonFrame(header: string): Buffer {
  const bytes = Buffer.from(header, 'utf8');
  const frame = Buffer.alloc(4 + bytes.length);
  frame.writeUInt32BE(bytes.length, 0); // serialize type 0 (JSON) in the top byte
  bytes.copy(frame, 4);
  return frame;
}

export interface HeaderCodecCost {
  name: string;
  headerBytes: number;
  /** CPU µs per encodeCommand; undefined for a header we only receive (ali-ons writes it). */
  encodeUs: number | undefined;
  /** CPU µs per decodeCommandFrame. */
  decodeUs: number;
  /** The same command with a binary ROCKETMQ header (as Pulsejet's clients send it); undefined for ali-ons' header. */
  binary: { headerBytes: number; encodeUs: number; decodeUs: number } | undefined;
}

/** CPU µs per encode and decode of each realistic header, each operation run for about `durationMs`. */
export function measureHeaderCodec(durationMs: number): HeaderCodecCost[] {
  return REALISTIC_HEADERS.map(({ name, command, frame }) => {
    const aliOns = name.includes('ali-ons');
    const binaryCommand: RemotingCommand = { ...command, serializeType: 'ROCKETMQ' };
    const binaryFrame = Buffer.from(encodeCommand(binaryCommand).subarray(4));
    return {
      name,
      headerBytes: frame.length - 4,
      encodeUs: aliOns ? undefined : cpuPerCall(() => encodeCommand(command), durationMs),
      decodeUs: cpuPerCall(() => decodeCommandFrame(frame), durationMs),
      binary: aliOns
        ? undefined
        : {
            headerBytes: binaryFrame.length - 4,
            encodeUs: cpuPerCall(() => encodeCommand(binaryCommand), durationMs),
            decodeUs: cpuPerCall(() => decodeCommandFrame(binaryFrame), durationMs),
          },
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Prints the median over `rounds` runs of measureHeaderCodec: the machine may be shared and noisy. */
function main(args: string[]): void {
  const rounds = Number(args[0] ?? 7);
  const runs = Array.from({ length: rounds }, () => measureHeaderCodec(200));
  const us = (values: number[]): string => median(values).toFixed(2);
  process.stdout.write('| header | JSON bytes | encode µs | decode µs | binary bytes | encode µs | decode µs |\n|---|---:|---:|---:|---:|---:|---:|\n');
  runs[0]!.forEach(({ name, headerBytes, encodeUs, binary }, k) => {
    const encode = encodeUs === undefined ? '-' : us(runs.map((run) => run[k]!.encodeUs!));
    const decode = us(runs.map((run) => run[k]!.decodeUs));
    const binaryCells =
      binary === undefined
        ? '- | - | -'
        : `${binary.headerBytes} | ${us(runs.map((run) => run[k]!.binary!.encodeUs))} | ${us(runs.map((run) => run[k]!.binary!.decodeUs))}`;
    process.stdout.write(`| ${name} | ${headerBytes} | ${encode} | ${decode} | ${binaryCells} |\n`);
  });
}

if (require.main === module) main(process.argv.slice(2));
