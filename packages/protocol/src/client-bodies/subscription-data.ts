// Tag expressions to SubscriptionData (Java FilterAPI.buildSubscriptionData): '*' (or empty) takes
// every tag; otherwise the expression is tags joined by '||', each trimmed, with the Java
// String.hashCode of each in codeSet (the broker compares those with the consume queue's tag hash).
// Used by @pulsejet/client's consumers; the broker reads the same shape from heartbeats.
import { ProtocolError, ProtocolErrorCode } from '../errors';
import { javaStringHashCode } from '../tags-hash';
import { EXPRESSION_TYPE_TAG, SUB_ALL, type SubscriptionData } from './heartbeat-data';

/** The trimmed, de-duplicated tags of an expression; [] for '*' or an empty expression (every tag). */
export function parseTagExpression(expression: string): string[] {
  const trimmed = expression.trim();
  if (trimmed === '' || trimmed === SUB_ALL) return [];
  const tags: string[] = [];
  for (const part of trimmed.split('||')) {
    const tag = part.trim();
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  if (tags.length === 0) {
    throw new ProtocolError(ProtocolErrorCode.INVALID_EXPRESSION, `tag expression '${expression}' names no tag; use '*' for every tag or 'TagA || TagB'`);
  }
  for (const tag of tags) {
    if (tag === SUB_ALL) {
      throw new ProtocolError(ProtocolErrorCode.INVALID_EXPRESSION, `tag expression '${expression}' mixes '*' with tags; use '*' alone or list the tags`);
    }
  }
  return tags;
}

/**
 * The SubscriptionData of `topic` with a TAG expression. `subVersion` defaults to Date.now(), as
 * Java does. Throws ProtocolError INVALID_EXPRESSION for an expression with no tag ('||').
 */
export function buildSubscriptionData(topic: string, expression = SUB_ALL, subVersion: number = Date.now()): SubscriptionData {
  const tagsSet = parseTagExpression(expression);
  return {
    topic,
    subString: tagsSet.length === 0 ? SUB_ALL : expression,
    tagsSet,
    codeSet: tagsSet.map(javaStringHashCode),
    subVersion,
    expressionType: EXPRESSION_TYPE_TAG,
    classFilterMode: false,
  };
}
