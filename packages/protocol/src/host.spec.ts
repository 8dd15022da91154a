import { assertHostAddress, decodeHostAddress, decodeIPv4, encodeHostAddress, encodeIPv4 } from './host';
import { ProtocolErrorCode } from './errors';

function encoded(address: string): string {
  const buf = Buffer.alloc(6);
  encodeIPv4(address, buf, 1);
  return buf.toString('hex');
}

describe('encodeIPv4', () => {
  it.each([
    ['10.0.0.1', '000a00000100'],
    ['255.255.255.255', '00ffffffff00'],
    ['0.0.0.0', '000000000000'],
    ['::ffff:192.168.1.20', '00c0a8011400'],
    ['::FFFF:1.2.3.4', '000102030400'],
    ['localhost', '007f00000100'],
    // Node >= 17 may resolve 'localhost' to ::1; it is still this machine.
    ['::1', '007f00000100'],
  ])('writes %p', (address, hex) => {
    expect(encoded(address)).toBe(hex);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '2001:db8::1', '::ffff:7f00:1', 'example.com', '', ' 1.2.3.4'])(
    'refuses %p with BAD_HOST',
    (address) => {
      expect(() => encoded(address)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_HOST }));
    },
  );
});

describe('decodeIPv4 and host addresses', () => {
  it('reads dotted IPv4', () => {
    expect(decodeIPv4(Buffer.from([0, 127, 0, 0, 1]), 1)).toBe('127.0.0.1');
  });

  it('round-trips an address and port (8 bytes)', () => {
    const buf = Buffer.alloc(8);
    encodeHostAddress({ address: '::ffff:10.0.0.1', port: 10911 }, buf, 0);
    expect(buf.toString('hex')).toBe('0a00000100002a9f');
    expect(decodeHostAddress(buf, 0)).toEqual({ address: '10.0.0.1', port: 10911 });
  });

  it('decodes each host right when hosts share a cache slot, and shares frozen results', () => {
    const hosts = [
      { address: '10.0.0.1', port: 10911 },
      { address: '10.0.0.2', port: 10911 },
      { address: '10.0.0.1', port: 10911 + 8 }, // same slot as the first (port & 7)
      { address: '10.0.0.1', port: 10911 },
    ];
    const buf = Buffer.alloc(8 * hosts.length);
    hosts.forEach((host, i) => encodeHostAddress(host, buf, 8 * i));
    const decoded = hosts.map((_, i) => decodeHostAddress(buf, 8 * i));
    expect(decoded).toEqual(hosts);
    expect(Object.isFrozen(decoded[0])).toBe(true);
    expect(decodeHostAddress(buf, 24)).toBe(decoded[3]);
  });

  it.each([-1, 65536, 1.5, Number.NaN])('refuses port %p', (port) => {
    expect(() => assertHostAddress({ address: '127.0.0.1', port })).toThrow(expect.objectContaining({ code: ProtocolErrorCode.BAD_HOST }));
  });
});
