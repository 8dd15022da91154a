// fastjson (MapSortField) writes object fields and map keys in sorted order. We write the same
// order so our bodies are byte-identical to a Java nameserver's and golden tests stay stable.
import { emptyRecord } from './json-read';

/** A copy of `map` with keys in code-unit order (Java TreeMap / fastjson MapSortField). */
export function sortedRecord<T, U = T>(map: Readonly<Record<string, T>>, convert?: (value: T) => U): Record<string, U> {
  const out = emptyRecord<U>();
  for (const key of Object.keys(map).sort()) {
    const value = map[key] as T;
    out[key] = convert ? convert(value) : (value as unknown as U);
  }
  return out;
}

export function toJsonBuffer(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
