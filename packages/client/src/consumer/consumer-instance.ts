// The ClientInstance a consumer uses: a shared one (not closed by the consumer) or its own.
import { ClientInstance } from '../instance/client-instance';
import type { ResolvedPushConsumerOptions } from './push-consumer-options';

export function consumerInstance(options: Pick<ResolvedPushConsumerOptions, 'instance'>): { client: ClientInstance; owned: boolean } {
  const { instance } = options;
  if ('shared' in instance) return { client: instance.shared, owned: false };
  return { client: new ClientInstance(instance.options), owned: true };
}
