// The method decorators. Each validates its options at once (an error names Class.method) and
// writes one metadata entry; nothing else happens until startPulsejet() reads the entries.
import type { Observable } from 'rxjs';
import type { TransactionState } from '@pulsejet/client';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';
import type { Message } from '../message/message';
import { addHandlerEntry } from './metadata';
import {
  resolveDeadLetterOptions,
  resolveSubscribeOptions,
  resolveTransactionCheckOptions,
  type DecoratedAt,
  type OnDeadLetterOptions,
  type SubscribeOptions,
  type TransactionCheckOptions,
} from './subscribe-options';

type Method<F> = <M extends F>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void;

/**
 * The body type a decorated method may declare: the topic definition's type when the options have
 * one; any type otherwise (`never` makes every `Message<X>` parameter fit).
 */
type BodyOf<T> = unknown extends T ? never : T;

/** A handler: resolving acknowledges; throwing (or rejecting) retries; an Observable acknowledges when it completes. */
export type SubscribeHandler<T> = (message: Message<BodyOf<T>>) => unknown;
/** The stream form: emitting an input message acknowledges it. */
export type StreamHandler<T> = (messages: Observable<Message<BodyOf<T>>>) => Observable<unknown>;
export type DeadLetterHandler<T> = (message: Message<BodyOf<T>>) => unknown;
export type TransactionCheckHandler = (message: Message<never>) => TransactionState | Promise<TransactionState>;

function where(target: object, key: string | symbol, decorator: string, descriptor: PropertyDescriptor | undefined): DecoratedAt {
  // Standard (TC39) decorators call (method, context): the compiler was not told experimentalDecorators.
  if (typeof key === 'object' && key !== null && 'kind' in key) {
    const name = String((key as { name?: unknown }).name);
    throw new PulsejetConfigError(
      PulsejetConfigErrorCode.INVALID_OPTION,
      `@${decorator} on ${name}: this file was compiled with standard decorators; Pulsejet's need "experimentalDecorators": true in the tsconfig that compiles it (with tsx: --tsconfig <that file>, and the file in its "include")`,
    );
  }
  const isStatic = typeof target === 'function';
  const className = isStatic ? (target as { name: string }).name : target.constructor.name;
  const at = { className, methodName: String(key), decorator };
  if (isStatic || typeof descriptor?.value !== 'function') {
    throw new PulsejetConfigError(PulsejetConfigErrorCode.INVALID_OPTION, `${className}.${String(key)} (@${decorator}): decorate an instance method of an @injectable() class`);
  }
  return at;
}

type Ctor = abstract new (...args: never[]) => unknown;

/**
 * Subscribes the method to a topic in a consumer group. The method gets a typed Message; it
 * acknowledges by resolving (or by completing the Observable it returns) and asks for a retry by
 * throwing. After maxReconsumeTimes retries the message goes to the group's dead-letter queue.
 */
export function Subscribe<T = unknown>(options: SubscribeOptions<T>): Method<SubscribeHandler<T>> {
  return (target, key, descriptor) => {
    const at = where(target, key, 'Subscribe', descriptor);
    addHandlerEntry(target.constructor as Ctor, { kind: 'subscribe', at, method: key, subscription: resolveSubscribeOptions(options, at) });
  };
}

/**
 * The stream form: the method gets an Observable of the group's messages and returns the processed
 * stream. A message is acknowledged when the returned stream emits it; an error in the stream
 * retries the messages not yet emitted and the method is called again for a fresh pipeline. At
 * most `concurrency` messages are in the pipeline at once (the pull loop holds the rest).
 */
export function SubscribeStream<T = unknown>(options: SubscribeOptions<T>): Method<StreamHandler<T>> {
  return (target, key, descriptor) => {
    const at = where(target, key, 'SubscribeStream', descriptor);
    addHandlerEntry(target.constructor as Ctor, { kind: 'stream', at, method: key, subscription: resolveSubscribeOptions(options, at) });
  };
}

/**
 * Receives the messages `group` gave up on (its %DLQ% topic), as a group of its own
 * (`consumerGroup`, default `<group>-dlq`), from the oldest one kept. Same ack rules as @Subscribe.
 */
export function OnDeadLetter<T = unknown>(options: OnDeadLetterOptions<T>): Method<DeadLetterHandler<T>> {
  return (target, key, descriptor) => {
    const at = where(target, key, 'OnDeadLetter', descriptor);
    const { deadLetterOf, ...subscription } = resolveDeadLetterOptions(options, at);
    addHandlerEntry(target.constructor as Ctor, { kind: 'dead-letter', at, method: key, subscription, deadLetterOf });
  };
}

/**
 * Answers the broker's check-back of open transactions sent by the TransactionProducer of `group`
 * (PulsejetTransactions.producer(group)): look the transaction up and return COMMIT, ROLLBACK or
 * UNKNOWN (ask again later). Throwing counts as UNKNOWN. One method per group.
 */
export function TransactionCheck(options: TransactionCheckOptions): Method<TransactionCheckHandler> {
  return (target, key, descriptor) => {
    const at = where(target, key, 'TransactionCheck', descriptor);
    addHandlerEntry(target.constructor as Ctor, { kind: 'transaction-check', at, method: key, ...resolveTransactionCheckOptions(options, at) });
  };
}
