import fc from 'fast-check';
import { RequestCode, createRequest, decodeCommandFrame, encodeCommand, preparedFieldsOf } from '@pulsejet/protocol';
import type { SerializeType } from '@pulsejet/protocol';
import { applySerializeType } from '../instance/request-encoding';
import { SendHeaderFields } from './send-header-fields';
import { sendBatchRequest, sendMessageRequest } from './send-request';
import type { SendHeaderInput } from './send-request';

const textArb = fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9_%-]{1,40}$/), fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }));
const int32Arb = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const inputArb: fc.Arbitrary<SendHeaderInput> = fc.record({
  producerGroup: textArb,
  topic: textArb,
  defaultTopicQueueNums: fc.integer({ min: 0, max: 1024 }),
  queueId: fc.integer({ min: 0, max: 0xffff }),
  sysFlag: int32Arb,
  bornTimestamp: fc.oneof(fc.constant(Date.now()), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  flag: int32Arb,
  properties: fc.oneof(textArb, fc.string({ unit: 'binary', minLength: 100, maxLength: 400 })),
});

describe('SendHeaderFields', () => {
  it('encode to the same frame as the header object, for both header types and with a body', () => {
    fc.assert(
      fc.property(inputArb, fc.boolean(), fc.integer(), (input, batch, opaque) => {
        const body = Buffer.from('body bytes');
        const prepared = (batch ? sendBatchRequest : sendMessageRequest)(input, body);
        const fields = preparedFieldsOf(prepared)!;
        expect(fields).toBeInstanceOf(SendHeaderFields);
        for (const serializeType of ['ROCKETMQ', 'JSON'] as SerializeType[]) {
          prepared.serializeType = serializeType;
          prepared.opaque = opaque;
          const plain = { ...createRequest(prepared.code, fields.toRecord(), body, { serializeType }), opaque };
          const frame = encodeCommand(prepared);
          expect(frame.equals(encodeCommand(plain))).toBe(true);
          const decoded = decodeCommandFrame(frame.subarray(4));
          expect(decoded.extFields).toEqual(fields.toRecord());
          expect(decoded.body?.equals(body)).toBe(true);
          // A binary header leaves the fields unread; a JSON header reads them as an object.
          if (serializeType === 'ROCKETMQ') expect(preparedFieldsOf(prepared)).toBe(fields);
        }
      }),
    );
  });

  it('write no more than maxBytes', () => {
    fc.assert(
      fc.property(inputArb, fc.boolean(), (input, batch) => {
        const fields = new SendHeaderFields(input, batch);
        const out = Buffer.alloc(fields.maxBytes + 8, 0xee);
        const end = fields.writeTo(out, 4);
        expect(end - 4).toBeLessThanOrEqual(fields.maxBytes);
        expect(out.subarray(4 + fields.maxBytes).every((b) => b === 0xee)).toBe(true);
      }),
    );
  });

  it('go as JSON exactly when a value is empty, without becoming an object', () => {
    fc.assert(
      fc.property(inputArb, fc.boolean(), (input, batch) => {
        const request = (batch ? sendBatchRequest : sendMessageRequest)(input, Buffer.alloc(0));
        const fields = preparedFieldsOf(request)!;
        applySerializeType(request, 'ROCKETMQ');
        expect(request.serializeType).toBe(Object.values(fields.toRecord()).includes('') ? 'JSON' : 'ROCKETMQ');
        expect(preparedFieldsOf(request)).toBe(fields);
      }),
    );
  });

  it('list the SEND_MESSAGE_V2 letters in Java order, m only for a batch', () => {
    const input = { producerGroup: 'PG', topic: 'T', defaultTopicQueueNums: 4, queueId: 2, sysFlag: 1, bornTimestamp: 99, flag: -3, properties: 'p' };
    expect(Object.keys(new SendHeaderFields(input, false).toRecord())).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']);
    expect(new SendHeaderFields(input, true).toRecord()).toMatchObject({ h: '-3', m: 'true' });
    expect(sendMessageRequest(input, Buffer.alloc(0)).code).toBe(RequestCode.SEND_MESSAGE_V2);
    expect(sendBatchRequest(input, Buffer.alloc(0)).code).toBe(RequestCode.SEND_BATCH_MESSAGE);
  });
});
