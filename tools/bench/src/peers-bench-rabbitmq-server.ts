// A RabbitMQ node owned by this run. Starting RabbitMQ the usual way also starts epmd (Erlang's
// port mapper) as a shared daemon that detaches and outlives the broker; instead this run starts its
// own epmd in the foreground on a free port of 127.0.0.1 and points the node at it (ERL_EPMD_PORT,
// with -start_epmd false so the VM never spawns a daemon of its own), then runs the broker's start
// script in the foreground with every path (data, logs, config, plugins, the Erlang cookie via HOME)
// in the temp dir. Both are stopped by pid (see peers-bench-server.ts), the broker first.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { connect } from 'amqplib';
import { freePort } from './broker-bench-child';
import { findExecutable, startServer, stopServer } from './peers-bench-server';
import type { ServerChild } from './peers-bench-server';

export const RABBITMQ_EXECUTABLE = 'rabbitmq-server';
export const RABBITMQ_DEBIAN_PACKAGE = 'rabbitmq-server';
export const EPMD_EXECUTABLE = 'epmd';

/**
 * Debian's /usr/sbin/rabbitmq-server is a wrapper that re-runs the script as the rabbitmq user
 * (through su) with the system's directories; the script itself lives here and runs as anyone.
 */
const DEBIAN_SCRIPT = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** The broker's start script, or undefined when RabbitMQ is not installed. */
export function rabbitmqScript(): string | undefined {
  if (fs.existsSync(DEBIAN_SCRIPT)) return DEBIAN_SCRIPT;
  return findExecutable(RABBITMQ_EXECUTABLE);
}

/** Why RabbitMQ cannot run here, or undefined when it can. */
export function rabbitmqUnavailable(): string | undefined {
  if (rabbitmqScript() === undefined) return `${RABBITMQ_EXECUTABLE} is not installed (Debian package ${RABBITMQ_DEBIAN_PACKAGE})`;
  if (findExecutable(EPMD_EXECUTABLE) === undefined) return `${EPMD_EXECUTABLE} is not installed (Debian package erlang-base, a dependency of ${RABBITMQ_DEBIAN_PACKAGE})`;
  return undefined;
}

/** Boot takes 5-15 s on a quiet machine; a loaded one can take several times that. */
const BOOT_TIMEOUT_MS = 120_000;
const EPMD_TIMEOUT_MS = 20_000;

export interface RabbitmqNode {
  /** AMQP port on 127.0.0.1 (user guest, password guest: allowed from loopback only). */
  port: number;
  /** The start script's, the Erlang VM's (the script's child) and epmd's pids: the CPU they use is not noise. */
  pids: number[];
  stop(): Promise<void>;
}

let nodes = 0;

export async function startRabbitmq(dir: string): Promise<RabbitmqNode> {
  const script = rabbitmqScript();
  const epmdExecutable = findExecutable(EPMD_EXECUTABLE);
  if (!script || !epmdExecutable) throw new Error(`${rabbitmqUnavailable() ?? 'RabbitMQ is not installed'}: apt-get install -y ${RABBITMQ_DEBIAN_PACKAGE}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const epmdPort = await freePort();
  const port = await freePortBesides([epmdPort]);
  const distPort = await freePortBesides([epmdPort, port]);
  const epmd = await startServer('epmd', epmdExecutable, ['-port', String(epmdPort)], () => canConnect(epmdPort), EPMD_TIMEOUT_MS, {
    env: { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' },
    cwd: dir,
  });
  let broker: ServerChild;
  try {
    broker = await startServer('rabbitmq-server', script, [], () => amqpReady(port), BOOT_TIMEOUT_MS, { env: brokerEnv(dir, epmdPort, port, distPort), cwd: dir });
  } catch (error) {
    await stopServer(epmd);
    throw error;
  }
  return {
    port,
    pids: [broker.pid, ...broker.descendants.filter((d) => d.parent === broker.pid).map((d) => d.pid), epmd.pid],
    async stop() {
      await stopServer(broker);
      await stopServer(epmd);
    },
  };
}

function brokerEnv(dir: string, epmdPort: number, port: number, distPort: number): NodeJS.ProcessEnv {
  const config = path.join(dir, 'rabbitmq.conf');
  // log.file.level warning: the log stays small; the console (our pipe) gets only the banner.
  fs.writeFileSync(config, ['log.console = false', 'log.file.level = warning', ''].join('\n'));
  const plugins = path.join(dir, 'enabled_plugins');
  fs.writeFileSync(plugins, '[].\n');
  nodes += 1;
  return {
    ...process.env,
    HOME: dir,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_CRASH_DUMP: path.join(dir, 'erl_crash.dump'),
    RABBITMQ_NODENAME: `rabbit-pulsejet-bench-${process.pid}-${nodes}@localhost`,
    RABBITMQ_USE_LONGNAME: 'false',
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    // No such file: the system's /etc/rabbitmq/rabbitmq-env.conf is not read.
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-start_epmd false',
  };
}

/** A free port other than `taken` (picked but not bound yet, so the OS may hand them out again). */
async function freePortBesides(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.includes(port)) return port;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The AMQP listener opens last in the boot, once queues and plugins are up. */
async function amqpReady(port: number): Promise<boolean> {
  if (!(await canConnect(port))) return false;
  const probe = await connect({ hostname: '127.0.0.1', port, username: 'guest', password: 'guest' });
  await probe.close();
  return true;
}
