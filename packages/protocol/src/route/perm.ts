// Queue permission bits of a topic (Java PermName; ali-ons lib/protocol/perm_name.js).
export const PermName = {
  PRIORITY: 8,
  READ: 4,
  WRITE: 2,
  INHERIT: 1,
} as const;

export function isReadable(perm: number): boolean {
  return (perm & PermName.READ) !== 0;
}

export function isWriteable(perm: number): boolean {
  return (perm & PermName.WRITE) !== 0;
}
