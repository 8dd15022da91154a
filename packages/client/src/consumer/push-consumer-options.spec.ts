import { ClientError } from '../errors';
import { DEFAULT_CONSUME_TIMEOUT_MS, resolvePushConsumerOptions, type PushConsumerOptions } from './push-consumer-options';

const base: PushConsumerOptions = { groupName: 'G', namesrvAddr: '127.0.0.1:9876' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return ClientError.is(error) ? error.code : 'not a ClientError';
  }
  return undefined;
}

describe('resolvePushConsumerOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolvePushConsumerOptions(base);
    expect(resolved).toMatchObject({
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      allocateStrategy: 'AVG',
      consumeConcurrency: 20,
      pullBatchSize: 32,
      pullThresholdForQueue: 256,
      consumeTimeoutMs: DEFAULT_CONSUME_TIMEOUT_MS,
      maxReconsumeTimes: 16,
      orderly: false,
      rebalanceIntervalMs: 20_000,
      persistOffsetIntervalMs: 5_000,
      brokerSuspendMaxTimeMs: 15_000,
      pullTimeoutMs: 30_000,
    });
    expect(DEFAULT_CONSUME_TIMEOUT_MS).toBe(15 * 60_000);
  });

  it.each<[string, Partial<PushConsumerOptions>]>([
    ['an empty group', { groupName: '' }],
    ['a blank group', { groupName: '  ' }],
    ['a group with bad characters', { groupName: 'a b' }],
    ['no nameserver', { namesrvAddr: '' }],
    ['broadcasting + orderly', { messageModel: 'BROADCASTING', orderly: true }],
    ['orderly + orderBy', { orderly: true, orderBy: 'keys' }],
    ['an unknown orderBy', { orderBy: 'tags' as never }],
    ['an unknown model', { messageModel: 'BOTH' as never }],
    ['an unknown consumeFromWhere', { consumeFromWhere: 'NOW' as never }],
    ['a pull timeout not above the suspend time', { brokerSuspendMaxTimeMs: 5000, pullTimeoutMs: 5000 }],
    ['zero concurrency', { consumeConcurrency: 0 }],
    ['a negative maxReconsumeTimes', { maxReconsumeTimes: -1 }],
  ])('rejects %s with INVALID_ARGUMENT', (_what, patch) => {
    expect(codeOf(() => resolvePushConsumerOptions({ ...base, ...patch }))).toBe('INVALID_ARGUMENT');
  });
});
