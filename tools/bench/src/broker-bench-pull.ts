// The consumer side of the broker benchmark: one long-polling PULL_MESSAGE loop per queue, as a
// RocketMQ push consumer runs them (reference §3.9, §7), decoding every pulled record.
import { RequestCode, ResponseCode, createRequest, decodeStoredRecords } from '@pulsejet/protocol';
import type { StoredMessage } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { CLIENT_SERIALIZE_TYPE } from './broker-bench-config';

export const CONSUMER_GROUP = 'GID_bench';

/** PullSysFlag SUSPEND (2) | SUBSCRIPTION (4): hold the pull until a message arrives, subscription '*'. */
const LONG_POLL_SYS_FLAG = 2 | 4;

export interface PullLoopOptions {
  topic: string;
  queueId: number;
  /** maxMsgNums per pull. */
  batch: number;
  /** How long the broker may hold a pull that found nothing, ms. */
  suspendMs: number;
  /** Called with each pulled batch, decoded, and the time it arrived (performance.now()). */
  onMessages(messages: StoredMessage[], receivedAt: number): void;
  /** Checked before each pull: true ends the loop. */
  done(): boolean;
}

/** Pulls one queue from offset 0 until `done()`; resolves with the messages it received. */
export async function pullLoop(client: RemotingClient, address: string, options: PullLoopOptions): Promise<number> {
  let offset = 0;
  let received = 0;
  while (!options.done()) {
    const reply = await client.request(
      address,
      createRequest(RequestCode.PULL_MESSAGE, {
        consumerGroup: CONSUMER_GROUP,
        topic: options.topic,
        queueId: String(options.queueId),
        queueOffset: String(offset),
        maxMsgNums: String(options.batch),
        sysFlag: String(LONG_POLL_SYS_FLAG),
        commitOffset: '0',
        suspendTimeoutMillis: String(options.suspendMs),
        subscription: '*',
        subVersion: '0',
      }, undefined, { serializeType: CLIENT_SERIALIZE_TYPE }),
      options.suspendMs + 30_000,
    );
    const receivedAt = performance.now();
    if (reply.code === ResponseCode.SUCCESS) {
      const messages = decodeStoredRecords(reply.body ?? Buffer.alloc(0));
      received += messages.length;
      options.onMessages(messages, receivedAt);
    } else if (reply.code !== ResponseCode.PULL_NOT_FOUND && reply.code !== ResponseCode.PULL_RETRY_IMMEDIATELY) {
      throw new Error(`PULL_MESSAGE ${options.topic}/${options.queueId}@${offset} answered code ${reply.code}: ${reply.remark ?? ''}`);
    }
    const next = reply.extFields['nextBeginOffset'];
    if (next !== undefined) offset = Number(next);
  }
  return received;
}
