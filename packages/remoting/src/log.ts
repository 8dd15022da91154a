// Transports report what they drop or close (bad frames, idle peers, write timeouts) through one
// function, so an app can route it into its own logger without this package depending on one.

export type RemotingLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type RemotingLog = (level: RemotingLogLevel, message: string) => void;

/**
 * Used when no `log` option is given: warnings and errors go to stderr (a closed connection should
 * never be silent), debug and info are dropped.
 */
export const defaultRemotingLog: RemotingLog = (level, message) => {
  if (level === 'warn' || level === 'error') process.stderr.write(`[pulsejet:remoting] ${level}: ${message}\n`);
};
