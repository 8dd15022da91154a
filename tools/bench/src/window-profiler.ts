import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

/**
 * CPU profiles of the measured windows only (`--profile <dir>`): `node --cpu-prof` would also record
 * module loading, store open, the pre-fill wait and directory removal. The files open in Chrome
 * DevTools or in `profile-summary.ts`.
 */
export class WindowProfiler {
  private session: Session | undefined;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  async start(): Promise<void> {
    const session = new Session();
    session.connect();
    this.session = session;
    await post(session, 'Profiler.enable');
    // 100 µs sampling: the put path's functions each take a few µs per message.
    await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
    await post(session, 'Profiler.start');
  }

  /** Stops and writes `<name>.cpuprofile`; returns its path. */
  async stop(name: string): Promise<string> {
    const session = this.session;
    if (!session) throw new Error('WindowProfiler.stop without start');
    this.session = undefined;
    const result = (await post(session, 'Profiler.stop')) as { profile: unknown };
    session.disconnect();
    const file = path.join(this.dir, `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(result.profile));
    return file;
  }
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
