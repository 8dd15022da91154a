// The in-process "network": which server listens at which address. Each app or test makes its own,
// so nothing is process-global and parallel tests don't see each other's servers.
import type { InProcessRemotingServer } from './in-process-remoting-server';

export class InProcessNetwork {
  private readonly servers = new Map<string, InProcessRemotingServer>();
  private lastClientPort = 0;

  /** Binds `server` to `address`; throws an error with code EADDRINUSE when another server holds it. */
  bind(address: string, server: InProcessRemotingServer): void {
    const holder = this.servers.get(address);
    if (holder !== undefined && holder !== server) {
      // The same code a TCP listen fails with, so callers handle both transports alike.
      throw Object.assign(new Error(`in-process address ${address} is already in use; close the server holding it first`), { code: 'EADDRINUSE' });
    }
    this.servers.set(address, server);
  }

  unbind(address: string, server: InProcessRemotingServer): void {
    if (this.servers.get(address) === server) this.servers.delete(address);
  }

  lookup(address: string): InProcessRemotingServer | undefined {
    return this.servers.get(address);
  }

  /**
   * The remoteAddress a server sees for a new in-process client: "127.0.0.1:port" with a port in
   * the ephemeral range, so processors that parse the peer address (a broker's bornHost) work
   * unchanged.
   */
  allocateClientAddress(): string {
    this.lastClientPort = (this.lastClientPort + 1) % 16_384;
    return `127.0.0.1:${49_152 + this.lastClientPort}`;
  }
}
