// Saves keys changed by UPDATE_NAMESRV_CONFIG into the -c config file, so a restart keeps them.
// Java's Configuration.persist rewrites configStorePath whole from every value it holds (comments
// and layout lost); we change only the lines of the changed keys, append the keys the file lacks,
// and leave everything else (comments, keys this version does not know) as it was.
import { realpath, rename, readFile, writeFile } from 'node:fs/promises';
import { isJsonConfigFile } from './config';

/** The new text of a config file with `changes` applied; pure, so it is tested without files. */
export function updateConfigFileText(text: string, path: string, changes: Readonly<Record<string, string>>): string {
  return isJsonConfigFile(text, path) ? updateJson(text, path, changes) : updateProperties(text, changes);
}

/** Applies `changes` to the file at `path` (write to a temporary file, then rename: never half a file). */
export async function saveConfigChanges(path: string, changes: Readonly<Record<string, string>>): Promise<void> {
  // Through a symlink to the real file, so the rename replaces the file and not the link.
  const target = await realpath(path);
  const text = await readFile(target, 'utf8');
  const tmp = `${target}.tmp`;
  await writeFile(tmp, updateConfigFileText(text, target, changes));
  await rename(tmp, target);
}

function updateJson(text: string, path: string, changes: Readonly<Record<string, string>>): string {
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`config file ${path} no longer holds a JSON object`);
  const object = parsed as Record<string, unknown>;
  // Typed as the loader reads them back: numbers and booleans as JSON numbers and booleans.
  for (const [key, value] of Object.entries(changes)) object[key] = /^-?\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
  return `${JSON.stringify(object, null, 2)}\n`;
}

function updateProperties(text: string, changes: Readonly<Record<string, string>>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const pending = new Map(Object.entries(changes));
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let logical = lines[i]!.trim();
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) {
      out.push(lines[i]!);
      continue;
    }
    // The same continuation rule as the loader (app-support parseProperties): a trailing backslash.
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = logical.slice(0, -1) + lines[++i]!.trim();
    const key = /^([^=:\s]+)/.exec(logical)?.[1];
    if (key !== undefined && pending.has(key)) {
      // Every occurrence gets the new value: the loader keeps the last one.
      out.push(`${key}=${pending.get(key)!}`);
      seen.add(key);
    } else {
      out.push(...lines.slice(first, i + 1));
    }
  }
  const missing = [...pending].filter(([key]) => !seen.has(key)).map(([key, value]) => `${key}=${value}`);
  if (missing.length > 0) {
    // Appended before the file's final newline, so the file still ends with one.
    const endsWithNewline = out.length > 0 && out[out.length - 1] === '';
    if (endsWithNewline) out.pop();
    out.push(...missing, '');
  }
  return out.join(eol);
}
