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
  // Built as text: the host part is cached, the offset is 16 hex digits (one msgId per stored message).
  return hostHex(storeHost) + physicalOffset.toString(16).toUpperCase().padStart(16, '0');
}

/** Hex of each encoded host, keyed by the cached bytes object (hostAddressBytes returns the same one). */
const hexByBytes = new WeakMap<Buffer, string>();

function hostHex(host: HostAddress): string {
  const bytes = hostAddressBytes(host);
  let hex = hexByBytes.get(bytes);
  if (hex === undefined) {
    hex = bytes.toString('hex').toUpperCase();
    hexByBytes.set(bytes, hex);
  }
  return hex;
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
