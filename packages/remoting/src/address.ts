// Addresses are "host:port" strings everywhere (reference §2.1: ali-ons splits on ':', so IPv6
// addresses are out of scope; brokers advertise a.b.c.d:port or hostname:port).
import { RemotingError } from './errors';

export interface HostPort {
  host: string;
  port: number;
}

export function parseAddress(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (colon <= 0 || !/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new RemotingError('CONNECT_FAILED', `"${address}" is not a "host:port" address (e.g. "127.0.0.1:10911")`, { retriable: false });
  }
  return { host, port };
}

export function formatAddress(host: string, port: number): string {
  // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; the protocol only knows a.b.c.d.
  return `${host.startsWith('::ffff:') ? host.slice(7) : host}:${port}`;
}
