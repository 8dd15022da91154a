// JSON bodies of LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (reference §5.3): the request
// {consumerGroup, clientId, mqSet:[{topic, brokerName, queueId}]} (Java LockBatchRequestBody and
// UnlockBatchRequestBody) and the lock reply {lockOKMQSet:[...]} (LockBatchResponseBody).
import type { LockedQueue } from './rebalance-lock-manager';

export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  mqSet: LockedQueue[];
}

export class LockBodyError extends Error {
  override readonly name = 'LockBodyError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(record: Record<string, unknown>, field: string, where: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') throw new LockBodyError(`${where}${field} must be a non-empty string`);
  return value;
}

function parseQueue(value: unknown, index: number): LockedQueue {
  const where = `mqSet[${index}].`;
  if (!isRecord(value)) throw new LockBodyError(`mqSet[${index}] must be an object`);
  const queueId = value['queueId'];
  if (typeof queueId !== 'number' || !Number.isInteger(queueId) || queueId < 0) throw new LockBodyError(`${where}queueId must be an integer >= 0`);
  return { topic: nonEmptyString(value, 'topic', where), brokerName: nonEmptyString(value, 'brokerName', where), queueId };
}

/** Parses and validates a lock/unlock request body; throws LockBodyError saying what is wrong. */
export function parseLockBatchRequestBody(body: Buffer | undefined): LockBatchRequestBody {
  if (body === undefined || body.length === 0) throw new LockBodyError('body is missing');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new LockBodyError('body is not valid JSON');
  }
  if (!isRecord(json)) throw new LockBodyError('body must be a JSON object');
  const consumerGroup = nonEmptyString(json, 'consumerGroup', '');
  const clientId = nonEmptyString(json, 'clientId', '');
  const mqSet = json['mqSet'];
  if (!Array.isArray(mqSet)) throw new LockBodyError('mqSet must be an array');
  return { consumerGroup, clientId, mqSet: mqSet.map((mq: unknown, i) => parseQueue(mq, i)) };
}

export function encodeLockBatchRequestBody(request: LockBatchRequestBody): Buffer {
  return Buffer.from(JSON.stringify({ consumerGroup: request.consumerGroup, clientId: request.clientId, mqSet: request.mqSet.map(queueJson) }));
}

export function encodeLockBatchResponseBody(lockOKMQSet: readonly LockedQueue[]): Buffer {
  return Buffer.from(JSON.stringify({ lockOKMQSet: lockOKMQSet.map(queueJson) }));
}

/** Parses a lock reply body (what a client reads); throws LockBodyError. */
export function parseLockBatchResponseBody(body: Buffer | undefined): LockedQueue[] {
  if (body === undefined || body.length === 0) throw new LockBodyError('body is missing');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new LockBodyError('body is not valid JSON');
  }
  if (!isRecord(json) || !Array.isArray(json['lockOKMQSet'])) throw new LockBodyError('lockOKMQSet must be an array');
  return json['lockOKMQSet'].map((mq: unknown, i) => parseQueue(mq, i));
}

function queueJson(mq: LockedQueue): LockedQueue {
  return { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId };
}
