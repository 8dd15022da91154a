// The client-generated message id, UNIQ_KEY (Java MessageClientIDSetter.createUniqID), 32 uppercase
// hex characters = 16 bytes:
//   IPv4 (4) | pid (2, the low 16 bits) | a per-process random int (4; Java: the class loader's hash)
//   | ms since the start of this month, local time (4) | a counter (2, wraps)
// Ids are unique per process by (time, counter) and across processes by (ip, pid, random); Java
// tools read the ip and the time back out of them (MessageClientIDSetter.getIPFromID / getNearlyTimeFromID).
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';

/** Length of a UNIQ_KEY in hex characters. */
export const UNIQ_KEY_LENGTH = 32;

function localIPv4(): Buffer {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const addr of addrs ?? []) {
      if (addr.family === 'IPv4' && !addr.internal) return Buffer.from(addr.address.split('.').map(Number));
    }
  }
  return Buffer.from([127, 0, 0, 1]);
}

/** Month start in local time, as Java's Calendar does it. */
function monthStart(now: number): { start: number; next: number } {
  const date = new Date(now);
  return { start: new Date(date.getFullYear(), date.getMonth(), 1).getTime(), next: new Date(date.getFullYear(), date.getMonth() + 1, 1).getTime() };
}

/** Two uppercase hex digits per byte value: the counter is formatted with two lookups per key. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, '0'));

export class UniqueKeyGenerator {
  private readonly fixed: string;
  private counter = 0;
  private start = 0;
  private next = 0;
  /** The clock reading the cached prefix was made for: keys of one millisecond share ip..time. */
  private prefixAt = Number.NaN;
  private prefix = '';

  constructor(
    ip: Buffer = localIPv4(),
    pid: number = process.pid,
    random: Buffer = randomBytes(4),
    private readonly now: () => number = Date.now,
  ) {
    const prefix = Buffer.alloc(10);
    ip.copy(prefix, 0, 0, 4);
    prefix.writeUInt16BE(pid & 0xffff, 4);
    random.copy(prefix, 6, 0, 4);
    this.fixed = prefix.toString('hex').toUpperCase();
  }

  create(): string {
    const now = this.now();
    if (now !== this.prefixAt) {
      // Formatting the time part cost ~1 us per key (4.8% of a producer's CPU per send); it changes
      // at most once a millisecond, so it is built once per millisecond.
      if (now >= this.next) ({ start: this.start, next: this.next } = monthStart(now));
      // A clock set back a little before the month start would give a negative delta; Java clamps it to 0 too.
      const diff = Math.max(0, now - this.start) >>> 0;
      this.prefix = this.fixed + diff.toString(16).toUpperCase().padStart(8, '0');
      this.prefixAt = now;
    }
    const count = this.counter;
    this.counter = (count + 1) & 0xffff;
    return this.prefix + BYTE_HEX[count >>> 8]! + BYTE_HEX[count & 0xff]!;
  }
}

/** What a UNIQ_KEY says about where and when it was made (for tests and tools). */
export function parseUniqueKey(key: string): { ip: string; pid: number; monthOffsetMs: number; counter: number } | undefined {
  if (!/^[0-9A-F]{32}$/.test(key)) return undefined;
  const bytes = Buffer.from(key, 'hex');
  return { ip: [...bytes.subarray(0, 4)].join('.'), pid: bytes.readUInt16BE(4), monthOffsetMs: bytes.readUInt32BE(10), counter: bytes.readUInt16BE(14) };
}

let shared: UniqueKeyGenerator | undefined;

/** A new UNIQ_KEY from the process-wide generator. */
export function createUniqueKey(): string {
  shared ??= new UniqueKeyGenerator();
  return shared.create();
}
