// Runs a handler with the consume timeout: resolves true (acknowledge) or false (retry). A
// handler that throws, returns 'later', or outlives consumeTimeoutMs asks for a retry. JavaScript
// cannot cancel a promise, so a timed-out handler keeps running; its late result is ignored.
import type { ReceivedMessage } from '../message/received-message';
import type { ConsumerLog, MessageHandler } from './consume-types';

const TIMED_OUT = Symbol('timed out');

export async function runHandler(handler: MessageHandler, message: ReceivedMessage, timeoutMs: number, log: ConsumerLog): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    timer.unref();
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => handler(message)), timeout]);
    if (result === TIMED_OUT) {
      log('warn', `handler of ${message.topic} message ${message.msgId} ran over consumeTimeoutMs (${timeoutMs} ms); it will be retried`);
      return false;
    }
    return result !== 'later';
  } catch (error) {
    log('warn', `handler of ${message.topic} message ${message.msgId} threw: ${error instanceof Error ? error.message : String(error)}; it will be retried`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
