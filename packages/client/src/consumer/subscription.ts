// Subscriptions on the consumer side: validation with client error codes around @pulsejet/protocol's
// buildSubscriptionData (Java FilterAPI), and the exact tag check the pull loop applies after the
// broker's hash-based filter (two tags can share a String.hashCode, so the broker's answer is a
// superset of what was asked for).
import { SUB_ALL, assertTopicName, buildSubscriptionData, type SubscriptionData } from '@pulsejet/protocol';
import { ClientError, ClientErrorCode } from '../errors';

export { SUB_ALL };
export type ConsumerSubscription = SubscriptionData;

/**
 * Builds the subscription of `topic` to `expression` ("*" or "TagA || TagB"). Throws ClientError
 * INVALID_ARGUMENT for an invalid topic or an expression that names no tag.
 */
export function buildSubscription(topic: string, expression: string = SUB_ALL, subVersion = Date.now()): ConsumerSubscription {
  try {
    assertTopicName(topic);
  } catch (cause) {
    throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `invalid topic ${JSON.stringify(topic)}: ${(cause as Error).message}`, { cause });
  }
  if (typeof expression !== 'string') {
    throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `the tag expression of ${topic} must be a string such as "*" or "TagA || TagB"`);
  }
  try {
    return buildSubscriptionData(topic, expression, subVersion);
  } catch (cause) {
    throw new ClientError(ClientErrorCode.INVALID_ARGUMENT, `invalid tag expression for ${topic}: ${(cause as Error).message}`, { cause });
  }
}

/** Whether a message with these TAGS passes the subscription (exact tag match; "*" takes all). */
export function matchesTags(subscription: Pick<ConsumerSubscription, 'tagsSet'>, tags: string | undefined): boolean {
  if (subscription.tagsSet.length === 0) return true;
  return tags !== undefined && subscription.tagsSet.includes(tags);
}
