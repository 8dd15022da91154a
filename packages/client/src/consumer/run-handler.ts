// Runs a handler with the consume timeout: resolves true (acknowledge) or false (retry). A
// handler that throws, returns 'later', or outlives consumeTimeoutMs asks for a retry. JavaScript
// cannot cancel a promise, so a timed-out handler keeps running; its late result is ignored.
import type { ReceivedMessage } from '../message/received-message';
import type { ConsumerLog, MessageHandler } from './consume-types';

const TIMED_OUT = Symbol('timed out');

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function failed(log: ConsumerLog, message: ReceivedMessage, error: unknown): false {
  log('warn', `handler of ${message.topic} message ${message.msgId} threw: ${error instanceof Error ? error.message : String(error)}; it will be retried`);
  return false;
}

export async function runHandler(handler: MessageHandler, message: ReceivedMessage, timeoutMs: number, log: ConsumerLog): Promise<boolean> {
  // The handler runs after the caller's synchronous work, as it always has.
  await undefined;
  return callHandler(handler, message, timeoutMs, log);
}

/**
 * Calls the handler now. A handler that finished synchronously (returned or threw) gives its
 * outcome at once, with no promise and no timer: the hot path of a fast consumer, where a timer
 * and a race per message cost more than the handler (and a timer can't interrupt synchronous code
 * anyway). A thenable gives a promise of the outcome, under the consume timeout.
 */
export function callHandler(handler: MessageHandler, message: ReceivedMessage, timeoutMs: number, log: ConsumerLog): boolean | Promise<boolean> {
  let returned: unknown;
  try {
    returned = handler(message);
  } catch (error) {
    return failed(log, message, error);
  }
  if (!isThenable(returned)) return returned !== 'later';
  return settle(returned, message, timeoutMs, log);
}

async function settle(returned: PromiseLike<unknown>, message: ReceivedMessage, timeoutMs: number, log: ConsumerLog): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    timer.unref();
  });
  try {
    const result = await Promise.race([returned, timeout]);
    if (result === TIMED_OUT) {
      log('warn', `handler of ${message.topic} message ${message.msgId} ran over consumeTimeoutMs (${timeoutMs} ms); it will be retried`);
      return false;
    }
    return result !== 'later';
  } catch (error) {
    return failed(log, message, error);
  } finally {
    clearTimeout(timer);
  }
}
