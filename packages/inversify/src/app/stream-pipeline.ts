// The stream form of @SubscribeStream: one long-lived pipeline per handler. The consumer's handler
// pushes each message into the pipeline's input and resolves when the method's output stream emits
// that same message (the ack). The consumer's concurrency caps how many messages are in the
// pipeline, so the Observable never decides how much is fetched (RxJS has no back-pressure).
// When the output errors (or completes early), the messages still in the pipeline are retried and
// the next message starts a fresh pipeline.
import type { MessageHandler, ReceivedMessage } from '@pulsejet/client';
import { Subject, isObservable, type Subscription } from 'rxjs';
import { describe } from '../decorators/subscribe-options';
import type { BoundHandler } from '../discovery/discover';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';
import { messageFactory, type Message } from '../message/message';
import type { PulsejetLog } from '../module/module-options';
import type { BodyDecoder } from '../decorators/subscribe-options';
import type { GroupCounters } from './consumption-stats';

interface Pending {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class StreamPipeline {
  private input: Subject<Message> | undefined;
  private subscription: Subscription | undefined;
  private readonly pending = new Map<Message, Pending>();
  private readonly toMessage: (raw: ReceivedMessage) => Message;
  private readonly name: string;
  private closed = false;

  constructor(
    private readonly bound: BoundHandler,
    decode: BodyDecoder,
    private readonly counters: GroupCounters,
    private readonly log: PulsejetLog,
  ) {
    this.toMessage = messageFactory(decode);
    this.name = describe(bound.entry.at);
  }

  /** Builds the first pipeline now, so a method that returns no Observable fails at start. */
  open(): void {
    const input = new Subject<Message>();
    const output: unknown = this.bound.fn.call(this.bound.instance, input.asObservable());
    if (!isObservable(output)) {
      throw new PulsejetConfigError(PulsejetConfigErrorCode.INVALID_OPTION, `${this.name} must return an Observable (the processed stream), got ${output === null ? 'null' : typeof output}`);
    }
    this.input = input;
    this.subscription = output.subscribe({
      next: (value) => this.emitted(value),
      error: (error: unknown) => this.broken(input, error),
      complete: () => this.broken(input, new Error(`${this.name}: the returned stream completed while the subscription is running`)),
    });
  }

  readonly handler: MessageHandler = (raw) => {
    return new Promise<void>((resolve, reject) => {
      // A body the decoder refuses fails this delivery (retried, then dead-lettered) like a stream error.
      const message = this.toMessage(raw);
      if (!this.input) this.open();
      this.pending.set(message, { resolve, reject });
      this.input!.next(message);
    }).then(
      () => this.counters.ack(),
      (error: unknown) => {
        this.counters.fail();
        throw error;
      },
    );
  };

  private emitted(value: unknown): void {
    const pending = this.pending.get(value as Message);
    if (pending) {
      this.pending.delete(value as Message);
      pending.resolve();
    } else {
      this.log('warn', `${this.name} emitted a value that is not one of its input messages; emit the input message to acknowledge it`);
    }
  }

  private broken(input: Subject<Message>, error: unknown): void {
    if (this.input !== input) return;
    this.input = undefined;
    this.subscription = undefined;
    if (this.pending.size > 0 && !this.closed) {
      this.log('warn', `${this.name}: the stream ended (${error instanceof Error ? error.message : String(error)}); ${this.pending.size} message(s) in it will be retried`);
    }
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const pending of failed) pending.reject(error);
  }

  /** After the consumer drained: ends the pipeline. */
  close(): void {
    this.closed = true;
    const input = this.input;
    this.subscription?.unsubscribe();
    if (input) this.broken(input, new Error(`${this.name}: closed`));
    input?.complete();
  }
}
