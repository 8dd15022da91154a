// A send row measured over a stretch of the broker's log instead of a stretch of time. The store
// does periodic work that a 4-second window either catches or misses: once an eighth of a segment is written it
// pre-fills the next segment file (1 GiB of zeros on a worker thread, with its own datasyncs), and at
// each segment's end it rolls to the next file. A SYNC_FLUSH broker's fsyncs queue behind those
// zeros, so its short windows read anywhere from a quarter to all of the async rate depending on
// where the pre-fill fell (per-round ratios 0.27-1.75 in one run), while over 20 s the two flush
// modes kept 92-93% of each other's rate in alternated pairs. A window of exactly one segment of log
// holds one of each, wherever it starts: what a producer sees when it keeps sending.
import { decodeOffsetMessageId } from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { SendLoad } from './broker-bench-send';
import type { SendRequestFactory } from './broker-bench-send';
import { SampleBuffer, sleep } from './measure';
import { mainThreadCpuUs, processCpuUs } from './remoting-bench-load';
import type { WindowResult } from './remoting-bench-load';

export interface SustainedOptions {
  inFlight: number;
  /** Unmeasured sending first, ms. */
  warmupMs: number;
  /** The window: from the log's end after the warm-up until it has grown by this many bytes. */
  logBytes: number;
  /** Give up (an error, not a figure) if the window has not filled by then, ms. */
  timeoutMs: number;
  /** The broker's process, for its CPU. */
  brokerPid: number | undefined;
}

export interface SustainedWindow extends WindowResult {
  /** Log bytes the window covered (from the acknowledged messages' offsets). */
  logBytes: number;
  seconds: number;
}

/**
 * Single-message sends (`requests`, one message each) with `inFlight` callers until the log has
 * grown by `logBytes` past where it stood after the warm-up. The log's end is read from each reply's
 * offset message id (its physical offset), so the window is the broker's own count of bytes.
 */
export async function measureSustained(client: RemotingClient, address: string, requests: SendRequestFactory, options: SustainedOptions): Promise<SustainedWindow> {
  if (requests.messagesPerRequest !== 1) throw new Error('a sustained window reads one offset per reply: single-message sends only');
  let measuring = false;
  let endOffset = Number.POSITIVE_INFINITY;
  let startOffset = 0;
  const samples = new SampleBuffer();
  let markFilled: () => void = () => undefined;
  const filled = new Promise<void>((resolve) => (markFilled = resolve));

  const load = new OffsetReadingSendLoad(client, address, requests, (latencyMs) => {
    if (!measuring) return;
    samples.push(latencyMs * 1000);
    if (load.highest >= endOffset) {
      measuring = false;
      markFilled();
    }
  });
  load.start(options.inFlight);
  // A refused send ends the measurement with its error instead of a timeout.
  const failed = load.failure();
  failed.catch(() => undefined); // raced below; a failure after the window must not go unhandled
  try {
    await Promise.race([sleep(options.warmupMs), failed]);
    if (load.highest < 0) throw new Error(`no send was acknowledged in the ${options.warmupMs} ms warm-up`);
    startOffset = load.highest;
    endOffset = startOffset + options.logBytes;
    const clientCpu = process.cpuUsage();
    const brokerCpu = processCpuUs(options.brokerPid);
    const brokerMainCpu = mainThreadCpuUs(options.brokerPid);
    const started = performance.now();
    measuring = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
    const outcome = await Promise.race([filled, failed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`the log grew ${load.highest - startOffset} of ${options.logBytes} bytes in ${options.timeoutMs} ms`);
    const seconds = (performance.now() - started) / 1000;
    const clientUsage = process.cpuUsage(clientCpu);
    const brokerUs = processCpuUs(options.brokerPid) - brokerCpu;
    const brokerMainUs = mainThreadCpuUs(options.brokerPid) - brokerMainCpu;
    const messages = samples.length;
    return {
      roundTripsPerSecond: messages / seconds,
      latenciesUs: Float64Array.from(samples.values()),
      clientCpuUs: (clientUsage.user + clientUsage.system) / messages,
      serverCpuUs: brokerUs / messages,
      serverMainThreadCpuUs: brokerMainUs / messages,
      logBytes: load.highest - startOffset,
      seconds,
    };
  } finally {
    measuring = false;
    await load.stop().catch(() => undefined); // a failure was raced above
  }
}

/** Single sends that also keep the highest log offset acknowledged (the offset msgId's physical offset). */
class OffsetReadingSendLoad extends SendLoad {
  highest = -1;

  protected override check(reply: RemotingCommand): void {
    super.check(reply);
    const msgId = reply.extFields?.['msgId'];
    if (msgId === undefined) throw new Error('a send reply carried no msgId: the window cannot read the log offset');
    const offset = physicalOffsetOf(msgId);
    if (offset > this.highest) this.highest = offset;
  }
}

/**
 * The physical offset in an offset msgId's last 16 hex digits (protocol's message-id.ts), by two
 * parseInts rather than decodeOffsetMessageId, which also decodes the id's host into an address
 * (~0.4 us against ~0.1 per reply here): a Producer keeps the msgId as the text it came as, and the
 * window's bookkeeping should not cost the producer's core more than a Producer would.
 */
export function physicalOffsetOf(msgId: string): number {
  if (!OFFSET_MESSAGE_ID.test(msgId)) return decodeOffsetMessageId(msgId).physicalOffset; // throws what is wrong
  const offset = Number.parseInt(msgId.slice(16, 24), 16) * 2 ** 32 + Number.parseInt(msgId.slice(24, 32), 16);
  return Number.isSafeInteger(offset) ? offset : decodeOffsetMessageId(msgId).physicalOffset;
}

const OFFSET_MESSAGE_ID = /^[0-9A-Fa-f]{32}$/;
