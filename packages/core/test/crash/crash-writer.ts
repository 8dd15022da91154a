// The child of the crash test: opens the store (recovering whatever the last SIGKILL left), then
// appends with SYNC_FLUSH from many concurrent writers until it is killed. Every PUT_OK is printed
// as one JSON line AFTER the put resolved, so the parent's set of acknowledged messages is a subset
// of what the store promised to keep. Run: node --import tsx crash-writer.ts <dir> <config JSON>.
import { randomBytes, randomInt } from 'node:crypto';
import { MessageStore, type PutMessageInput } from '../../src/index';
import { SHA_PROPERTY, sha256Hex, type WriterConfig, type WriterLine } from './crash-protocol';

/** Body sizes: mostly small, some medium, a few large enough to roll a 256 KiB segment every few puts. */
function bodySize(maxMessageSize: number): number {
  const roll = Math.random();
  if (roll < 0.85) return randomInt(1, 2048);
  if (roll < 0.97) return randomInt(4 * 1024, 16 * 1024);
  // Leave room under maxMessageSize for properties and the record's fixed fields.
  return randomInt(24 * 1024, Math.max(24 * 1024 + 1, maxMessageSize - 4 * 1024));
}

function emit(line: WriterLine): void {
  // Pipes are asynchronous on POSIX: lines still buffered at the kill are lost, which only makes
  // the parent's acknowledged set smaller, never wrong.
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const [dir, rawConfig] = process.argv.slice(2);
  if (!dir || !rawConfig) throw new Error('usage: crash-writer.ts <store dir> <config JSON>');
  const config = JSON.parse(rawConfig) as WriterConfig;
  const maxMessageSize = config.store.maxMessageSize ?? 64 * 1024;

  emit({ kind: 'opening', pid: process.pid });
  const store = await MessageStore.open({
    ...config.store,
    storePathRootDir: dir,
    log: (level, message) => process.stderr.write(`[store ${level}] ${message}\n`),
  });
  const queues = config.topics.flatMap((topic) => store.queueIdsOf(topic).map((queueId) => ({ topic, queueId, maxOffset: store.getMaxOffsetInQueue(topic, queueId) })));
  emit({ kind: 'ready', recovery: store.recovery, queues });

  let sequence = 0;
  const nextMessage = (topic: string, queueId: number): PutMessageInput => {
    sequence += 1;
    const uniqKey = `${config.runId}-${sequence}`;
    const body = randomBytes(bodySize(maxMessageSize));
    return { topic, queueId, body, properties: { KEYS: uniqKey, UNIQ_KEY: uniqKey, TAGS: `tag${sequence % 4}`, [SHA_PROPERTY]: sha256Hex(body) } };
  };

  const writer = async (): Promise<never> => {
    for (;;) {
      const topic = config.topics[randomInt(config.topics.length)]!;
      const queueId = randomInt(config.queuesPerTopic);
      // One put in ten is a batch: its messages must land contiguously with consecutive queue offsets.
      const count = Math.random() < 0.1 ? randomInt(2, 5) : 1;
      const inputs = Array.from({ length: count }, () => nextMessage(topic, queueId));
      const result = await store.putMessages(inputs);
      if (result.status !== 'PUT_OK') {
        emit({ kind: 'nack', status: result.status, message: result.message });
        continue;
      }
      const stored = result.stored ?? [];
      if (stored.length !== inputs.length) throw new Error(`PUT_OK for ${inputs.length} messages reported ${stored.length} positions`);
      stored.forEach((position, i) => {
        const input = inputs[i]!;
        emit({
          kind: 'ack',
          topic,
          queueId,
          queueOffset: position.queueOffset,
          physicalOffset: position.physicalOffset,
          size: position.size,
          msgId: position.msgId,
          uniqKey: input.properties['UNIQ_KEY']!,
          sha256: input.properties[SHA_PROPERTY]!,
          bodyLength: input.body.length,
        });
      });
    }
  };
  await Promise.all(Array.from({ length: config.inFlight }, () => writer()));
}

main().catch((error: unknown) => {
  // Anything thrown here is a bug in the store or the writer: the parent fails on a non-SIGKILL exit.
  process.stderr.write(`crash-writer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
