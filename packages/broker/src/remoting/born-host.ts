import { assertHostAddress, type HostAddress } from '@pulsejet/protocol';

const UNKNOWN: HostAddress = { address: '127.0.0.1', port: 0 };
/**
 * Parsed hosts by channel address. Every send of a connection asks for the same address, and handing
 * back the same object lets the record encoder hit its per-object cache of host bytes (parsing and
 * re-encoding the host per message was ~3% of the broker's CPU per send). Bounded: cleared when full.
 */
const parsed = new Map<string, HostAddress>();
const PARSED_MAX = 4096;

/**
 * The sender's address as stored in BORNHOST: the channel's "ip:port" (IPv4-mapped IPv6 is turned
 * into IPv4 by the codec). Peers that are not IPv4 (in-process channels, IPv6) are stored as
 * 127.0.0.1:0, because ali-ons cannot decode IPv6 hosts (reference §6.2).
 */
export function bornHostOf(remoteAddress: string): HostAddress {
  let host = parsed.get(remoteAddress);
  if (host === undefined) {
    host = Object.freeze(parseBornHost(remoteAddress)); // shared by every send of the connection
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(remoteAddress, host);
  }
  return host;
}

function parseBornHost(remoteAddress: string): HostAddress {
  const colon = remoteAddress.lastIndexOf(':');
  if (colon <= 0) return UNKNOWN;
  let address = remoteAddress.slice(0, colon);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address.toLowerCase().startsWith('::ffff:')) address = address.slice(7);
  const host = { address, port: Number(remoteAddress.slice(colon + 1)) };
  try {
    assertHostAddress(host);
    return host;
  } catch {
    return UNKNOWN;
  }
}
