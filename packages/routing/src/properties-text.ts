// Java .properties text, as GET/UPDATE_NAMESRV_CONFIG carry it (Java MixAll.properties2String and
// string2Properties, which is java.util.Properties.load): `key=value`, `key: value` or `key value`
// per logical line; `#` and `!` comments; a line ending in an odd number of backslashes continues on
// the next; backslash escapes \t \n \r \f \uXXXX, and \x for any other x.

export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line the entry starts on, for error messages. */
  line: number;
}

export class PropertiesTextError extends Error {
  override readonly name = 'PropertiesTextError';
}

const BLANK = new Set([' ', '\t', '\f']);

/** Entries in text order (a repeated key appears twice; Java keeps the last). Throws PropertiesTextError on a malformed escape. */
export function parsePropertiesText(text: string): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: PropertyEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = stripLeading(lines[i]!);
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) logical = logical.slice(0, -1) + stripLeading(lines[++i]!);
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);
    out.push(parseLogicalLine(logical, start));
  }
  return out;
}

/** `key=value\n` per entry (Java properties2String's shape), escaped so Properties.load reads back the same strings. */
export function formatPropertiesText(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of entries) out += `${escape(key, true)}=${escape(value, false)}\n`;
  return out;
}

function parseLogicalLine(line: string, lineNumber: number): PropertyEntry {
  let pos = 0;
  let key = '';
  while (pos < line.length) {
    const c = line[pos]!;
    if (c === '=' || c === ':' || BLANK.has(c)) break;
    if (c === '\\') {
      const [ch, next] = unescapeAt(line, pos, lineNumber);
      key += ch;
      pos = next;
    } else {
      key += c;
      pos += 1;
    }
  }
  while (pos < line.length && BLANK.has(line[pos]!)) pos += 1;
  if (line[pos] === '=' || line[pos] === ':') pos += 1;
  while (pos < line.length && BLANK.has(line[pos]!)) pos += 1;
  let value = '';
  while (pos < line.length) {
    if (line[pos] === '\\') {
      const [ch, next] = unescapeAt(line, pos, lineNumber);
      value += ch;
      pos = next;
    } else {
      value += line[pos]!;
      pos += 1;
    }
  }
  return { key, value, line: lineNumber };
}

function unescapeAt(line: string, pos: number, lineNumber: number): [string, number] {
  const c = line[pos + 1];
  if (c === undefined) return ['', pos + 1];
  switch (c) {
    case 't':
      return ['\t', pos + 2];
    case 'n':
      return ['\n', pos + 2];
    case 'r':
      return ['\r', pos + 2];
    case 'f':
      return ['\f', pos + 2];
    case 'u': {
      const hex = line.slice(pos + 2, pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesTextError(`line ${lineNumber} has a malformed \\uXXXX escape; write four hex digits after \\u`);
      return [String.fromCharCode(parseInt(hex, 16)), pos + 6];
    }
    default:
      return [c, pos + 2];
  }
}

function stripLeading(line: string): string {
  let i = 0;
  while (i < line.length && BLANK.has(line[i]!)) i += 1;
  return line.slice(i);
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count += 1;
  return count % 2 === 1;
}

function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (isKey && (c === '=' || c === ':' || c === ' ' || c === '#' || c === '!')) out += `\\${c}`;
    else if (!isKey && c === ' ' && i === 0) out += '\\ ';
    else out += c;
  }
  return out;
}
