// Routing reports registrations, expiries and failovers through one function, so an app can route
// it into its own logger (pino in apps/namesrv) without this package depending on one.

export type RoutingLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type RoutingLog = (level: RoutingLogLevel, message: string) => void;

/** Used when no `log` option is given: nothing is printed (a library stays quiet unless asked). */
export const silentRoutingLog: RoutingLog = () => undefined;
