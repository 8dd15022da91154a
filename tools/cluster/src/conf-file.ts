// Reads the few keys the launcher needs from a broker.conf and writes a copy with some keys replaced
// (ports, nameserver, store directory), keeping comments and every other line as they are.

/** key=value pairs of a .properties text (no continuation lines: broker.conf files do not use them). */
export function readConfKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at <= 0) continue;
    keys.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return keys;
}

/** The text with each key in `overrides` set to its value (replaced in place, or appended). */
export function overrideConf(text: string, overrides: Readonly<Record<string, string>>): string {
  const pending = new Map(Object.entries(overrides));
  const lines = text.split(/\r?\n/).map((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return raw;
    const at = line.search(/[=:]/);
    const key = at > 0 ? line.slice(0, at).trim() : '';
    const value = pending.get(key);
    if (value === undefined) return raw;
    pending.delete(key);
    return `${key}=${value}`;
  });
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (pending.size > 0) lines.push('# set by tools/cluster');
  for (const [key, value] of pending) lines.push(`${key}=${value}`);
  return `${lines.join('\n')}\n`;
}
