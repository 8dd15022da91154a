import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');

/** `npm run demo:store` runs this demo; it must work twice on the same data directory. */
describe('store demo (npm run demo:store)', () => {
  it('writes, reads back and survives a second run', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulsejet-demo-'));
    try {
      const env = { ...process.env, PULSEJET_DATA_DIR: dataDir };
      const args = ['--import', 'tsx', path.join(__dirname, 'main.ts')];
      const first = await run(process.execPath, args, { cwd: root, env });
      expect(first.stdout).toMatch(/messages already in DemoTopic: 0/);
      expect(first.stdout).toMatch(/read back 20000 messages/);
      const second = await run(process.execPath, args, { cwd: root, env });
      expect(second.stdout).toMatch(/clean start/);
      expect(second.stdout).toMatch(/messages already in DemoTopic: 20000/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
