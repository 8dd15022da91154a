// Shared test data: one concrete message (the golden-bytes example) and fast-check arbitraries for
// record inputs. Test-only; not part of the package's API.
import fc from 'fast-check';
import type { StoredRecordInput } from '../src/stored-record';

export const GOLDEN_PROPERTIES = 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2';

export function goldenInput(): StoredRecordInput {
  return {
    topic: 'TopicTest',
    queueId: 3,
    flag: 7,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { address: '10.0.0.1', port: 5555 },
    storeHost: { address: '127.0.0.1', port: 10911 },
    reconsumeTimes: 1,
    preparedTransactionOffset: 0,
    body: Buffer.from('Hello'),
    properties: GOLDEN_PROPERTIES,
    queueOffset: 42,
    physicalOffset: 4096,
    storeTimestamp: 1_700_000_000_123,
  };
}

const TOPIC_CHARS = '%|_-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');

export const topicArb = fc.string({ unit: fc.constantFrom(...TOPIC_CHARS), minLength: 1, maxLength: 127 });

/** Property names and values: any text without the two separator characters, non-empty. */
export const propertyTextArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  .filter((s) => !s.includes('\u0001') && !s.includes('\u0002'));

export const propertiesArb = fc.dictionary(propertyTextArb, propertyTextArb, { maxKeys: 8 });

const hostArb = fc.record({
  address: fc.ipV4(),
  port: fc.integer({ min: 0, max: 65535 }),
});

const int32Arb = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });

export const recordInputArb: fc.Arbitrary<StoredRecordInput> = fc.record({
  topic: topicArb,
  queueId: int32Arb,
  flag: int32Arb,
  // Any sysFlag without the IPv6 host bits (0x10, 0x20).
  sysFlag: int32Arb.map((f) => f & ~0x30),
  bornTimestamp: fc.maxSafeNat(),
  bornHost: hostArb,
  storeHost: hostArb,
  reconsumeTimes: int32Arb,
  preparedTransactionOffset: fc.maxSafeNat(),
  body: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  properties: fc.string({ unit: 'grapheme', maxLength: 200 }),
  queueOffset: fc.maxSafeNat(),
  physicalOffset: fc.maxSafeNat(),
  storeTimestamp: fc.maxSafeNat(),
});
