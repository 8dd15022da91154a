// A RemotingServer without sockets: clients on the same InProcessNetwork reach it by address and
// get the same dispatcher and processors as over TCP, with commands copied instead of encoded.
import { DEFAULT_MAX_IN_FLIGHT } from '../in-flight';
import { defaultRemotingLog } from '../log';
import type { RemotingLog } from '../log';
import { RemotingServerBase } from '../remoting-server-base';
import { InProcessChannel } from './in-process-channel';
import type { InProcessNetwork } from './in-process-network';

export interface InProcessServerOptions {
  /** The address clients use, e.g. '127.0.0.1:10911'. */
  address: string;
  /** Server-to-client requests awaiting responses per channel. @default 65536 */
  maxInFlightPerChannel?: number;
  /** @default warnings and errors to stderr */
  log?: RemotingLog;
}

export class InProcessRemotingServer extends RemotingServerBase {
  private readonly boundAddress: string;
  private readonly maxInFlightPerChannel: number;
  private listening = false;

  constructor(
    private readonly network: InProcessNetwork,
    options: InProcessServerOptions,
  ) {
    super(options.log ?? defaultRemotingLog);
    this.boundAddress = options.address;
    this.maxInFlightPerChannel = options.maxInFlightPerChannel ?? DEFAULT_MAX_IN_FLIGHT;
  }

  address(): string {
    return this.boundAddress;
  }

  /** Whether clients can connect now. */
  isListening(): boolean {
    return this.listening && !this.isClosing();
  }

  /** Called by a connecting client: makes this server's end of the link and announces it. */
  accept(clientEnd: InProcessChannel): InProcessChannel {
    const serverEnd = new InProcessChannel(this.network.allocateClientAddress(), {
      dispatcher: this.dispatcher,
      maxInFlight: this.maxInFlightPerChannel,
      closeOnTimeout: false,
      log: this.log,
    });
    InProcessChannel.link(clientEnd, serverEnd);
    this.addChannel(serverEnd);
    return serverEnd;
  }

  protected async listen(): Promise<void> {
    this.network.bind(this.boundAddress, this);
    this.listening = true;
  }

  protected stopListening(): Promise<void> {
    this.listening = false;
    this.network.unbind(this.boundAddress, this);
    return Promise.resolve();
  }
}
