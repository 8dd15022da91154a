// The explorer: finds the decorated methods of every class bound in the container, resolves each
// handler class once, and builds the table startPulsejet() runs from. Conflicts between handlers
// (one group with different settings, one topic twice in a group, two check-backs of a producer
// group) are reported here, before anything connects.
import type { Container } from 'inversify';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';
import { handlerEntriesOf, type HandlerEntry } from '../decorators/metadata';
import { describe, type ResolvedSubscription } from '../decorators/subscribe-options';
import { classBindings } from './bindings';

export interface BoundHandler {
  entry: HandlerEntry;
  /** The resolved instance and its method, bound once. */
  instance: object;
  fn: (...args: unknown[]) => unknown;
}

export interface GroupPlan {
  group: string;
  settings: ResolvedSubscription['settings'];
  /** One handler per topic. */
  handlers: BoundHandler[];
  /** The group whose dead letters this group consumes, if it is a @OnDeadLetter group. */
  deadLetterOf: string | undefined;
}

export interface HandlerTable {
  groups: GroupPlan[];
  transactionChecks: Map<string, BoundHandler>;
}

function conflict(message: string): PulsejetConfigError {
  return new PulsejetConfigError(PulsejetConfigErrorCode.CONFLICTING_SUBSCRIPTIONS, message);
}

function sameSettings(a: ResolvedSubscription['settings'], b: ResolvedSubscription['settings']): (keyof ResolvedSubscription['settings'])[] {
  return (Object.keys(a) as (keyof typeof a)[]).filter((key) => a[key] !== b[key]);
}

/** Builds the table from handler entries with their instances (separate from the container for unit tests). */
export function buildHandlerTable(handlers: readonly BoundHandler[]): HandlerTable {
  const groups = new Map<string, GroupPlan & { first: BoundHandler }>();
  const transactionChecks = new Map<string, BoundHandler>();
  for (const handler of handlers) {
    const { entry } = handler;
    if (entry.kind === 'transaction-check') {
      const other = transactionChecks.get(entry.group);
      if (other) throw conflict(`${describe(entry.at)} and ${describe(other.entry.at)} both check back transactions of producer group ${entry.group}; keep one`);
      transactionChecks.set(entry.group, handler);
      continue;
    }
    const { subscription } = entry;
    const deadLetterOf = entry.kind === 'dead-letter' ? entry.deadLetterOf : undefined;
    const plan = groups.get(subscription.group);
    if (!plan) {
      groups.set(subscription.group, { group: subscription.group, settings: subscription.settings, handlers: [handler], deadLetterOf, first: handler });
      continue;
    }
    const differing = sameSettings(plan.settings, subscription.settings);
    if (differing.length > 0) {
      const diff = differing.map((key) => `${key}: ${JSON.stringify(plan.settings[key])} vs ${JSON.stringify(subscription.settings[key])}`).join(', ');
      throw conflict(`${describe(entry.at)} and ${describe(plan.first.entry.at)} are both in group ${subscription.group} with different settings (${diff}); a group is one consumer: give them the same settings or different groups`);
    }
    if (plan.deadLetterOf !== deadLetterOf) {
      throw conflict(`${describe(entry.at)} and ${describe(plan.first.entry.at)} share group ${subscription.group}, but only one of them is a dead-letter handler; use another group`);
    }
    const sameTopic = plan.handlers.find((h) => h.entry.kind !== 'transaction-check' && h.entry.subscription.topic === subscription.topic);
    if (sameTopic) {
      throw conflict(
        `${describe(entry.at)} and ${describe(sameTopic.entry.at)} both subscribe group ${subscription.group} to topic ${subscription.topic}; a group has one handler per topic (its members share the messages): use different groups to have both receive every message`,
      );
    }
    plan.handlers.push(handler);
  }
  return { groups: [...groups.values()].map(({ first: _first, ...plan }) => plan), transactionChecks };
}

/**
 * Finds the handler classes bound in `container` (class bindings: `bind(X).toSelf()` or
 * `bind(TOKEN).to(X)`), resolves each once (in its binding's scope: use singletons) and builds the
 * handler table. A class bound twice is used once.
 */
export function discoverHandlers(container: Container): HandlerTable {
  const seen = new Set<unknown>();
  const handlers: BoundHandler[] = [];
  for (const binding of classBindings(container)) {
    const type = binding.implementationType;
    if (seen.has(type)) continue;
    const entries = handlerEntriesOf(type);
    if (entries.length === 0) continue;
    seen.add(type);
    let instance: object | undefined;
    try {
      instance = binding.shared
        ? (container.getAll<object>(binding.serviceIdentifier).find((candidate) => candidate instanceof type))
        : container.get<object>(binding.serviceIdentifier);
    } catch (cause) {
      throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_CONFIGURED, `${type.name} has Pulsejet handlers but could not be resolved from the container: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (!instance) throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_CONFIGURED, `${type.name} has Pulsejet handlers but the container gave no instance of it`);
    for (const entry of entries) {
      const fn = (instance as Record<string | symbol, unknown>)[entry.method];
      if (typeof fn !== 'function') throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_CONFIGURED, `${describe(entry.at)}: the resolved instance has no method ${String(entry.method)}`);
      handlers.push({ entry, instance, fn: fn as BoundHandler['fn'] });
    }
  }
  return buildHandlerTable(handlers);
}
