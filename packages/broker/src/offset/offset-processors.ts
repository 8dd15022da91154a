// Consumer offsets and queue offsets (Java ConsumerManageProcessor and AdminBrokerProcessor;
// reference §3.5–3.7): 14 QUERY_CONSUMER_OFFSET, 15 UPDATE_CONSUMER_OFFSET, 30 GET_MAX_OFFSET,
// 31 GET_MIN_OFFSET, 29 SEARCH_OFFSET_BY_TIMESTAMP, 32 GET_EARLIEST_MSG_STORETIME. Reply fields
// (offset, timestamp) are always present: ali-ons dereferences them unguarded.
import { RequestCode, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError, HeaderReader } from '../remoting/header-fields';

type Handler = (request: RemotingCommand, header: HeaderReader) => RemotingCommand | Promise<RemotingCommand>;

/** Wraps a handler so a missing or malformed header field answers SYSTEM_ERROR with the field named. */
function withHeader(name: string, handler: Handler) {
  return async (request: RemotingCommand): Promise<RemotingCommand> => {
    try {
      return await handler(request, new HeaderReader(request.extFields));
    } catch (error) {
      if (error instanceof HeaderError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad ${name} header: ${error.message}`);
      throw error;
    }
  };
}

/**
 * Java queryConsumerOffset: a stored offset >= 0 wins; else offset 0 when the queue still starts at 0
 * (a new group on a young topic reads from the start); else QUERY_NOT_FOUND.
 */
export function queryConsumerOffset(ctx: BrokerContext, group: string, topic: string, queueId: number): number | undefined {
  const stored = ctx.store.metadata.queryOffset(group, topic, queueId);
  if (stored !== undefined && stored >= 0) return stored;
  return ctx.store.getMinOffsetInQueue(topic, queueId) <= 0 ? 0 : undefined;
}

export function registerOffsetProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const { store } = ctx;
  const ok = (request: RemotingCommand, extFields: Record<string, string>): RemotingCommand => createResponse(request, ResponseCode.SUCCESS, undefined, extFields);

  server.registerProcessor(
    RequestCode.QUERY_CONSUMER_OFFSET,
    withHeader('QUERY_CONSUMER_OFFSET', (request, h) => {
      const group = h.string('consumerGroup');
      const topic = h.string('topic');
      const queueId = h.int('queueId');
      const offset = queryConsumerOffset(ctx, group, topic, queueId);
      if (offset === undefined) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
      return ok(request, { offset: String(offset) });
    }),
  );

  server.registerProcessor(
    RequestCode.UPDATE_CONSUMER_OFFSET,
    withHeader('UPDATE_CONSUMER_OFFSET', (request, h) => {
      const group = h.string('consumerGroup');
      const topic = h.string('topic');
      const queueId = h.int('queueId');
      const commitOffset = h.int('commitOffset');
      // ali-ons sends -1 for "0" (reference §3.6): ignored, and the request still succeeds.
      if (commitOffset < 0 || queueId < 0) return ok(request, {});
      const guard = ctx.historyGuard;
      if (guard !== undefined && !guard.mayCommit({ group }, topic, queueId, commitOffset)) {
        return createResponse(request, ResponseCode.SYSTEM_ERROR, guard.refusedCommitRemark(group, topic, queueId, commitOffset));
      }
      store.metadata.commitOffset(group, topic, queueId, commitOffset);
      return ok(request, {});
    }),
  );

  server.registerProcessor(
    RequestCode.GET_MAX_OFFSET,
    withHeader('GET_MAX_OFFSET', (request, h) => ok(request, { offset: String(store.getMaxOffsetInQueue(h.string('topic'), h.int('queueId'))) })),
  );

  server.registerProcessor(
    RequestCode.GET_MIN_OFFSET,
    withHeader('GET_MIN_OFFSET', (request, h) => ok(request, { offset: String(store.getMinOffsetInQueue(h.string('topic'), h.int('queueId'))) })),
  );

  server.registerProcessor(
    RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
    withHeader('SEARCH_OFFSET_BY_TIMESTAMP', (request, h) => {
      const topic = h.string('topic');
      const queueId = h.int('queueId');
      const timestamp = h.int('timestamp');
      return ok(request, { offset: String(store.getOffsetInQueueByTime(topic, queueId, timestamp)) });
    }),
  );

  server.registerProcessor(
    RequestCode.GET_EARLIEST_MSG_STORETIME,
    withHeader('GET_EARLIEST_MSG_STORETIME', (request, h) => {
      // Java answers -1 when the queue holds nothing.
      const timestamp = store.getEarliestMessageTime(h.string('topic'), h.int('queueId')) ?? -1;
      return ok(request, { timestamp: String(timestamp) });
    }),
  );
}
