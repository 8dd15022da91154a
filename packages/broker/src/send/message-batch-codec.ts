// The SEND_BATCH_MESSAGE (320) body codec lives in @pulsejet/protocol (the client encodes what the
// broker decodes); re-exported here for the broker's processor and its existing importers.
export { BatchDecodeError, decodeMessageBatch, encodeMessageBatch } from '@pulsejet/protocol';
export type { BatchEntry } from '@pulsejet/protocol';
