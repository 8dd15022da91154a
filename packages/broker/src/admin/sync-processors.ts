// What a master serves its slaves besides topics (21) and subscription groups (201), Java
// AdminBrokerProcessor: 43 GET_ALL_CONSUMER_OFFSET (ConsumerOffsetSerializeWrapper) and 45
// GET_ALL_DELAY_OFFSET (DelayOffsetSerializeWrapper). Bodies: ../slave/sync-bodies.ts.
import { RequestCode, ResponseCode, createResponse } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { encodeConsumerOffsets, encodeDelayOffsets } from '../slave/sync-bodies';

export function registerSyncProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const { metadata } = ctx.store;
  server.registerProcessor(RequestCode.GET_ALL_CONSUMER_OFFSET, (request) =>
    createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeConsumerOffsets(metadata.exportSnapshot().offsets)),
  );
  server.registerProcessor(RequestCode.GET_ALL_DELAY_OFFSET, (request) =>
    createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeDelayOffsets(metadata.listDelayOffsets())),
  );
}
