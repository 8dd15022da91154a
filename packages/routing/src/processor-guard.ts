// Turns a malformed request into an answer instead of a crash: a missing or unparsable extField or
// a bad JSON body is answered SYSTEM_ERROR with a remark saying what is wrong (Java answers a
// RemotingCommandException the same way). Anything else is a bug and goes to the dispatcher, which
// answers SYSTEM_ERROR too and keeps the connection.
import { BodyError, ResponseCode, createResponse, type RemotingCommand } from '@pulsejet/protocol';
import type { RequestContext, RequestProcessor } from '@pulsejet/remoting';
import { BadRequestError } from './ext-fields';
import type { RoutingLog } from './log';

export type NameServerHandler = (request: RemotingCommand, context: RequestContext) => Promise<RemotingCommand> | RemotingCommand;

export function guarded(name: string, handler: NameServerHandler, log: RoutingLog): RequestProcessor {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (error instanceof BadRequestError || BodyError.is(error)) {
        log('warn', `${name} from ${context.channel.remoteAddress} rejected: ${error.message}`);
        return createResponse(request, ResponseCode.SYSTEM_ERROR, `${name}: ${error.message}`);
      }
      throw error;
    }
  };
}
