// The example's topics and their bodies: orders -> (billing) -> invoices -> (notifications).
import { defineTopic } from '@pulsejet/inversify';

export interface Order {
  id: string;
  customer: string;
  /** Cents. A negative amount can't be billed: the example's poison message. */
  amount: number;
}

export interface Invoice {
  orderId: string;
  customer: string;
  total: number;
}

export const Orders = defineTopic<Order>('orders');
export const Invoices = defineTopic<Invoice>('invoices');
