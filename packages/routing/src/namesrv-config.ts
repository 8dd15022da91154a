// The nameserver's runtime configuration, as GET_NAMESRV_CONFIG shows it and UPDATE_NAMESRV_CONFIG
// changes it (Java common/Configuration.java over NamesrvConfig and NettyServerConfig). Each key has
// a type, so an update is validated before anything is applied: Java's properties2Object swallows
// a NumberFormatException and leaves the old value without a word; we answer INVALID_PARAMETER with
// the key and what it expects, and apply nothing of that update (all or nothing).
import { ResponseCode } from '@pulsejet/protocol';
import { PropertiesTextError, parsePropertiesText, type PropertyEntry } from './properties-text';

export type NamesrvConfigValue = string | number | boolean;

export type NamesrvConfigType =
  | { kind: 'boolean' }
  /** A decimal integer in min..max; `unit` is said in error messages. */
  | { kind: 'integer'; min: number; max: number; unit?: string }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'string' };

export interface NamesrvConfigItem {
  /** The property name, as in RocketMQ's NamesrvConfig/NettyServerConfig where it has one. */
  key: string;
  type: NamesrvConfigType;
  /** The value in force; undefined leaves the key out of GET (Java skips null fields). */
  get(): NamesrvConfigValue | undefined;
  /** Applies a validated value at once. Absent: the key changes only at a restart and UPDATE refuses it. */
  set?(value: NamesrvConfigValue): void;
}

/** Keys never updatable by command (Java 4.9.8 DefaultRequestProcessor's fixed black list). */
export const ALWAYS_BLACK_LISTED_CONFIG_KEYS: readonly string[] = ['configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome'];

/** The largest body UPDATE_NAMESRV_CONFIG reads: a config is a few dozen short lines. */
export const MAX_CONFIG_UPDATE_BODY_BYTES = 64 * 1024;
/** The largest string value accepted; paths and addresses are far shorter. */
export const MAX_CONFIG_STRING_LENGTH = 4096;

/** An update refused: `responseCode` and a message that names the key and says what to send. */
export class ConfigUpdateError extends Error {
  override readonly name = 'ConfigUpdateError';
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConfigUpdatePlan {
  /** Validated changes, in body order, applied by {@link NamesrvConfiguration.apply}. */
  changes: { item: NamesrvConfigItem; value: NamesrvConfigValue; text: string }[];
  /** Keys no item knows, ignored. */
  ignored: string[];
}

// A config key is an identifier (Java field names; dotted for system properties). Anything else
// means the body is not properties text at all (JSON, a log line), not a key from a newer version.
const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export class NamesrvConfiguration {
  private readonly items = new Map<string, NamesrvConfigItem>();
  private readonly blackList: ReadonlySet<string>;

  constructor(items: readonly NamesrvConfigItem[], blackList: readonly string[]) {
    for (const item of items) {
      if (this.items.has(item.key)) throw new RangeError(`namesrv config key ${item.key} is declared twice`);
      this.items.set(item.key, item);
    }
    this.blackList = new Set(blackList);
  }

  /** Every key with a value, sorted, as text. */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (const key of [...this.items.keys()].sort()) {
      const value = this.items.get(key)!.get();
      if (value !== undefined) out.push([key, String(value)]);
    }
    return out;
  }

  /**
   * Reads and validates an UPDATE_NAMESRV_CONFIG body without changing anything. Throws
   * ConfigUpdateError: INVALID_PARAMETER for a body that is not properties text or a bad value,
   * NO_PERMISSION for a black-listed or restart-only key.
   */
  plan(body: Buffer | undefined): ConfigUpdatePlan {
    const properties = lastWins(readBody(body));
    const changes: ConfigUpdatePlan['changes'] = [];
    const ignored: string[] = [];
    // Java checks the black list before anything else, so a body naming one applies nothing.
    for (const { key } of properties) {
      if (this.blackList.has(key)) {
        throw new ConfigUpdateError(ResponseCode.NO_PERMISSION, `Can not update config in black list: ${key} changes only in the config file, with a restart`);
      }
    }
    for (const { key, value, line } of properties) {
      const item = this.items.get(key);
      if (!item) {
        // Java ignores keys it does not know (Configuration.mergeIfExist), so an admin tool of a newer
        // or older version, or one sending a broker's keys, still gets the ones we know applied.
        ignored.push(key);
        continue;
      }
      if (!item.set) {
        throw new ConfigUpdateError(ResponseCode.NO_PERMISSION, `${key} cannot change at runtime (line ${line}); change it in the config file and restart the nameserver`);
      }
      changes.push({ item, value: parseValue(item, value), text: value.trim() });
    }
    return { changes, ignored };
  }

  /** Applies a plan's changes; returns them as text, key by key. */
  apply(plan: ConfigUpdatePlan): Record<string, string> {
    const applied: Record<string, string> = {};
    for (const { item, value } of plan.changes) {
      item.set!(value);
      applied[item.key] = String(value);
    }
    return applied;
  }
}

function readBody(body: Buffer | undefined): PropertyEntry[] {
  if (body === undefined || body.length === 0) return [];
  if (body.length > MAX_CONFIG_UPDATE_BODY_BYTES) {
    throw invalid(`the body is ${body.length} bytes; send at most ${MAX_CONFIG_UPDATE_BODY_BYTES} bytes of key=value lines (properties text)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalid('the body is not UTF-8 text; send key=value lines (properties text)');
  }
  const control = firstControlCharacter(text);
  if (control !== undefined) {
    const line = text.slice(0, control).split('\n').length;
    throw invalid(`the body has control character 0x${text.charCodeAt(control).toString(16).padStart(2, '0')} on line ${line}; send key=value lines (properties text)`);
  }
  let entries: PropertyEntry[];
  try {
    entries = parsePropertiesText(text);
  } catch (error) {
    if (error instanceof PropertiesTextError) throw invalid(`the body is not properties text: ${error.message}`);
    throw error;
  }
  for (const { key, line } of entries) {
    if (!KEY_NAME.test(key)) throw invalid(`line ${line} starts with ${quote(key)}, which is not a config key; send key=value lines (properties text)`);
  }
  return entries;
}

// Control characters other than the line breaks and blanks properties text uses (\t \n \f \r).
function firstControlCharacter(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0x7f) return i;
  }
  return undefined;
}

function parseValue(item: NamesrvConfigItem, raw: string): NamesrvConfigValue {
  const { key, type } = item;
  // Properties keep trailing blanks in a value; a typed value never means them.
  const value = raw.trim();
  switch (type.kind) {
    case 'boolean':
      if (value === 'true') return true;
      if (value === 'false') return false;
      throw invalid(`${key} is ${quote(raw)}; it must be true or false`);
    case 'integer': {
      const range = `an integer in ${type.min}..${type.max}${type.unit ? ` (${type.unit})` : ''}`;
      if (!/^-?\d{1,16}$/.test(value)) throw invalid(`${key} is ${quote(raw)}; it must be ${range}`);
      const n = Number(value);
      if (n < type.min || n > type.max) throw invalid(`${key} is ${quote(raw)}; it must be ${range}`);
      return n;
    }
    case 'enum':
      if (!type.values.includes(value)) throw invalid(`${key} is ${quote(raw)}; it must be one of ${type.values.join(', ')}`);
      return value;
    case 'string':
      if (raw.length > MAX_CONFIG_STRING_LENGTH) throw invalid(`${key} is ${raw.length} characters long; it must be at most ${MAX_CONFIG_STRING_LENGTH}`);
      return raw;
  }
}

function lastWins(entries: PropertyEntry[]): PropertyEntry[] {
  const byKey = new Map<string, PropertyEntry>();
  for (const entry of entries) {
    byKey.delete(entry.key);
    byKey.set(entry.key, entry);
  }
  return [...byKey.values()];
}

function invalid(message: string): ConfigUpdateError {
  return new ConfigUpdateError(ResponseCode.INVALID_PARAMETER, message);
}

/** A value for an error message: JSON-quoted and cut to 64 characters, so a huge value stays out of the remark. */
function quote(value: string): string {
  return value.length > 64 ? `${JSON.stringify(value.slice(0, 64))}... (${value.length} characters)` : JSON.stringify(value);
}
