// What every channel does whatever carries its bytes: number and correlate outgoing requests, hand
// incoming requests to the dispatcher, close once and tell everyone. The TCP and in-process channels
// only say how a command reaches the peer (transmit) and how the link is torn down (closeTransport),
// so neither copies the other's logic (STYLE.md, "Avoid": nestjs/nest #17760).
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { RemotingError } from './errors';
import { InFlightTable } from './in-flight';
import type { RemotingLog } from './log';
import type { DispatchTarget, RequestDispatcher } from './request-dispatcher';
import type { RemotingChannel, RequestContext } from './transport';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter
// call, which the profile of the send path showed per message.
const { RemotingCommandFlag, ResponseCode, copyWithPreparedFields, createResponse, isResponse, preparedFieldsOf } = protocol;

export interface ChannelOptions {
  /** Handles requests the peer sends on this channel. */
  dispatcher: RequestDispatcher;
  /** Requests this side may have awaiting responses on this channel. */
  maxInFlight: number;
  /** Close the channel when one of its requests times out (what ali-ons always does). */
  closeOnTimeout: boolean;
  log: RemotingLog;
}

export interface TerminateOptions {
  /** False when this side shut down for good (a closed client or server): retrying can't help. @default true */
  retriable?: boolean;
  cause?: unknown;
}

let lastChannelId = 0;

const REQUEST_FLAG_MASK = ~(RemotingCommandFlag.RESPONSE | RemotingCommandFlag.ONEWAY);

/**
 * The command as sent: the caller's fields with this channel's opaque and flag. A literal with every
 * field, not a spread, so all of them share one hidden class (about half the cost on the hot path).
 * Prepared fields (a producer's send) are copied unread, so the encoder still writes them directly.
 */
function wireCopy(command: RemotingCommand, opaque: number, flag: number): RemotingCommand {
  const prepared = preparedFieldsOf(command);
  if (prepared !== undefined) return copyWithPreparedFields(command, prepared, opaque, flag);
  const copy: RemotingCommand = {
    code: command.code,
    language: command.language,
    version: command.version,
    opaque,
    flag,
    remark: command.remark,
    extFields: command.extFields,
    body: command.body,
    serializeType: command.serializeType,
  };
  return copy;
}

export abstract class AbstractChannel implements RemotingChannel, DispatchTarget {
  readonly id: string;
  readonly context: RequestContext;
  private readonly inFlight: InFlightTable;
  private closeReason: string | undefined;
  private closeError: RemotingError | undefined;
  private closeListeners: ((reason: string) => void)[] = [];

  protected constructor(
    readonly remoteAddress: string,
    kind: string,
    protected readonly options: ChannelOptions,
  ) {
    lastChannelId += 1;
    this.id = `${kind}-${lastChannelId}`;
    this.context = { channel: this };
    this.inFlight = new InFlightTable({
      maxInFlight: options.maxInFlight,
      peer: () => this.remoteAddress,
      ...(options.closeOnTimeout ? { onTimeout: () => this.close('a request timed out') } : {}),
    });
  }

  isActive(): boolean {
    return this.closeReason === undefined;
  }

  /** Requests awaiting responses (for tests and stats). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  request(command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (this.closeError !== undefined) return Promise.reject(this.closeError);
    if (!(timeoutMs > 0)) {
      return Promise.reject(new RemotingError('TIMEOUT', `request code ${command.code} to ${this.remoteAddress} had no time left (timeout ${timeoutMs} ms)`));
    }
    const opaque = this.inFlight.nextOpaque();
    let response: Promise<RemotingCommand>;
    try {
      response = this.inFlight.register(opaque, command.code, timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    // A copy: the caller's command may be reused or sent elsewhere concurrently.
    const wire = wireCopy(command, opaque, command.flag & REQUEST_FLAG_MASK);
    try {
      // A request isn't held back by a congested socket: its timeout and the in-flight bound limit it.
      this.transmit(wire)?.catch((error: unknown) => this.inFlight.fail(opaque, error));
    } catch (error) {
      this.inFlight.fail(opaque, error);
    }
    return response;
  }

  oneway(command: RemotingCommand): Promise<void> {
    if (this.closeError !== undefined) return Promise.reject(this.closeError);
    const wire = wireCopy(command, this.inFlight.nextOpaque(), (command.flag & REQUEST_FLAG_MASK) | RemotingCommandFlag.ONEWAY);
    try {
      return this.transmit(wire) ?? Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Sends a response from the dispatcher. Never throws: a closed channel drops it. */
  respond(response: RemotingCommand): void {
    if (!this.isActive()) {
      this.options.log('debug', `dropped the response to opaque ${response.opaque}: channel to ${this.remoteAddress} is closed`);
      return;
    }
    try {
      this.transmit(response)?.catch(() => undefined); // a write timeout closes the channel and logs
    } catch (error) {
      // The response can't be encoded or is over the frame limit: tell the peer instead of letting it time out.
      const message = error instanceof Error ? error.message : String(error);
      this.options.log('warn', `could not send the response to ${this.remoteAddress} (opaque ${response.opaque}): ${message}`);
      try {
        this.transmit(createResponse(response, ResponseCode.SYSTEM_ERROR, `response could not be sent: ${message}`))?.catch(() => undefined);
      } catch (fallbackError) {
        this.options.log('error', `could not send SYSTEM_ERROR to ${this.remoteAddress} either: ${String(fallbackError)}`);
      }
    }
  }

  close(reason = 'closed locally'): void {
    this.terminate(reason);
  }

  /** Closes with control over what pending requests see; idempotent. */
  terminate(reason: string, options: TerminateOptions = {}): void {
    if (!this.markClosed(reason, options)) return;
    this.closeTransport(reason);
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closeReason !== undefined) {
      // Keep "called once, asynchronously after registration" even for a late listener.
      const reason = this.closeReason;
      queueMicrotask(() => listener(reason));
      return;
    }
    this.closeListeners.push(listener);
  }

  /** The transport hands over each command the peer sent. */
  protected receive(command: RemotingCommand): void {
    if (isResponse(command)) {
      if (!this.inFlight.complete(command)) {
        // Late (after a timeout) or an answer to a oneway; ali-ons drops these too.
        this.options.log('debug', `dropped a response from ${this.remoteAddress} nobody waits for (opaque ${command.opaque}, code ${command.code})`);
      }
      return;
    }
    this.options.dispatcher.dispatch(command, this);
  }

  /**
   * Marks the channel closed, fails pending requests with CHANNEL_CLOSED and calls the close
   * listeners; false when it already was. Transports call it when the link goes down by itself.
   */
  protected markClosed(reason: string, options: TerminateOptions = {}): boolean {
    if (this.closeReason !== undefined) return false;
    this.closeReason = reason;
    this.closeError = new RemotingError('CHANNEL_CLOSED', `channel ${this.id} to ${this.remoteAddress} closed: ${reason}`, options);
    this.inFlight.failAll(this.closeError);
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (error) {
        this.options.log('error', `a close listener of channel ${this.id} threw: ${String(error)}`);
      }
    }
    return true;
  }

  /** The error commands on this closed channel fail with. */
  protected get closedError(): RemotingError | undefined {
    return this.closeError;
  }

  /**
   * Sends one command. Throws when it can't be encoded or sent at all; returns a promise only when
   * the link is congested (it settles when the peer has drained it), so the fast path allocates none.
   */
  protected abstract transmit(command: RemotingCommand): Promise<void> | undefined;

  /** Tears the link down after markClosed; called once. */
  protected abstract closeTransport(reason: string): void;
}
