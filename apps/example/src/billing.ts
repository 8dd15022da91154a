// Billing: turns each created order into an invoice. The handler resolves only after the invoice
// is stored, so an order is acknowledged exactly when its invoice exists; an order that can't be
// billed throws, is retried with backoff, and finally reaches the dead-letter handler.
import { Producer } from '@pulsejet/client';
import { OnDeadLetter, Subscribe, type Message } from '@pulsejet/inversify';
import { inject, injectable } from 'inversify';
import { OUTPUT, type Output } from './output';
import { Invoices, Orders, type Order } from './topics';

@injectable()
export class Billing {
  constructor(
    @inject(Producer) private readonly producer: Producer,
    @inject(OUTPUT) private readonly out: Output,
  ) {}

  @Subscribe({ topic: Orders, tags: 'created', group: 'billing', consumeFrom: 'first', maxReconsumeTimes: 2 })
  async onOrder(msg: Message<Order>): Promise<void> {
    const order = msg.body;
    if (order.amount < 0) throw new Error(`order ${order.id} has a negative amount`);
    await this.producer.send(Invoices.message({ orderId: order.id, customer: order.customer, total: order.amount }, { tags: 'issued', keys: order.id }));
    this.out(`billing: invoiced ${order.id}`);
  }

  @OnDeadLetter({ group: 'billing' })
  onUnbillable(msg: Message<Order>): void {
    this.out(`billing: gave up on ${msg.body.id} after ${msg.reconsumeTimes} retries`);
  }
}
