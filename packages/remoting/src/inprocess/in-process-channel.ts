// One end of an in-process connection. Commands are copied and delivered to the other end on a
// later turn of the event loop (setImmediate), in order: never synchronously re-entrant, and a
// chatty pair (a pull answered at once and re-sent at once) still lets timers and I/O run, as
// it would over TCP. Closing one end closes the other after what it already sent is delivered.
import type { RemotingCommand } from '@pulsejet/protocol';
import { AbstractChannel } from '../abstract-channel';
import type { ChannelOptions } from '../abstract-channel';
import { cloneCommand } from './clone-command';

// A close travels the same queue as commands, so it can't overtake them.
type Delivery = RemotingCommand | { closed: string };

export class InProcessChannel extends AbstractChannel {
  private peer: InProcessChannel | undefined;
  private inbox: Delivery[] = [];
  private deliveryScheduled = false;

  constructor(remoteAddress: string, options: ChannelOptions) {
    super(remoteAddress, 'inproc', options);
  }

  /** Connects two fresh ends. */
  static link(a: InProcessChannel, b: InProcessChannel): void {
    a.peer = b;
    b.peer = a;
  }

  protected transmit(command: RemotingCommand): undefined {
    this.peer?.enqueue(cloneCommand(command));
    return undefined;
  }

  protected closeTransport(reason: string): void {
    this.peer?.enqueue({ closed: `peer closed: ${reason}` });
    this.peer = undefined;
  }

  private enqueue(delivery: Delivery): void {
    this.inbox.push(delivery);
    if (!this.deliveryScheduled) {
      this.deliveryScheduled = true;
      setImmediate(this.deliver);
    }
  }

  private readonly deliver = (): void => {
    this.deliveryScheduled = false;
    const batch = this.inbox;
    this.inbox = [];
    for (const delivery of batch) {
      if (!this.isActive()) return;
      if ('closed' in delivery) {
        this.peer = undefined; // it is gone: nothing to tell it
        this.terminate(delivery.closed);
      } else {
        this.receive(delivery);
      }
    }
  };
}
