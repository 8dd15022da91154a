// What the decorators write: one list of handler entries per class, stored once at decoration
// time under a Symbol.for key (so two copies of this package still see each other's entries).
// Only the explorer (discovery/) reads it, once, at startPulsejet(); the message path never does.
import 'reflect-metadata';
import type { DecoratedAt, ResolvedSubscription } from './subscribe-options';

const HANDLERS_KEY = Symbol.for('pulsejet:handlers');

export type HandlerEntry =
  | { kind: 'subscribe'; at: DecoratedAt; method: string | symbol; subscription: ResolvedSubscription }
  | { kind: 'stream'; at: DecoratedAt; method: string | symbol; subscription: ResolvedSubscription }
  | { kind: 'dead-letter'; at: DecoratedAt; method: string | symbol; subscription: ResolvedSubscription; deadLetterOf: string }
  | { kind: 'transaction-check'; at: DecoratedAt; method: string | symbol; group: string; topics: readonly string[] };

type Constructor = abstract new (...args: never[]) => unknown;

export function addHandlerEntry(target: Constructor, entry: HandlerEntry): void {
  const own = (Reflect.getOwnMetadata(HANDLERS_KEY, target) as HandlerEntry[] | undefined) ?? [];
  Reflect.defineMetadata(HANDLERS_KEY, [...own, entry], target);
}

/**
 * The entries of a class and its base classes. A method a subclass overrides and decorates again
 * replaces the base's entries of that method; an override without decorators keeps them (the
 * subclass's method runs).
 */
export function handlerEntriesOf(target: Constructor): HandlerEntry[] {
  const chain: Constructor[] = [];
  for (let c: unknown = target; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.push(c as Constructor);
  const byMethod = new Map<string | symbol, HandlerEntry[]>();
  for (const c of chain.reverse()) {
    const own = (Reflect.getOwnMetadata(HANDLERS_KEY, c) as HandlerEntry[] | undefined) ?? [];
    const methods = new Set(own.map((e) => e.method));
    for (const method of methods) byMethod.set(method, own.filter((e) => e.method === method));
  }
  return [...byMethod.values()].flat();
}

export function hasHandlerEntries(target: unknown): boolean {
  return typeof target === 'function' && handlerEntriesOf(target as Constructor).length > 0;
}
