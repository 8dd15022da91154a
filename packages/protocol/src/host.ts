// Host addresses in the V1 record and the offset msgId: 4 IPv4 bytes + an int32 port (reference
// §6.1, §6.2). ali-ons can't read the 16-byte IPv6 form, so we write IPv4 only and turn the
// IPv4-mapped IPv6 addresses Node reports on dual-stack sockets into their 4 bytes.
import { ProtocolError, ProtocolErrorCode } from './errors';

export interface HostAddress {
  readonly address: string;
  readonly port: number;
}

/** Bytes of an encoded host: IPv4 (4) + port (int32). */
export const HOST_ADDRESS_SIZE = 8;

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const DOTTED = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const MAPPED_PREFIX = '::ffff:';
const LOOPBACK = '127.0.0.1';

function toDotted(address: string): string | undefined {
  const lower = address.toLowerCase();
  // Names that mean this machine: a client that dialled 'localhost' on Node >= 17 may arrive as ::1.
  if (lower === 'localhost' || lower === '::1') return LOOPBACK;
  const candidate = lower.startsWith(MAPPED_PREFIX) ? lower.slice(MAPPED_PREFIX.length) : lower;
  return DOTTED.test(candidate) ? candidate : undefined;
}

function notIPv4(address: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.BAD_HOST,
    `host address '${address}' is not IPv4; the V1 record only holds 4-byte addresses, so bind or advertise an IPv4 address`,
  );
}

/** Writes the 4 bytes of an IPv4 address at `offset`; throws BAD_HOST for anything else. */
export function encodeIPv4(address: string, target: Buffer, offset: number): void {
  const dotted = toDotted(address);
  if (dotted === undefined) throw notIPv4(address);
  const parts = dotted.split('.');
  for (let i = 0; i < 4; i++) target.writeUInt8(Number(parts[i]), offset + i);
}

/** Reads 4 bytes at `offset` as a dotted IPv4 address. */
export function decodeIPv4(buf: Buffer, offset: number): string {
  return `${buf.readUInt8(offset)}.${buf.readUInt8(offset + 1)}.${buf.readUInt8(offset + 2)}.${buf.readUInt8(offset + 3)}`;
}

/** Throws BAD_HOST unless `host` can be encoded (IPv4 and a port in 0..65535). */
export function assertHostAddress(host: HostAddress): void {
  if (toDotted(host.address) === undefined) throw notIPv4(host.address);
  if (!Number.isInteger(host.port) || host.port < 0 || host.port > 0xffff) {
    throw new ProtocolError(ProtocolErrorCode.BAD_HOST, `port ${host.port} of host '${host.address}' is not in 0..65535; pass the listening port`);
  }
}

/**
 * Encoded hosts, by "address|port". Every stored record and msgId encodes two hosts and there are
 * few distinct ones (the broker, its clients), so parsing each once matters on the put path.
 */
const encodedHosts = new Map<string, Buffer>();
const ENCODED_HOSTS_MAX = 4096;
/**
 * The last few host objects seen, by identity (the store's own host, a connection's peer): a hit
 * skips even building the key. A small ring, not a WeakMap: inserting into a WeakMap for every new
 * object costs more than the lookup saves.
 */
const RECENT = 4;
const recentHosts: Array<{ host: HostAddress; address: string; port: number; bytes: Buffer } | undefined> = new Array(RECENT);
let recentNext = 0;

/** The 8 bytes (IPv4 + int32 port) of a host; throws BAD_HOST for anything else. */
export function hostAddressBytes(host: HostAddress): Buffer {
  for (let i = 0; i < RECENT; i += 1) {
    const entry = recentHosts[i];
    // Compared field by field too: a caller may reuse one mutable object for different hosts.
    if (entry !== undefined && entry.host === host && entry.address === host.address && entry.port === host.port) return entry.bytes;
  }
  const bytes = hostAddressBytesByValue(host);
  recentHosts[recentNext] = { host, address: host.address, port: host.port, bytes };
  recentNext = (recentNext + 1) % RECENT;
  return bytes;
}

function hostAddressBytesByValue(host: HostAddress): Buffer {
  const key = `${host.address}|${host.port}`;
  let bytes = encodedHosts.get(key);
  if (bytes === undefined) {
    assertHostAddress(host);
    bytes = Buffer.alloc(HOST_ADDRESS_SIZE);
    encodeIPv4(host.address, bytes, 0);
    bytes.writeInt32BE(host.port, 4);
    if (encodedHosts.size >= ENCODED_HOSTS_MAX) encodedHosts.clear();
    encodedHosts.set(key, bytes);
  }
  return bytes;
}

/** Writes IPv4 + int32 port (8 bytes) at `offset`. */
export function encodeHostAddress(host: HostAddress, target: Buffer, offset: number): void {
  hostAddressBytes(host).copy(target, offset);
}

/**
 * Hosts recently decoded, by the low bits of their port: a consumer decodes two hosts per message
 * (born and store) and they are the same few all along, so the dotted string and the object are
 * built once. The objects are frozen, since records share them.
 */
const DECODED_SLOTS = 8;
const decodedIp = new Int32Array(DECODED_SLOTS);
const decodedPort = new Int32Array(DECODED_SLOTS);
const decodedHosts: (HostAddress | undefined)[] = new Array<HostAddress | undefined>(DECODED_SLOTS).fill(undefined);

/** Reads IPv4 + int32 port (8 bytes) at `offset`. The result is frozen and may be shared. */
export function decodeHostAddress(buf: Buffer, offset: number): HostAddress {
  const ip = buf.readInt32BE(offset);
  const port = buf.readInt32BE(offset + 4);
  const slot = port & (DECODED_SLOTS - 1);
  const cached = decodedHosts[slot];
  if (cached !== undefined && decodedIp[slot] === ip && decodedPort[slot] === port) return cached;
  const host: HostAddress = Object.freeze({ address: decodeIPv4(buf, offset), port });
  decodedIp[slot] = ip;
  decodedPort[slot] = port;
  decodedHosts[slot] = host;
  return host;
}
