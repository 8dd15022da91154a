import { assertPositiveInteger } from './validate';

export interface MetadataStoreOptions {
  /**
   * How often dirty consumer/delay offsets are written, ms.
   * @default 5000 (RocketMQ flushConsumerOffsetInterval)
   */
  offsetFlushIntervalMs?: number;
  /**
   * Told when a periodic offset flush fails. The offsets stay dirty and the next flush retries them;
   * an explicit flush() or close() rejects with the error instead.
   * @default undefined (the failure is retried silently)
   */
  onFlushError?: (error: unknown) => void;
}

export const DEFAULT_OFFSET_FLUSH_INTERVAL_MS = 5000;

export interface ResolvedMetadataStoreOptions {
  offsetFlushIntervalMs: number;
  onFlushError: ((error: unknown) => void) | undefined;
}

export function resolveMetadataStoreOptions(options: MetadataStoreOptions = {}): ResolvedMetadataStoreOptions {
  const offsetFlushIntervalMs = options.offsetFlushIntervalMs ?? DEFAULT_OFFSET_FLUSH_INTERVAL_MS;
  assertPositiveInteger('MetadataStore', 'options.offsetFlushIntervalMs', offsetFlushIntervalMs);
  return { offsetFlushIntervalMs, onFlushError: options.onFlushError };
}
