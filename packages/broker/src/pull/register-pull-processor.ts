// Wires PULL_MESSAGE and long polling into a RemotingServer. The controller owns the server and the
// store; this owns the held pulls and their timer.
import type { MessageStore } from '@pulsejet/core';
import { RequestCode } from '@pulsejet/protocol';
import type { RemotingLog, RemotingServer } from '@pulsejet/remoting';
import { resolvePullHoldOptions, type PullHoldOptions } from './pull-hold-options';
import { PullHoldService } from './pull-hold-service';
import { PullMessageProcessor, type TopicReadability } from './pull-message-processor';

export interface PullProcessorDeps {
  store: MessageStore;
  /** This broker's id (0 = master). */
  brokerId: number;
  isSlave: () => boolean;
  topicReadable: (topic: string) => TopicReadability;
  /** Read queue count of a topic, to refuse out-of-range queue ids. @default not checked */
  readQueueNums?: (topic: string) => number | undefined;
  /** A group's registered expression, for pulls without the SUBSCRIPTION flag. @default "*" */
  findSubscription?: (group: string, topic: string) => string | undefined;
  longPolling: PullHoldOptions;
  log: RemotingLog;
}

export interface PullProcessorHandle {
  /** Pulls held right now. */
  heldCount(): number;
  /** Answers every held request and stops the timers; idempotent. */
  close(): Promise<void>;
}

/** Processing slots beyond the held pulls, so parked pulls never starve fresh ones. */
const ACTIVE_PULL_SLOTS = 256;

export function registerPullProcessor(server: RemotingServer, deps: PullProcessorDeps): PullProcessorHandle {
  const options = resolvePullHoldOptions(deps.longPolling);
  const holds = new PullHoldService(options, {
    maxOffsetOf: (topic, queueId) => deps.store.getMaxOffsetInQueue(topic, queueId),
    log: deps.log,
  });
  const processor = new PullMessageProcessor(deps, holds);
  // A held pull is a running request for the dispatcher, so the limit must cover every held pull.
  server.registerProcessor(RequestCode.PULL_MESSAGE, (request, context) => processor.process(request, context.channel), {
    maxConcurrency: options.maxHeldRequests + ACTIVE_PULL_SLOTS,
  });
  server.onChannelEvent((event, channel) => {
    if (event === 'close') holds.dropChannel(channel.id);
  });
  const stopListening = deps.store.onMessageArrival((topic, queueId, nextQueueOffset, tagsCode) =>
    holds.notifyMessageArriving(topic, queueId, nextQueueOffset, tagsCode),
  );
  holds.start();
  let closed = false;
  return {
    heldCount: () => holds.size,
    close: async () => {
      if (closed) return;
      closed = true;
      stopListening();
      holds.close();
    },
  };
}
