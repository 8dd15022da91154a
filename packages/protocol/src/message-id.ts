// The offset msgId (reference §6.2; Java `MessageDecoder.createMessageId` / `decodeMessageId`):
//   STOREHOST IPv4 (4) | store port (int32) | PHYSICALOFFSET (int64), as 32 uppercase hex chars.
// ali-ons recomputes msgId from the record's STOREHOST and PHYSICALOFFSET, so the id a broker
// returns on send must be built from exactly the values written into the record.
import { ProtocolError, ProtocolErrorCode } from './errors';
import { decodeHostAddress, hostAddressBytes, HOST_ADDRESS_SIZE, type HostAddress } from './host';
import { readUInt64 } from './int64';

const MESSAGE_ID_HEX = /^[0-9a-fA-F]{32}$/;

export function createOffsetMessageId(storeHost: HostAddress, physicalOffset: number): string {
  if (!Number.isSafeInteger(physicalOffset) || physicalOffset < 0) {
    throw new ProtocolError(ProtocolErrorCode.UNSAFE_INTEGER, `physical offset ${physicalOffset} must be a safe integer >= 0`);
  }
  return offsetMessageIdOf(hostHexCodes(storeHost), physicalOffset);
}

/** Character codes of the uppercase hex digits. */
const HEX_CODES = Array.from('0123456789ABCDEF', (digit) => digit.charCodeAt(0));
const TWO_TO_32 = 0x1_0000_0000;

/**
 * The msgId of a record of the host whose 16 hex digits' codes are `host` (hostHexCodes), at
 * `physicalOffset` (a safe integer >= 0, not checked here). One string built from 32 character
 * codes: toString(16), toUpperCase, padStart and a concatenation made four strings per message
 * and took 5x as long (a broker makes one per stored message, a consumer one per received one).
 */
export function offsetMessageIdOf(host: readonly number[], physicalOffset: number): string {
  const hex = HEX_CODES;
  const high = Math.floor(physicalOffset / TWO_TO_32);
  const low = physicalOffset >>> 0;
  return String.fromCharCode(
    host[0]!, host[1]!, host[2]!, host[3]!, host[4]!, host[5]!, host[6]!, host[7]!,
    host[8]!, host[9]!, host[10]!, host[11]!, host[12]!, host[13]!, host[14]!, host[15]!,
    hex[high >>> 28]!, hex[(high >>> 24) & 15]!, hex[(high >>> 20) & 15]!, hex[(high >>> 16) & 15]!,
    hex[(high >>> 12) & 15]!, hex[(high >>> 8) & 15]!, hex[(high >>> 4) & 15]!, hex[high & 15]!,
    hex[low >>> 28]!, hex[(low >>> 24) & 15]!, hex[(low >>> 20) & 15]!, hex[(low >>> 16) & 15]!,
    hex[(low >>> 12) & 15]!, hex[(low >>> 8) & 15]!, hex[(low >>> 4) & 15]!, hex[low & 15]!,
  );
}

/** Hex digit codes of each encoded host, keyed by the cached bytes object (hostAddressBytes returns the same one). */
const codesByBytes = new WeakMap<Buffer, readonly number[]>();

/** The codes of the 16 uppercase hex digits of a host's 8 encoded bytes (IPv4 address, port), cached per host. */
export function hostHexCodes(host: HostAddress): readonly number[] {
  const bytes = hostAddressBytes(host);
  let codes = codesByBytes.get(bytes);
  if (codes === undefined) {
    codes = Array.from(bytes.toString('hex').toUpperCase(), (digit) => digit.charCodeAt(0));
    codesByBytes.set(bytes, codes);
  }
  return codes;
}

/** Accepts either case, like Java's `UtilAll.string2bytes`. */
export function decodeOffsetMessageId(id: string): { storeHost: HostAddress; physicalOffset: number } {
  if (!MESSAGE_ID_HEX.test(id)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_MESSAGE_ID,
      `message id '${id.slice(0, 64)}' is not 32 hex characters; pass the msgId returned by send or seen on a received message (IPv6 store hosts are not supported)`,
    );
  }
  const bytes = Buffer.from(id, 'hex');
  try {
    return { storeHost: decodeHostAddress(bytes, 0), physicalOffset: readUInt64(bytes, HOST_ADDRESS_SIZE) };
  } catch (cause) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_MESSAGE_ID,
      `message id '${id}' holds a commit-log offset beyond 2^53; it was not issued by a Pulsejet broker`,
      { cause },
    );
  }
}
