import { PulsejetError } from '@pulsejet/protocol';

const REPLICATION_ERROR_BRAND = Symbol.for('pulsejet.error.replication');

/** Codes of {@link ReplicationError}. The values are stable: they are part of the public API. */
export const ReplicationErrorCode = {
  /** A transfer frame announces a body larger than the configured maximum: the stream is not HA data. */
  FRAME_TOO_LARGE: 'HA_FRAME_TOO_LARGE',
  /**
   * The master refused the offset this slave reported: the slave's log is ahead of the master's,
   * ends inside a master record, or ends before what the master still keeps. The master's log says which.
   */
  REFUSED_BY_MASTER: 'HA_REFUSED_BY_MASTER',
  /** The master's bytes just before the slave's end differ from the slave's: the two logs diverged. */
  DIVERGED: 'HA_DIVERGED',
  /** The slave's store refused streamed bytes as corrupt (bad framing or CRC); nothing was written. */
  CORRUPT_STREAM: 'HA_CORRUPT_STREAM',
  /** The master pushed bytes for an offset this slave did not expect; the slave reconnects. Retriable. */
  UNEXPECTED_OFFSET: 'HA_UNEXPECTED_OFFSET',
} as const;
export type ReplicationErrorCode = (typeof ReplicationErrorCode)[keyof typeof ReplicationErrorCode];

export class ReplicationError extends PulsejetError {
  override readonly name: string = 'ReplicationError';
  declare readonly code: ReplicationErrorCode;
  readonly [REPLICATION_ERROR_BRAND] = true;

  constructor(code: ReplicationErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: code === ReplicationErrorCode.UNEXPECTED_OFFSET });
  }

  static override is(value: unknown): value is ReplicationError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REPLICATION_ERROR_BRAND] === true;
  }
}
