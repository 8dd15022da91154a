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
  const acked = (): void => counters.ack();
  const failed = (error: unknown): never => {
    counters.fail();
    throw error;
  };
  // A method that returns synchronously is answered synchronously: the client then skips the
  // consume-timeout timer it needs only for pending promises (a timer per message is the biggest
  // cost a decorated handler would otherwise add over a plain one).
  return (raw: ReceivedMessage): Promise<void> | void => {
    let result: unknown;
    try {
      result = fn.call(instance, toMessage(raw));
    } catch (error) {
      failed(error);
    }
    if (isObservable(result)) return completionOf(result).then(acked, failed);
    if (isPromiseLike(result)) return Promise.resolve(result).then(acked, failed);
    acked();
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export function transactionCheckHandler(bound: BoundHandler): (raw: ReceivedMessage) => Promise<TransactionState> {
  const { fn, instance } = bound;
  const toMessage = messageFactory('auto');
  return async (raw) => (await fn.call(instance, toMessage(raw))) as TransactionState;
}
