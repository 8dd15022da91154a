// A slave broker's HA half in its own process, for the kill -9 test: opens (and recovers) the store
// in <dir>, follows the master at <address>, and prints its end offset as JSON lines. SIGTERM closes
// it cleanly; SIGKILL is the point. Run: node --import tsx slave-child.ts <dir> <address> <store JSON>.
import { MessageStore, type MessageStoreOptions } from '@pulsejet/core';
import { HASlaveClient } from '../src/index';

async function main(): Promise<void> {
  const [dir, address, rawOptions] = process.argv.slice(2);
  if (!dir || !address || !rawOptions) throw new Error('usage: slave-child.ts <store dir> <master address> <store options JSON>');
  const store = await MessageStore.open({ ...(JSON.parse(rawOptions) as MessageStoreOptions), storePathRootDir: dir });
  const emit = (kind: string): void => void process.stdout.write(`${JSON.stringify({ kind, offset: store.maxPhysicalOffset() })}\n`);
  emit('ready');
  const slave = new HASlaveClient({ store, masterAddress: address, reconnectMinMs: 50, reconnectMaxMs: 200, log: (level, message) => process.stderr.write(`[ha ${level}] ${message}\n`) });
  slave.on('refused', (error) => process.stdout.write(`${JSON.stringify({ kind: 'refused', code: error.code })}\n`));
  slave.start();
  const timer = setInterval(() => emit('at'), 50);
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void slave
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`slave child failed: ${String(error)}\n`);
  process.exit(1);
});
