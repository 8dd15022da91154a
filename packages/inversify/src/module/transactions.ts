// PulsejetTransactions: the transactional producers of the application, one per producer group
// that has a @TransactionCheck method. Injectable from the start; usable once startPulsejet() ran.
import type { Message as OutgoingMessage, LocalTransaction, TransactionProducer, TransactionSendResult } from '@pulsejet/client';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';

export class PulsejetTransactions {
  private readonly producers = new Map<string, TransactionProducer>();

  /** The producer of `group`; throws NOT_RUNNING before startPulsejet() and when no @TransactionCheck names the group. */
  producer(group: string): TransactionProducer {
    const producer = this.producers.get(group);
    if (!producer) {
      const known = [...this.producers.keys()];
      throw new PulsejetConfigError(
        PulsejetConfigErrorCode.NOT_RUNNING,
        `no transactional producer for group ${group}${known.length ? ` (there are: ${known.join(', ')})` : ''}; add a @TransactionCheck({ group: '${group}' }) method and call startPulsejet() first`,
      );
    }
    return producer;
  }

  /** Sends `message` as a half message of `group`, runs `local`, and commits or rolls back with its answer. */
  sendInTransaction(group: string, message: OutgoingMessage, local: LocalTransaction): Promise<TransactionSendResult> {
    return this.producer(group).sendInTransaction(message, local);
  }

  /** @internal startPulsejet() registers the producers it started. */
  attach(group: string, producer: TransactionProducer): void {
    this.producers.set(group, producer);
  }

  /** @internal */
  async closeAll(): Promise<void> {
    await Promise.all([...this.producers.values()].map((p) => p.close()));
    this.producers.clear();
  }
}
