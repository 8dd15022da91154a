// Requests a broker sends to this client on the connections the client opened (Java
// ClientRemotingProcessor): NOTIFY_CONSUMER_IDS_CHANGED (40) and CHECK_TRANSACTION_STATE (39) are
// oneway and go to the registered group; GET_CONSUMER_RUNNING_INFO (307) and
// CONSUME_MESSAGE_DIRECTLY (309) are admin calls we do not implement yet and answer as such.
// Other codes get REQUEST_CODE_NOT_SUPPORTED from the transport's dispatcher.
import { MessageConst, RequestCode, ResponseCode, createResponse, decodeStoredRecord, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingClient, RequestContext } from '@pulsejet/remoting';
import { toReceivedMessage } from '../message/received-message';
import type { ClientLog } from './client-instance-options';
import type { ConsumerRegistration, ProducerRegistration } from './registrations';

export interface ServerRequestTargets {
  readonly clientId: string;
  producer(group: string): ProducerRegistration | undefined;
  consumer(group: string): ConsumerRegistration | undefined;
  /** The broker name of an address from the cached routes ('' when unknown). */
  brokerNameOf(addr: string): string | undefined;
  log: ClientLog;
}

export function registerServerRequestProcessors(remoting: RemotingClient, targets: ServerRequestTargets): void {
  remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => notifyConsumerIdsChanged(request, targets));
  remoting.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (request, context) => checkTransactionState(request, context, targets));
  remoting.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (request) =>
    createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `GET_CONSUMER_RUNNING_INFO is not supported by the Pulsejet client ${targets.clientId} yet`),
  );
  remoting.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, (request) =>
    createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `CONSUME_MESSAGE_DIRECTLY is not supported by the Pulsejet client ${targets.clientId} yet`),
  );
}

function notifyConsumerIdsChanged(request: RemotingCommand, targets: ServerRequestTargets): undefined {
  const group = request.extFields['consumerGroup'];
  const registration = group === undefined ? undefined : targets.consumer(group);
  if (!registration) {
    targets.log('debug', `NOTIFY_CONSUMER_IDS_CHANGED for group ${String(group)}, which this client does not consume; ignored`);
    return undefined;
  }
  try {
    registration.onConsumerIdsChanged?.();
  } catch (error) {
    targets.log('error', `onConsumerIdsChanged of group ${group} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return undefined;
}

function checkTransactionState(request: RemotingCommand, context: RequestContext, targets: ServerRequestTargets): undefined {
  const brokerAddr = context.channel.remoteAddress;
  if (!request.body || request.body.length === 0) {
    targets.log('warn', `CHECK_TRANSACTION_STATE from ${brokerAddr} has no message body; ignored`);
    return undefined;
  }
  try {
    const decoded = decodeStoredRecord(request.body);
    const message = toReceivedMessage(decoded, targets.brokerNameOf(brokerAddr) ?? '');
    const group = message.properties[MessageConst.PRODUCER_GROUP];
    const registration = group === undefined ? undefined : targets.producer(group);
    if (!registration?.checkTransactionState) {
      // Java logs and drops it too: the broker asks again later, perhaps another producer of the group.
      targets.log('debug', `CHECK_TRANSACTION_STATE from ${brokerAddr} for producer group ${String(group)}, which has no transactional producer here; ignored`);
      return undefined;
    }
    registration.checkTransactionState(brokerAddr, message, { ...request.extFields });
  } catch (error) {
    targets.log('error', `CHECK_TRANSACTION_STATE from ${brokerAddr} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return undefined;
}
