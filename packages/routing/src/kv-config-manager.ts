// Namespaced key/value settings kept by the nameserver (Java namesrv/.../kvconfig/KVConfigManager.java).
// Admin tools write them (PUT/DELETE_KV_CONFIG); the ORDER_TOPIC_CONFIG namespace feeds routes'
// orderTopicConf. Optionally persisted to one JSON file, in Java's KVConfigSerializeWrapper shape:
//   { "configTable": { "<namespace>": { "<key>": "<value>" } } }
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RoutingError, RoutingErrorCode } from './errors';
import { silentRoutingLog, type RoutingLog } from './log';

export interface KvConfigManagerOptions {
  /** JSON file the table is loaded from and saved to after every change. @default in memory only */
  kvConfigPath?: string;
  /** @default silent */
  log?: RoutingLog;
}

export class KvConfigManager {
  private readonly table = new Map<string, Map<string, string>>();
  private readonly path: string | undefined;
  private readonly log: RoutingLog;
  // Saves run one after another, so the file always ends with the latest table.
  private saving: Promise<void> = Promise.resolve();

  constructor(options: KvConfigManagerOptions = {}) {
    this.path = options.kvConfigPath;
    this.log = options.log ?? silentRoutingLog;
  }

  /** Reads the file, if configured and present. Throws KV_CONFIG_CORRUPT when it is not valid. */
  async load(): Promise<void> {
    if (this.path === undefined) return;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const parsed = parseKvFile(text, this.path);
    this.table.clear();
    for (const [namespace, entries] of parsed) this.table.set(namespace, entries);
    this.log('info', `loaded KV config from ${this.path}: ${parsed.size} namespace(s)`);
  }

  /** Sets a value; resolves once saved (when persisted). */
  put(namespace: string, key: string, value: string): Promise<void> {
    let entries = this.table.get(namespace);
    if (!entries) this.table.set(namespace, (entries = new Map()));
    entries.set(key, value);
    this.log('info', `KV config put: ${namespace} ${key}=${value}`);
    return this.save();
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  /** Removes a value (absent is fine, as in Java); resolves once saved. */
  delete(namespace: string, key: string): Promise<void> {
    const entries = this.table.get(namespace);
    if (!entries?.delete(key)) return this.saving;
    // Java keeps an emptied namespace, so GET_KVLIST_BY_NAMESPACE then answers an empty table.
    this.log('info', `KV config deleted: ${namespace} ${key}`);
    return this.save();
  }

  /** The namespace's entries, or undefined when the namespace was never written. */
  list(namespace: string): Record<string, string> | undefined {
    const entries = this.table.get(namespace);
    if (!entries) return undefined;
    const out = Object.create(null) as Record<string, string>;
    for (const [k, v] of entries) out[k] = v;
    return out;
  }

  /** Waits for saves in progress. */
  flush(): Promise<void> {
    return this.saving;
  }

  private save(): Promise<void> {
    const path = this.path;
    if (path === undefined) return Promise.resolve();
    const next = this.saving.then(async () => {
      const configTable: Record<string, Record<string, string>> = {};
      for (const namespace of [...this.table.keys()].sort()) configTable[namespace] = this.list(namespace)!;
      // Write then rename: a crash mid-write leaves the previous file, never half of one.
      const tmp = `${path}.tmp`;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, JSON.stringify({ configTable }, null, 2));
      await rename(tmp, path);
    });
    // A failed save must not poison later ones; the caller of this save still sees the error.
    this.saving = next.catch((error: unknown) => {
      this.log('error', `saving KV config to ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return next;
  }
}

function parseKvFile(text: string, path: string): Map<string, Map<string, string>> {
  const corrupt = (why: string, cause?: unknown): RoutingError =>
    new RoutingError(RoutingErrorCode.KV_CONFIG_CORRUPT, `KV config file ${path} ${why}; fix or remove it`, cause === undefined ? {} : { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt('is not valid JSON', error);
  }
  const configTable = isObject(parsed) ? parsed['configTable'] : undefined;
  if (!isObject(configTable)) throw corrupt('has no "configTable" object');
  const out = new Map<string, Map<string, string>>();
  for (const [namespace, entries] of Object.entries(configTable)) {
    if (!isObject(entries)) throw corrupt(`has a namespace "${namespace}" that is not an object`);
    const map = new Map<string, string>();
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value !== 'string') throw corrupt(`has a non-string value at ${namespace}.${key}`);
      map.set(key, value);
    }
    out.set(namespace, map);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
