// Places orders: the start of the flow. The Producer is injected by class, like any service.
import { Producer } from '@pulsejet/client';
import { inject, injectable } from 'inversify';
import { OUTPUT, type Output } from './output';
import { Orders, type Order } from './topics';

@injectable()
export class OrderService {
  constructor(
    @inject(Producer) private readonly producer: Producer,
    @inject(OUTPUT) private readonly out: Output,
  ) {}

  async place(order: Order): Promise<void> {
    const result = await this.producer.send(Orders.message(order, { tags: 'created', keys: order.id }));
    this.out(`orders: placed ${order.id} (${result.msgId})`);
  }
}
