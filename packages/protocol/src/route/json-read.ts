// Small readers for JSON bodies written by Java (fastjson) or by us. Every reader names the path of
// a bad field, so a remark tells the sender exactly what to fix. Unknown fields are ignored: 5.x
// adds fields (topicQueueMappingInfoMap, zoneName, ...) that 4.x readers must skip.
import { BodyError } from './body-error';

export type JsonObject = Record<string, unknown>;

/** A record with no prototype: topic names such as "__proto__" are valid and must stay plain keys. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Parses a UTF-8 JSON object; `what` names the body in errors ("REGISTER_BROKER body"). */
export function parseJsonObject(body: Uint8Array | undefined, what: string): JsonObject {
  if (body === undefined || body.length === 0) throw new BodyError(`${what} is missing; send a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'));
  } catch (error) {
    throw new BodyError(`${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return asObject(value, what);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BodyError(`${path} must be a JSON object`);
  return value as JsonObject;
}

export function readString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new BodyError(`${path}.${key} must be a string`);
  return value;
}

export function readOptionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BodyError(`${path}.${key} must be a string when present`);
  return value;
}

/** An integer field (Java int or long, within ±2^53); `fallback` when absent or null. */
export function readInteger(obj: JsonObject, key: string, path: string, fallback?: number): number {
  const value = obj[key];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new BodyError(`${path}.${key} must be an integer`);
  return value;
}

export function readBoolean(obj: JsonObject, key: string, path: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new BodyError(`${path}.${key} must be true or false`);
  return value;
}

/** An array field; absent or null reads as []. */
export function readArray(obj: JsonObject, key: string, path: string): unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BodyError(`${path}.${key} must be an array`);
  return value;
}

export function readStringArray(obj: JsonObject, key: string, path: string): string[] {
  return readArray(obj, key, path).map((item, i) => {
    if (typeof item !== 'string') throw new BodyError(`${path}.${key}[${i}] must be a string`);
    return item;
  });
}

/** An object used as a map; absent or null reads as {}. Each value goes through `read`. */
export function readMap<T>(obj: JsonObject, key: string, path: string, read: (value: unknown, path: string) => T): Record<string, T> {
  const value = obj[key];
  const out = emptyRecord<T>();
  if (value === undefined || value === null) return out;
  const map = asObject(value, `${path}.${key}`);
  for (const [k, v] of Object.entries(map)) out[k] = read(v, `${path}.${key}[${JSON.stringify(k)}]`);
  return out;
}

export function stringValue(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new BodyError(`${path} must be a string`);
  return value;
}

export function stringArrayValue(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw new BodyError(`${path} must be an array of strings`);
  return value.map((item, i) => stringValue(item, `${path}[${i}]`));
}
