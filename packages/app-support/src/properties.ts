// The subset of Java .properties that RocketMQ config files use: `key=value`, `key: value` or
// `key value` per line; `#` and `!` comments; blank lines; a trailing backslash continues a line.

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim();
    const match = /^([^=:\s]+)\s*(?:[=:]\s*|\s+|$)(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!.trim();
  }
  return out;
}
