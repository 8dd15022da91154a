import fc from 'fast-check';
import { MessageConst } from './message-const';
import { KNOWN_PROPERTY_NAMES, propertyName } from './property-names';
import { RECORD_CRC_PROPERTY } from './record-crc';

describe('propertyName', () => {
  it('returns the text between the bounds, for known names and anything else', () => {
    const known = [...Object.values(MessageConst), RECORD_CRC_PROPERTY];
    const name = fc.oneof(fc.constantFrom(...known), fc.string({ minLength: 1 }), fc.constantFrom(...known).map((k) => k.slice(0, -1)), fc.constantFrom(...known).map((k) => `${k}X`));
    fc.assert(
      fc.property(fc.string(), name, fc.string(), (before, text, after) => {
        const s = before + text + after;
        expect(propertyName(s, before.length, before.length + text.length)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('looks up the record CRC property under the name record-crc.ts writes', () => {
    // property-names.ts spells the name itself (record-crc.ts imports properties.ts): they must agree.
    expect(KNOWN_PROPERTY_NAMES.has(RECORD_CRC_PROPERTY)).toBe(true);
  });
});
