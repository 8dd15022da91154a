import { PulsejetError } from '@pulsejet/protocol';

const REPLICA_ERROR_BRAND = Symbol.for('pulsejet.error.replica');

/** Codes of {@link ReplicaAppendError}. The values are stable: they are part of the public API. */
export const ReplicaErrorCode = {
  /**
   * The bytes do not start at this store's end of log: the slave's log and the master's stream
   * disagree on where the slave is. Reconnecting makes the slave report its real end again.
   */
  OFFSET_MISMATCH: 'REPLICA_OFFSET_MISMATCH',
  /** The bytes are not whole, valid records (bad length, magic, CRC, or a position field that lies). */
  CORRUPT_DATA: 'REPLICA_CORRUPT_DATA',
  /** Local puts are queued on this store: a slave's log must only be written by replication. */
  LOCAL_WRITES: 'REPLICA_LOCAL_WRITES',
  /** The store is closing. */
  CLOSED: 'REPLICA_STORE_CLOSED',
} as const;
export type ReplicaErrorCode = (typeof ReplicaErrorCode)[keyof typeof ReplicaErrorCode];

/** A replicated append the store refused; nothing of it was written. */
export class ReplicaAppendError extends PulsejetError {
  override readonly name: string = 'ReplicaAppendError';
  declare readonly code: ReplicaErrorCode;
  readonly [REPLICA_ERROR_BRAND] = true;

  constructor(code: ReplicaErrorCode, message: string) {
    super(code, message, { retriable: code === ReplicaErrorCode.OFFSET_MISMATCH });
  }

  static override is(value: unknown): value is ReplicaAppendError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REPLICA_ERROR_BRAND] === true;
  }
}
