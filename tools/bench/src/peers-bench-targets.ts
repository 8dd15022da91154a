// Every system the peers benchmark knows, in column order: Pulsejet's configurations, then the peers.
import type { PeersBenchConfig } from './peers-bench-config';
import { NATS_DEBIAN_PACKAGE, NATS_EXECUTABLE, natsTarget } from './peers-bench-nats';
import { pulsejetPairTarget, pulsejetTarget } from './peers-bench-pulsejet';
import { rabbitmqTarget } from './peers-bench-rabbitmq';
import { RABBITMQ_DEBIAN_PACKAGE, RABBITMQ_EXECUTABLE } from './peers-bench-rabbitmq-server';
import { REDIS_DEBIAN_PACKAGE, REDIS_EXECUTABLE, redisTarget } from './peers-bench-redis';
import type { TargetSpec } from './peers-bench-types';

/** The Debian packages the peers need (installed by the CLI when missing). */
export const PEER_PACKAGES = [
  { executable: REDIS_EXECUTABLE, debianPackage: REDIS_DEBIAN_PACKAGE },
  { executable: NATS_EXECUTABLE, debianPackage: NATS_DEBIAN_PACKAGE },
  { executable: RABBITMQ_EXECUTABLE, debianPackage: RABBITMQ_DEBIAN_PACKAGE },
] as const;

export function allTargets(config: PeersBenchConfig): TargetSpec[] {
  const pulsejet = { queues: config.queues, segmentBytes: config.segmentBytes, pullBatch: config.pullBatch };
  return [
    pulsejetTarget('embedded', 'ASYNC_FLUSH', pulsejet),
    pulsejetTarget('tcp', 'ASYNC_FLUSH', pulsejet),
    pulsejetTarget('tcp', 'SYNC_FLUSH', pulsejet),
    pulsejetPairTarget(pulsejet),
    redisTarget('everysec'),
    redisTarget('always'),
    natsTarget(),
    rabbitmqTarget('classic'),
    rabbitmqTarget('quorum'),
  ];
}

/** The targets `config.only` selects (all when undefined); an unknown id is an error that lists the known ones. */
export function selectTargets(config: PeersBenchConfig): TargetSpec[] {
  const all = allTargets(config);
  if (config.only === undefined) return all;
  const unknown = config.only.filter((id) => !all.some((t) => t.id === id));
  if (unknown.length > 0) throw new Error(`unknown system ${unknown.join(', ')}; known: ${all.map((t) => t.id).join(', ')}`);
  return all.filter((t) => config.only!.includes(t.id));
}
