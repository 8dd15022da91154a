// Options of a ClientInstance (STYLE.md habit 8: one interface, every field with its default,
// resolved once). Producers and consumers take the same fields and pass them through.
import type { SerializeType } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { ClientError, ClientErrorCode } from '../errors';

export type ClientLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ClientLog = (level: ClientLogLevel, message: string) => void;

export interface ClientInstanceOptions {
  /** Nameserver addresses: "host:port", "a:9876;b:9876", or an array. */
  namesrvAddr: string | readonly string[];
  /**
   * The transport. @default a TcpRemotingClient the instance owns and closes. Pass an
   * InProcessRemotingClient for an embedded broker; the caller then closes it, unless ownsRemoting.
   * Give each instance its own client: the instance installs the handlers of broker-to-client
   * requests (check-back, consumer ids changed) on it.
   */
  remoting?: RemotingClient;
  /** Close `remoting` on close(). @default true when the instance created it, false when it was passed in */
  ownsRemoting?: boolean;
  /** The part of the clientId after '@'. @default the pid, with '#n' added for the second and later instances of a process */
  instanceName?: string;
  /** The part of the clientId before '@'. @default '127.0.0.1' */
  clientIP?: string;
  /** How often every broker gets a HEART_BEAT, ms. @default 30000 (RocketMQ heartbeatBrokerInterval) */
  heartbeatBrokerIntervalMs?: number;
  /** How often cached routes are refreshed, ms. @default 30000 (RocketMQ pollNameServerInterval) */
  pollNameServerIntervalMs?: number;
  /** Timeout of a request (route, heartbeat, consumer list...) when the caller gives none, ms. @default 3000 */
  requestTimeoutMs?: number;
  /** Where the instance reports what it drops or retries. @default warnings and errors to stderr */
  log?: ClientLog;
  /**
   * Header encoding of the requests sent to brokers (replies come back in the same one): 'ROCKETMQ',
   * the binary layout (RocketMQ's RocketMQSerializable, which Java brokers read too), costs less
   * than 'JSON' to write and to read on both sides (about half for a send); 'JSON' is what Java
   * clients send unless configured otherwise (rocketmq.serialize.type). A request with an empty
   * extFields value goes as JSON either way: Java reads an empty binary string as null. Route
   * lookups stay JSON.
   * @default 'ROCKETMQ'
   */
  serializeType?: SerializeType;
}

export const DEFAULT_HEARTBEAT_BROKER_INTERVAL_MS = 30_000;
export const DEFAULT_CLIENT_POLL_NAME_SERVER_INTERVAL_MS = 30_000;
export const DEFAULT_CLIENT_REQUEST_TIMEOUT_MS = 3000;
export const DEFAULT_CLIENT_IP = '127.0.0.1';
/** Header encoding of requests to brokers unless serializeType says otherwise (the benches send it too). */
export const DEFAULT_SERIALIZE_TYPE: SerializeType = 'ROCKETMQ';

/** Warnings and errors to stderr: a failing heartbeat should never be silent; debug and info are dropped. */
export const defaultClientLog: ClientLog = (level, message) => {
  if (level === 'warn' || level === 'error') process.stderr.write(`[pulsejet:client] ${level}: ${message}\n`);
};

export interface ResolvedClientInstanceOptions {
  namesrvAddrs: string[];
  remoting: RemotingClient | undefined;
  ownsRemoting: boolean;
  instanceName: string;
  clientIP: string;
  heartbeatBrokerIntervalMs: number;
  pollNameServerIntervalMs: number;
  requestTimeoutMs: number;
  log: ClientLog;
  serializeType: SerializeType;
}

let instancesCreated = 0;

function invalid(message: string): ClientError {
  return new ClientError(ClientErrorCode.INVALID_ARGUMENT, message);
}

/** Splits "a:1;b:2" (Java's separator) and arrays into addresses; throws INVALID_ARGUMENT when none is left. */
export function parseNamesrvAddr(namesrvAddr: string | readonly string[] | undefined): string[] {
  const raw = typeof namesrvAddr === 'string' ? namesrvAddr.split(';') : Array.isArray(namesrvAddr) ? namesrvAddr : [];
  const addrs = raw.map((addr) => (typeof addr === 'string' ? addr.trim() : '')).filter((addr) => addr !== '');
  if (addrs.length === 0) throw invalid('namesrvAddr is empty; give the nameserver as "host:9876", "a:9876;b:9876" or an array');
  for (const addr of addrs) {
    if (!/^[^:\s]+:\d{1,5}$/.test(addr)) throw invalid(`nameserver address '${addr}' is not "host:port"`);
  }
  return addrs;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved <= 0) throw invalid(`${name} must be a positive integer of milliseconds, got ${String(value)}`);
  return resolved;
}

export function resolveClientInstanceOptions(options: ClientInstanceOptions): ResolvedClientInstanceOptions {
  if (options.instanceName !== undefined && (options.instanceName === '' || options.instanceName.includes('@'))) {
    throw invalid(`instanceName '${options.instanceName}' must be non-empty and contain no '@' (the clientId is clientIP@instanceName)`);
  }
  if (options.clientIP !== undefined && (options.clientIP === '' || options.clientIP.includes('@'))) {
    throw invalid(`clientIP '${options.clientIP}' must be non-empty and contain no '@'`);
  }
  const count = instancesCreated++;
  return {
    namesrvAddrs: parseNamesrvAddr(options.namesrvAddr),
    remoting: options.remoting,
    ownsRemoting: options.ownsRemoting ?? options.remoting === undefined,
    instanceName: options.instanceName ?? (count === 0 ? String(process.pid) : `${process.pid}#${count}`),
    clientIP: options.clientIP ?? DEFAULT_CLIENT_IP,
    heartbeatBrokerIntervalMs: positiveInt('heartbeatBrokerIntervalMs', options.heartbeatBrokerIntervalMs, DEFAULT_HEARTBEAT_BROKER_INTERVAL_MS),
    pollNameServerIntervalMs: positiveInt('pollNameServerIntervalMs', options.pollNameServerIntervalMs, DEFAULT_CLIENT_POLL_NAME_SERVER_INTERVAL_MS),
    requestTimeoutMs: positiveInt('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_CLIENT_REQUEST_TIMEOUT_MS),
    log: options.log ?? defaultClientLog,
    serializeType: serializeTypeOf(options.serializeType),
  };
}

function serializeTypeOf(value: SerializeType | undefined): SerializeType {
  if (value === undefined) return DEFAULT_SERIALIZE_TYPE;
  if (value !== 'ROCKETMQ' && value !== 'JSON') throw invalid(`serializeType must be 'ROCKETMQ' or 'JSON', got ${String(value)}`);
  return value;
}
