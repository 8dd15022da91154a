// A RemotingClient for servers on an InProcessNetwork: same channel table, dispatcher and error
// codes as the TCP client; connecting takes a turn of the event loop, like a real connect.
import { RemotingError } from '../errors';
import { DEFAULT_MAX_IN_FLIGHT } from '../in-flight';
import { defaultRemotingLog } from '../log';
import type { RemotingLog } from '../log';
import { RemotingClientBase } from '../remoting-client-base';
import { InProcessChannel } from './in-process-channel';
import type { InProcessNetwork } from './in-process-network';

export interface InProcessClientOptions {
  /** Requests awaiting responses per connection; more fail with TOO_MANY_IN_FLIGHT. @default 65536 */
  maxInFlightPerChannel?: number;
  /** Close the connection when a request on it times out. @default false */
  closeChannelOnTimeout?: boolean;
  /** @default warnings and errors to stderr */
  log?: RemotingLog;
}

export class InProcessRemotingClient extends RemotingClientBase {
  private readonly maxInFlightPerChannel: number;
  private readonly closeChannelOnTimeout: boolean;

  constructor(
    private readonly network: InProcessNetwork,
    options: InProcessClientOptions = {},
  ) {
    super(options.log ?? defaultRemotingLog);
    this.maxInFlightPerChannel = options.maxInFlightPerChannel ?? DEFAULT_MAX_IN_FLIGHT;
    this.closeChannelOnTimeout = options.closeChannelOnTimeout ?? false;
  }

  protected async connect(address: string): Promise<InProcessChannel> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const server = this.network.lookup(address);
    if (server === undefined || !server.isListening()) {
      throw new RemotingError('CONNECT_FAILED', `could not connect to ${address}: no in-process server listens there`);
    }
    const clientEnd = new InProcessChannel(address, {
      dispatcher: this.dispatcher,
      maxInFlight: this.maxInFlightPerChannel,
      closeOnTimeout: this.closeChannelOnTimeout,
      log: this.log,
    });
    server.accept(clientEnd);
    return clientEnd;
  }
}
