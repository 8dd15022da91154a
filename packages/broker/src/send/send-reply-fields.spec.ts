import { createRequest, createResponse, decodeCommandFrame, encodeCommand, createPreparedResponse } from '@pulsejet/protocol';
import type { SerializeType } from '@pulsejet/protocol';
import fc from 'fast-check';
import { DEFAULT_MSG_REGION, SendReplyFields } from './send-reply-fields';

/** What the send processor answered with before its fields were prepared: the object form. */
function plainFields(msgId: string, queueId: number, queueOffset: number, transactionId: string | undefined): Record<string, string> {
  return {
    msgId,
    queueId: String(queueId),
    queueOffset: String(queueOffset),
    ...(transactionId ? { transactionId } : {}),
    MSG_REGION: DEFAULT_MSG_REGION,
    TRACE_ON: 'true',
  };
}

describe('SendReplyFields', () => {
  it('encode to the same reply as the object form, for binary and JSON headers', () => {
    const msgIdArb = fc.oneof(fc.stringMatching(/^[0-9A-F]{32}$/), fc.string({ maxLength: 40 }));
    // A half message's transactionId is the client's UNIQ_KEY: any text, '' meaning none.
    const transactionIdArb = fc.option(fc.oneof(fc.stringMatching(/^[0-9A-F]{32}$/), fc.string({ maxLength: 50 }), fc.string({ unit: 'binary', maxLength: 20 })), { nil: undefined });
    fc.assert(
      fc.property(msgIdArb, fc.nat({ max: 1023 }), fc.maxSafeNat(), transactionIdArb, fc.constantFrom<SerializeType>('ROCKETMQ', 'JSON'), (msgId, queueId, queueOffset, transactionId, serializeType) => {
        const request = createRequest(310, {}, undefined, { serializeType });
        const fields = new SendReplyFields(msgId, queueId, queueOffset, transactionId);
        const prepared = encodeCommand(createPreparedResponse(request, 0, undefined, fields));
        const plain = encodeCommand(createResponse(request, 0, undefined, plainFields(msgId, queueId, queueOffset, transactionId)));
        expect(prepared.equals(plain)).toBe(true);
        expect(fields.toRecord()).toEqual(plainFields(msgId, queueId, queueOffset, transactionId));
        expect(decodeCommandFrame(prepared.subarray(4)).extFields).toEqual(fields.toRecord());
      }),
    );
  });
});
