// Notifications: tells the customer about each invoice (here: a line on stdout).
import { Subscribe, type Message } from '@pulsejet/inversify';
import { inject, injectable } from 'inversify';
import { OUTPUT, type Output } from './output';
import { Invoices, type Invoice } from './topics';

@injectable()
export class Notifications {
  constructor(@inject(OUTPUT) private readonly out: Output) {}

  @Subscribe({ topic: Invoices, group: 'notifications', consumeFrom: 'first' })
  onInvoice(msg: Message<Invoice>): void {
    this.out(`notifications: notified ${msg.body.customer} of ${msg.body.orderId}`);
  }
}
