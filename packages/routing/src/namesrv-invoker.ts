// Sends a request to one of several nameservers, failing over (Java NettyRemotingClient's
// nameserver selection): start at the last address that answered; on a transport failure
// (connect refused, timeout, closed channel) try the next. A response, whatever its code, is an
// answer and ends the search.
import { PulsejetError, type RemotingCommand } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { RoutingError, RoutingErrorCode } from './errors';
import type { RoutingLog } from './log';

export interface NameServerInvokerOptions {
  client: RemotingClient;
  namesrvAddrs: readonly string[];
  requestTimeoutMs: number;
  log: RoutingLog;
}

export interface InvokeResult {
  response: RemotingCommand;
  /** The nameserver that answered. */
  address: string;
}

export class NameServerInvoker {
  private readonly addrs: readonly string[];
  private current = 0;

  constructor(private readonly options: NameServerInvokerOptions) {
    if (options.namesrvAddrs.length === 0) throw new TypeError('namesrvAddrs is empty; give at least one nameserver "host:port"');
    this.addrs = [...options.namesrvAddrs];
  }

  /** The address tried first next time: the last one that answered. */
  get preferredAddress(): string {
    return this.addrs[this.current]!;
  }

  /** Sends `build()` (a fresh command per attempt: transports set its opaque) until a nameserver answers. */
  async invoke(build: () => RemotingCommand): Promise<InvokeResult> {
    const failures: string[] = [];
    let lastError: unknown;
    for (let i = 0; i < this.addrs.length; i++) {
      const index = (this.current + i) % this.addrs.length;
      const address = this.addrs[index]!;
      try {
        const response = await this.options.client.request(address, build(), this.options.requestTimeoutMs);
        if (index !== this.current) this.options.log('info', `nameserver ${address} answered; using it from now on`);
        this.current = index;
        return { response, address };
      } catch (error) {
        // Not retriable (an oversized frame, our own client closed): another address fails the same way.
        if (PulsejetError.is(error) && !error.retriable) throw error;
        lastError = error;
        const reason = error instanceof Error ? error.message : String(error);
        failures.push(`${address}: ${reason}`);
        this.options.log('warn', `nameserver ${address} failed (${reason}); trying the next`);
      }
    }
    throw new RoutingError(
      RoutingErrorCode.NAMESRV_UNAVAILABLE,
      `no nameserver answered (${failures.join('; ')}); check that a nameserver runs at one of these addresses`,
      { cause: lastError },
    );
  }
}
