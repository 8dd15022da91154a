// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ body codec: round trips and the validation remarks.
import {
  LockBodyError,
  encodeLockBatchRequestBody,
  encodeLockBatchResponseBody,
  parseLockBatchRequestBody,
  parseLockBatchResponseBody,
} from '../../src/lock/lock-batch-body';

const body = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const mq = { topic: 'T', brokerName: 'broker-a', queueId: 3 };

describe('lock batch bodies', () => {
  it('round-trips a request and a reply', () => {
    const request = { consumerGroup: 'G', clientId: '127.0.0.1@1', mqSet: [mq] };
    expect(parseLockBatchRequestBody(encodeLockBatchRequestBody(request))).toEqual(request);
    expect(JSON.parse(encodeLockBatchResponseBody([mq]).toString())).toEqual({ lockOKMQSet: [mq] });
    expect(parseLockBatchResponseBody(encodeLockBatchResponseBody([mq]))).toEqual([mq]);
  });

  it('ignores fields it does not know (Java sends onlyThisBroker)', () => {
    expect(parseLockBatchRequestBody(body({ consumerGroup: 'G', clientId: 'c', onlyThisBroker: false, mqSet: [] })).mqSet).toEqual([]);
  });

  it.each([
    [undefined, 'body is missing'],
    [Buffer.alloc(0), 'body is missing'],
    [body('{not json'), 'body is not valid JSON'],
    [body([1]), 'body must be a JSON object'],
    [body({ clientId: 'c', mqSet: [] }), 'consumerGroup must be a non-empty string'],
    [body({ consumerGroup: 'G', clientId: '', mqSet: [] }), 'clientId must be a non-empty string'],
    [body({ consumerGroup: 'G', clientId: 'c' }), 'mqSet must be an array'],
    [body({ consumerGroup: 'G', clientId: 'c', mqSet: [null] }), 'mqSet[0] must be an object'],
    [body({ consumerGroup: 'G', clientId: 'c', mqSet: [mq, { ...mq, queueId: '1' }] }), 'mqSet[1].queueId must be an integer >= 0'],
    [body({ consumerGroup: 'G', clientId: 'c', mqSet: [{ ...mq, queueId: -1 }] }), 'mqSet[0].queueId must be an integer >= 0'],
    [body({ consumerGroup: 'G', clientId: 'c', mqSet: [{ ...mq, topic: 5 }] }), 'mqSet[0].topic must be a non-empty string'],
    [body({ consumerGroup: 'G', clientId: 'c', mqSet: [{ topic: 'T', queueId: 0 }] }), 'mqSet[0].brokerName must be a non-empty string'],
  ])('rejects a malformed request (%#): %s', (input, message) => {
    expect(() => parseLockBatchRequestBody(input)).toThrow(new LockBodyError(message));
  });

  it('rejects a reply without lockOKMQSet', () => {
    expect(() => parseLockBatchResponseBody(body({}))).toThrow(LockBodyError);
  });
});
