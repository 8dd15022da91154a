import { formatAddress, parseAddress } from './address';

describe('parseAddress', () => {
  it('splits host and port on the last colon', () => {
    expect(parseAddress('127.0.0.1:10911')).toEqual({ host: '127.0.0.1', port: 10911 });
    expect(parseAddress('broker-a.local:9876')).toEqual({ host: 'broker-a.local', port: 9876 });
  });

  it.each(['127.0.0.1', ':9876', '127.0.0.1:', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:98a', 'h:-1'])('rejects %p with CONNECT_FAILED', (address) => {
    expect(() => parseAddress(address)).toThrow(expect.objectContaining({ code: 'CONNECT_FAILED', retriable: false }));
  });
});

describe('formatAddress', () => {
  it('turns IPv4-mapped IPv6 peers into a.b.c.d', () => {
    expect(formatAddress('::ffff:10.0.0.7', 51234)).toBe('10.0.0.7:51234');
    expect(formatAddress('127.0.0.1', 9876)).toBe('127.0.0.1:9876');
  });
});
