// What the frame codec alone costs per round trip, measured in the same run as the transports: each
// side of a round trip encodes one frame and decodes one, so this is the floor under the transport's
// CPU per round trip that no change to the transport can remove.
import { ResponseCode, createRequest, createResponse, decodeCommandFrame, encodeCommand } from '@pulsejet/protocol';
import { BENCH_ECHO_CODE } from './remoting-bench-config';

export interface CodecCost {
  /** CPU µs per call, each. */
  encodeRequestUs: number;
  decodeRequestUs: number;
  encodeResponseUs: number;
  decodeResponseUs: number;
}

/** Runs each operation for about `durationMs` (after a short warm-up) and returns CPU µs per call. */
export function measureCodec(bodyBytes: number, durationMs: number): CodecCost {
  const request = createRequest(BENCH_ECHO_CODE, { topic: 'BenchTopic', queueId: '0' }, Buffer.alloc(bodyBytes, 0x61));
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
