// The four cluster modes and their shipped configs (apps/broker/conf/<mode>/, docs/cluster-modes.md).
export const CLUSTER_MODES = ['1m', '2m', '2m-2s-async', '2m-2s-sync'] as const;
export type ClusterMode = (typeof CLUSTER_MODES)[number];

/** Config files of a mode, masters first: a slave learns its master from the nameserver only once the master is registered. */
export const MODE_CONFS: Readonly<Record<ClusterMode, readonly string[]>> = {
  '1m': ['broker-a.conf'],
  '2m': ['broker-a.conf', 'broker-b.conf'],
  '2m-2s-async': ['broker-a.conf', 'broker-b.conf', 'broker-a-s.conf', 'broker-b-s.conf'],
  '2m-2s-sync': ['broker-a.conf', 'broker-b.conf', 'broker-a-s.conf', 'broker-b-s.conf'],
};

export function isClusterMode(value: string): value is ClusterMode {
  return (CLUSTER_MODES as readonly string[]).includes(value);
}
