import { createOffsetMessageId } from '@pulsejet/protocol';
import fc from 'fast-check';
import { physicalOffsetOf } from './broker-bench-sustained';

describe('physicalOffsetOf', () => {
  it('reads the offset an offset msgId was made from, in either case', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), fc.maxSafeNat(), (address, port, offset) => {
        const msgId = createOffsetMessageId({ address, port }, offset);
        expect(physicalOffsetOf(msgId)).toBe(offset);
        expect(physicalOffsetOf(msgId.toLowerCase())).toBe(offset);
      }),
    );
  });

  it('refuses what is not an offset msgId, as decodeOffsetMessageId does', () => {
    for (const bad of ['', '7F00000100002A9F', '7F00000100002A9F00000000000000ZZ', '7F00000100002A9F000000000000000012']) {
      expect(() => physicalOffsetOf(bad)).toThrow(/32 hex characters/);
    }
    // Past 2^53: no Pulsejet broker issues it.
    expect(() => physicalOffsetOf('7F00000100002A9FFFFFFFFFFFFFFFFF')).toThrow(/beyond 2\^53/);
  });
});
