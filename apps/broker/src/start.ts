// `npm start`: the embedded default. Flags: --namesrvPort, --listenPort, --storePathRootDir,
// --logLevel (0 picks free ports; used by tests). Ctrl-C / SIGTERM shut down cleanly, exit 0.
import pino from 'pino';
import { ConfigError } from './config';
import { DEFAULT_EMBEDDED_DATA_DIR, banner, startEmbedded, type EmbeddedOptions } from './embedded';

export const START_USAGE = `usage: npm start -- [--namesrvPort 9876] [--listenPort 10911] [--storePathRootDir ./data] [--logLevel info]`;

export interface StartArgs {
  options: EmbeddedOptions;
  logLevel: string;
  help: boolean;
}

export function parseStartArgs(argv: readonly string[]): StartArgs {
  const args: StartArgs = { options: {}, logLevel: 'info', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      args.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new ConfigError(`${name} needs a value`);
    const port = (): number => {
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new ConfigError(`${name} must be a port 0..65535, got ${JSON.stringify(value)}`);
      return Number(value);
    };
    if (name === '--namesrvPort') args.options.namesrvPort = port();
    else if (name === '--listenPort') args.options.listenPort = port();
    else if (name === '--storePathRootDir') args.options.storePathRootDir = value;
    else if (name === '--logLevel') args.logLevel = value;
    else throw new ConfigError(`unknown argument ${arg}`);
  }
  return args;
}

async function main(): Promise<number> {
  let args: StartArgs;
  try {
    args = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`start: ${error.message}\n${START_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${START_USAGE}\n`);
    return 0;
  }
  const logger = pino({ name: 'pulsejet', level: args.logLevel }, pino.destination({ dest: 1, sync: true }));
  const dataDir = args.options.storePathRootDir ?? DEFAULT_EMBEDDED_DATA_DIR;
  const running = await startEmbedded(args.options, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, `Pulsejet failed to start: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (!running) return 1;
  process.stdout.write(`${banner(running, dataDir)}\n`);
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      logger.info(`${signal} received, shutting down`);
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}

// Run only as the entry point, so tests can import parseStartArgs.
if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
