import fc from 'fast-check';
import { createOffsetMessageId, decodeOffsetMessageId } from './message-id';
import { ProtocolErrorCode } from './errors';

describe('offset msgId (reference §6.2)', () => {
  it('is store IPv4 + port + physical offset as 32 uppercase hex chars', () => {
    expect(createOffsetMessageId({ address: '127.0.0.1', port: 10911 }, 4096)).toBe('7F00000100002A9F0000000000001000');
  });

  it('decodes the golden id, in either case', () => {
    const decoded = { storeHost: { address: '127.0.0.1', port: 10911 }, physicalOffset: 4096 };
    expect(decodeOffsetMessageId('7F00000100002A9F0000000000001000')).toEqual(decoded);
    expect(decodeOffsetMessageId('7f00000100002a9f0000000000001000')).toEqual(decoded);
  });

  it('round-trips any IPv4 host and offset up to 2^53 - 1', () => {
    const host = fc.record({ address: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) });
    fc.assert(
      fc.property(host, fc.maxSafeNat(), (storeHost, physicalOffset) => {
        const id = createOffsetMessageId(storeHost, physicalOffset);
        expect(id).toMatch(/^[0-9A-F]{32}$/);
        expect(decodeOffsetMessageId(id)).toEqual({ storeHost, physicalOffset });
      }),
    );
  });

  it('writes the same text as hex of the 8 host bytes and the zero-padded offset', () => {
    const host = fc.record({ address: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) });
    const offset = fc.oneof(fc.maxSafeNat(), fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1));
    fc.assert(
      fc.property(host, offset, (storeHost, physicalOffset) => {
        const [a, b, c, d] = storeHost.address.split('.').map(Number);
        const hostBytes = Buffer.from([a!, b!, c!, d!, 0, 0, storeHost.port >> 8, storeHost.port & 255]);
        const expected = (hostBytes.toString('hex') + physicalOffset.toString(16).padStart(16, '0')).toUpperCase();
        expect(createOffsetMessageId(storeHost, physicalOffset)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    '',
    '7F00000100002A9F000000000000100',
    '7F00000100002A9F00000000000010000',
    '7F00000100002A9F000000000000100G',
    // The 56-char IPv6 form, which ali-ons can't handle either.
    '20010DB8000000000000000000000001' + '00002A9F0000000000001000',
    // An offset beyond 2^53.
    '7F00000100002A9FFFFFFFFFFFFFFFFF',
  ])('refuses %p with BAD_MESSAGE_ID', (id) => {
    expect(() => decodeOffsetMessageId(id)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_MESSAGE_ID }));
  });
});
