// 41 LOCK_BATCH_MQ and 42 UNLOCK_BATCH_MQ (Java AdminBrokerProcessor lockBatchMQ / unlockBatchMQ),
// served from this broker's RebalanceLockManager only. A malformed body answers SYSTEM_ERROR with
// a remark naming the problem.
import { RequestCode, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingServer } from '@pulsejet/remoting';
import { LockBodyError, encodeLockBatchResponseBody, parseLockBatchRequestBody, type LockBatchRequestBody } from './lock-batch-body';
import type { RebalanceLockManager } from './rebalance-lock-manager';

function withBody(name: string, handler: (request: RemotingCommand, body: LockBatchRequestBody) => RemotingCommand) {
  return (request: RemotingCommand): RemotingCommand => {
    let body: LockBatchRequestBody;
    try {
      body = parseLockBatchRequestBody(request.body);
    } catch (error) {
      if (error instanceof LockBodyError) return createResponse(request, ResponseCode.SYSTEM_ERROR, `bad ${name} body: ${error.message}`);
      throw error;
    }
    return handler(request, body);
  };
}

export function registerLockProcessors(server: RemotingServer, locks: RebalanceLockManager): void {
  server.registerProcessor(
    RequestCode.LOCK_BATCH_MQ,
    withBody('LOCK_BATCH_MQ', (request, body) => {
      const locked = locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
      return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeLockBatchResponseBody(locked));
    }),
  );
  server.registerProcessor(
    RequestCode.UNLOCK_BATCH_MQ,
    withBody('UNLOCK_BATCH_MQ', (request, body) => {
      locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
      return createResponse(request, ResponseCode.SUCCESS);
    }),
  );
}
