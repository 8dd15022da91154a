import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingError } from './errors';
import { KvConfigManager } from './kv-config-manager';

describe('KvConfigManager', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulsejet-kv-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps values per namespace', async () => {
    const kv = new KvConfigManager();
    await kv.put('NS', 'a', '1');
    await kv.put('NS', 'b', '2');
    await kv.put('Other', 'a', 'x');
    expect(kv.get('NS', 'a')).toBe('1');
    expect(kv.get('Other', 'a')).toBe('x');
    expect(kv.get('NS', 'missing')).toBeUndefined();
    expect(kv.list('NS')).toEqual({ a: '1', b: '2' });
    expect(kv.list('never')).toBeUndefined();
    await kv.delete('NS', 'a');
    await kv.delete('NS', 'absent');
    expect(kv.list('NS')).toEqual({ b: '2' });
    await kv.delete('NS', 'b');
    // Java keeps an emptied namespace.
    expect(kv.list('NS')).toEqual({});
  });

  it('persists to the file in Java KVConfigSerializeWrapper form and loads it back', async () => {
    const path = join(dir, 'sub', 'kvConfig.json');
    const kv = new KvConfigManager({ kvConfigPath: path });
    await kv.load();
    await Promise.all([kv.put('ORDER_TOPIC_CONFIG', 'T', 'broker-a:4'), kv.put('NS', 'k', 'v'), kv.delete('NS', 'none')]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ configTable: { NS: { k: 'v' }, ORDER_TOPIC_CONFIG: { T: 'broker-a:4' } } });
    const again = new KvConfigManager({ kvConfigPath: path });
    await again.load();
    expect(again.get('ORDER_TOPIC_CONFIG', 'T')).toBe('broker-a:4');
  });

  it('rejects a corrupt file with KV_CONFIG_CORRUPT', async () => {
    const path = join(dir, 'kv.json');
    for (const text of ['{not json', '{"configTable":[]}', '{"configTable":{"NS":{"k":1}}}', '{"configTable":{"NS":"x"}}']) {
      await writeFile(path, text);
      const error = await new KvConfigManager({ kvConfigPath: path }).load().catch((e: unknown) => e);
      expect(RoutingError.is(error) && error.code).toBe('KV_CONFIG_CORRUPT');
    }
  });

  it('reports a failed save to the caller and keeps saving later changes', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, '');
    // A path under a regular file can't be created.
    const kv = new KvConfigManager({ kvConfigPath: join(blocker, 'kv.json') });
    await expect(kv.put('NS', 'k', 'v')).rejects.toThrow();
    expect(kv.get('NS', 'k')).toBe('v');
    await expect(kv.flush()).resolves.toBeUndefined();
  });
});
