// How the standalone processes end: on SIGTERM or SIGINT, close once and resolve the exit code
// (0 after a clean close, 1 if closing failed). Shared by apps/namesrv and apps/broker.

export interface ShutdownLogger {
  info(message: string): void;
  error(details: { err: unknown }, message: string): void;
}

/** Resolves with the process exit code once a signal arrived and `close` finished. */
export function closeOnSignal(name: string, close: () => Promise<void>, logger: ShutdownLogger): Promise<number> {
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      logger.info(`${signal} received, shutting down`);
      close().then(
        () => {
          logger.info(`${name} shut down`);
          resolve(0);
        },
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

/** Runs an app's main and exits with its code; an unexpected error exits 1 with its stack. */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
