// Test helpers: waits on conditions (never fixed sleeps), a log that keeps what was reported, and
// topic-table builders.
import type { TopicConfigData, TopicConfigSerializeWrapper } from '@pulsejet/protocol';
import type { RoutingLog, RoutingLogLevel } from '../src/log';

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export interface CollectingLog {
  log: RoutingLog;
  entries: { level: RoutingLogLevel; message: string }[];
  has(pattern: RegExp, level?: RoutingLogLevel): boolean;
}

export function collectingLog(): CollectingLog {
  const entries: { level: RoutingLogLevel; message: string }[] = [];
  return {
    entries,
    log: (level, message) => entries.push({ level, message }),
    has: (pattern, level) => entries.some((e) => (level === undefined || e.level === level) && pattern.test(e.message)),
  };
}

export function topicConfig(name: string, queues = 4, perm = 6): TopicConfigData {
  return { topicName: name, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

export function topicTable(configs: TopicConfigData[], counter = 1): TopicConfigSerializeWrapper {
  return { topicConfigTable: Object.fromEntries(configs.map((c) => [c.topicName, c])), dataVersion: { stateVersion: 0, timestamp: 1000, counter } };
}

let unique = 0;
/** A topic name no other test uses. */
export function uniqueTopic(prefix = 'T'): string {
  unique += 1;
  return `${prefix}_${process.pid}_${unique}`;
}
