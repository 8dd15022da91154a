import { GroupTransfer } from './group-transfer';

async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  const result = await Promise.race([promise, pending]);
  clearTimeout(timer);
  return result;
}

describe('GroupTransfer', () => {
  it('an ack releases exactly the waits it covers, whatever order they were added in', async () => {
    const transfer = new GroupTransfer();
    const offsets = [500, 100, 300, 200, 400, 300];
    const waits = offsets.map((offset) => transfer.wait(offset, 60_000));
    transfer.ack(300);
    const early = await Promise.all(waits.map((wait) => settledWithin(wait, 20)));
    expect(early).toEqual(['pending', 'OK', 'OK', 'OK', 'pending', 'OK']);
    expect(transfer.pending()).toBe(2);
    transfer.ack(1000);
    expect(await Promise.all(waits)).toEqual(offsets.map(() => 'OK'));
    expect(transfer.pending()).toBe(0);
  });

  it('times out waits that are not acknowledged, each after its own timeout', async () => {
    const transfer = new GroupTransfer();
    const long = transfer.wait(10, 60_000);
    const short = transfer.wait(20, 30);
    expect(await short).toBe('FLUSH_SLAVE_TIMEOUT');
    expect(transfer.pending()).toBe(1);
    transfer.ack(10);
    expect(await long).toBe('OK');
    expect(transfer.pending()).toBe(0);
  });

  it('thousands of waits share one structure and all answer', async () => {
    const transfer = new GroupTransfer();
    const waits: Array<Promise<string>> = [];
    for (let i = 0; i < 5000; i += 1) waits.push(transfer.wait(i, i % 2 === 0 ? 60_000 : 50));
    transfer.ack(2499);
    expect((await Promise.all(waits.slice(0, 2500))).every((r) => r === 'OK')).toBe(true);
    const late = waits.slice(2500);
    const odd = late.filter((_, j) => j % 2 === 1);
    const even = late.filter((_, j) => j % 2 === 0);
    expect((await Promise.all(odd)).every((r) => r === 'FLUSH_SLAVE_TIMEOUT')).toBe(true);
    expect(transfer.pending()).toBe(1250);
    transfer.releaseAll('SLAVE_NOT_AVAILABLE');
    expect((await Promise.all(even)).every((r) => r === 'SLAVE_NOT_AVAILABLE')).toBe(true);
    expect(transfer.pending()).toBe(0);
  });
});
