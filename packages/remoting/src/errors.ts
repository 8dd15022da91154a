// Transport failures, as one PulsejetError subclass with stable codes (STYLE.md habit 7). Response
// codes a peer answers with (SYSTEM_BUSY, REQUEST_CODE_NOT_SUPPORTED, ...) are not errors here: they
// arrive as response commands and the caller interprets them.
import { PulsejetError } from '@pulsejet/protocol';

const REMOTING_ERROR_BRAND = Symbol.for('pulsejet.error.remoting');

/** Codes of {@link RemotingError}. The values are stable: they are part of the public API. */
export const RemotingErrorCode = {
  /** No connection could be made (refused, unknown host, connect timeout, no in-process server bound). */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** No response within the request's timeout. The peer may still have executed the request. */
  TIMEOUT: 'TIMEOUT',
  /** The channel closed before the response arrived, or the request was made on a closed channel or client. */
  CHANNEL_CLOSED: 'CHANNEL_CLOSED',
  /** The channel already has its maximum of requests awaiting responses. */
  TOO_MANY_IN_FLIGHT: 'TOO_MANY_IN_FLIGHT',
  /** The peer stopped reading: the socket did not drain within the write timeout, so the channel was closed. */
  WRITE_TIMEOUT: 'WRITE_TIMEOUT',
} as const;
export type RemotingErrorCode = (typeof RemotingErrorCode)[keyof typeof RemotingErrorCode];

// All of these are transient: another attempt (perhaps on a new connection, perhaps after a pause)
// can succeed. CHANNEL_CLOSED is made non-retriable when the local client or server itself was
// closed. A command that can't be encoded (too large, a non-int32 field) is not a transport failure:
// it fails with the codec's ProtocolError (FRAME_TOO_LARGE, UNSAFE_INTEGER), which is never retriable.
const RETRIABLE: Record<RemotingErrorCode, boolean> = {
  CONNECT_FAILED: true,
  TIMEOUT: true,
  CHANNEL_CLOSED: true,
  TOO_MANY_IN_FLIGHT: true,
  WRITE_TIMEOUT: true,
};

export class RemotingError extends PulsejetError {
  override readonly name: string = 'RemotingError';
  // `declare`: narrows the type only; a field here would overwrite the value set by super().
  declare readonly code: RemotingErrorCode;
  readonly [REMOTING_ERROR_BRAND] = true;

  constructor(code: RemotingErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(code, message, { ...options, retriable: options.retriable ?? RETRIABLE[code] });
  }

  static override is(value: unknown): value is RemotingError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REMOTING_ERROR_BRAND] === true;
  }
}
