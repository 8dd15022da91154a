// Wires PULL_MESSAGE and long polling into a RemotingServer. The controller owns the server and the
// store; this owns the held pulls and their timer.
import { RequestCode } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import { resolvePullHoldOptions, type PullHoldOptions } from './pull-hold-options';
import { PullHoldService } from './pull-hold-service';
import { PullMessageProcessor, type PullMessageProcessorDeps } from './pull-message-processor';

/** What registerPullProcessor needs: the processor's deps plus the long-polling settings. */
export interface PullProcessorDeps extends PullMessageProcessorDeps {
  longPolling: PullHoldOptions;
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
