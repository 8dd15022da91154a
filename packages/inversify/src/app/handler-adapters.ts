// The per-message path: turns a bound method into the client's MessageHandler. Everything is
// looked up once when the adapter is built (method, instance, decoder, counters); per message it
// decodes, calls, awaits, counts. The handler's outcome is the ack: nothing is fire-and-forget.
import type { MessageHandler, ReceivedMessage, TransactionState } from '@pulsejet/client';
import { isObservable, type Observable } from 'rxjs';
import type { BoundHandler } from '../discovery/discover';
import { messageFactory } from '../message/message';
import type { BodyDecoder } from '../decorators/subscribe-options';
import type { GroupCounters } from './consumption-stats';

/** Resolves when the Observable completes (its values are ignored), rejects with its error. */
export function completionOf(observable: Observable<unknown>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    observable.subscribe({ error: reject, complete: resolve });
  });
}

export function methodHandler(bound: BoundHandler, decode: BodyDecoder, counters: GroupCounters): MessageHandler {
  const { fn, instance } = bound;
  const toMessage = messageFactory(decode);
  return async (raw: ReceivedMessage): Promise<void> => {
    try {
      const result = fn.call(instance, toMessage(raw));
      if (isObservable(result)) await completionOf(result);
      else await result;
    } catch (error) {
      counters.fail();
      throw error;
    }
    counters.ack();
  };
}

export function transactionCheckHandler(bound: BoundHandler): (raw: ReceivedMessage) => Promise<TransactionState> {
  const { fn, instance } = bound;
  const toMessage = messageFactory('auto');
  return async (raw) => (await fn.call(instance, toMessage(raw))) as TransactionState;
}
