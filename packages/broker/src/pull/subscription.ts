// Tag subscriptions (Java FilterAPI.build and ExpressionMessageFilter, reference §3.9 and §6.4).
// The consume queue holds each message's tag hash (Java String.hashCode), so the broker filters on
// the hash first and then re-checks the exact TAGS of what it found: two tags can share a hash
// ("Aa" and "BB" do).
import { MessageConst, javaStringHashCode, readStoredRecord } from '@pulsejet/protocol';

/** Subscribes to every message of a topic. */
export const SUB_ALL = '*';

/** A parsed tag expression. `all` means "*": no filtering. */
export interface Subscription {
  /** The expression as the client sent it (kept for heartbeats and admin views). */
  readonly subString: string;
  readonly all: boolean;
  readonly tags: ReadonlySet<string>;
  /** javaStringHashCode of each tag: what the consume queue stores. */
  readonly codes: ReadonlySet<number>;
}

export type SubscriptionParseResult = { ok: true; subscription: Subscription } | { ok: false; reason: string };

/** Distinct expressions remembered; a broker sees a handful per group and topic. */
const PARSED_EXPRESSIONS_MAX = 1024;
const parsedExpressions = new Map<string, SubscriptionParseResult>();

/**
 * Parses `"*"` or `"TagA || TagB"`: split on `||`, trim each part, drop empty parts (Java
 * FilterAPI.build). A missing or blank expression means "*", as in Java. An expression with no tag
 * left after trimming is refused: Java would silently subscribe to nothing.
 */
export function parseSubscription(expression: string | undefined): SubscriptionParseResult {
  const subString = expression ?? SUB_ALL;
  // Every pull carries its expression (or looks up the group's): parsed once per distinct string,
  // since a result is read-only. This was two Sets and two objects per pull (~360 B) before.
  let result = parsedExpressions.get(subString);
  if (result === undefined) {
    if (parsedExpressions.size >= PARSED_EXPRESSIONS_MAX) parsedExpressions.clear();
    result = parse(subString);
    parsedExpressions.set(subString, result);
  }
  return result;
}

function parse(subString: string): SubscriptionParseResult {
  const trimmed = subString.trim();
  if (trimmed === '' || trimmed === SUB_ALL) {
    return { ok: true, subscription: { subString, all: true, tags: new Set(), codes: new Set() } };
  }
  const tags = new Set<string>();
  for (const part of trimmed.split('||')) {
    const tag = part.trim();
    if (tag !== '') tags.add(tag);
  }
  if (tags.size === 0) {
    return { ok: false, reason: `subscription expression ${JSON.stringify(subString)} names no tag; use "*" or "TagA || TagB"` };
  }
  const codes = new Set<number>();
  for (const tag of tags) codes.add(javaStringHashCode(tag));
  return { ok: true, subscription: { subString, all: false, tags, codes } };
}

/** The consume-queue filter for store.getMessage; undefined for "*" (no filtering at all). */
export function tagsCodeFilter(subscription: Subscription): ((tagsCode: number) => boolean) | undefined {
  if (subscription.all) return undefined;
  const codes = subscription.codes;
  return (tagsCode) => codes.has(tagsCode);
}

/** Whether a message with this consume-queue tag code may match (used to wake held pulls). */
export function matchesTagsCode(subscription: Subscription, tagsCode: number): boolean {
  return subscription.all || subscription.codes.has(tagsCode);
}

/**
 * Whether a stored record's exact TAGS is one of the subscribed tags. A record that cannot be
 * decoded is kept: the store served it, and the client decodes (and filters) again anyway.
 */
export function recordMatchesTags(subscription: Subscription, record: Buffer): boolean {
  if (subscription.all) return true;
  let tags: string | undefined;
  try {
    // Only TAGS is read, at once: protocol's shared record, not a decoded copy per record.
    tags = readStoredRecord(record).properties[MessageConst.TAGS];
  } catch {
    return true;
  }
  return tags !== undefined && subscription.tags.has(tags);
}
