// END_TRANSACTION (37): a producer commits or rolls back a half message, after its local transaction
// or in answer to CHECK_TRANSACTION_STATE (Java EndTransactionProcessor). Java producers send it
// oneway: then nothing is answered (the dispatcher drops the response) and a refusal is logged here;
// a two-way request gets the code and remark.
import { ResponseCode, createResponse, isOneway, type RemotingCommand } from '@pulsejet/protocol';
import type { RequestContext } from '@pulsejet/remoting';
import type { BrokerContext } from '../broker-context';
import { HeaderError } from '../remoting/header-fields';
import { parseEndTransactionHeader, type EndTransactionRequestHeader } from './end-transaction-header';
import type { EndTransactionResult, TransactionalMessageService } from './transactional-message-service';

export function createEndTransactionProcessor(ctx: BrokerContext, service: TransactionalMessageService) {
  const { options } = ctx;
  return async (request: RemotingCommand, { channel }: RequestContext): Promise<RemotingCommand> => {
    const answer = (result: EndTransactionResult): RemotingCommand => {
      if (result.code !== ResponseCode.SUCCESS) {
        options.log(isOneway(request) ? 'warn' : 'debug', `END_TRANSACTION from ${channel.remoteAddress} refused (code ${result.code}): ${result.remark ?? ''}`);
      }
      return createResponse(request, result.code, result.remark);
    };
    if (options.brokerRole === 'SLAVE') {
      return answer({ code: ResponseCode.SLAVE_NOT_AVAILABLE, remark: `broker ${options.brokerName} is a slave; end transactions on its master` });
    }
    let header: EndTransactionRequestHeader;
    try {
      header = parseEndTransactionHeader(request.extFields);
    } catch (error) {
      if (error instanceof HeaderError) return answer({ code: ResponseCode.SYSTEM_ERROR, remark: `bad END_TRANSACTION header: ${error.message}` });
      throw error;
    }
    const result = await service.endTransaction(header);
    if (result.code === ResponseCode.SUCCESS && header.fromTransactionCheck) {
      options.log('debug', `producer ${channel.remoteAddress} of ${header.producerGroup} answered a check for offset ${header.tranStateTableOffset} with ${header.commitOrRollback}`);
    }
    return answer(result);
  };
}
