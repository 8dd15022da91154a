import fc from 'fast-check';
import { Fifo } from './fifo';

describe('Fifo', () => {
  it('hands items out in the order they were pushed, across growth and wrap-around', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant<'take'>('take')), { maxLength: 300 }), (ops) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'take') expect(fifo.shift()).toBe(model.shift());
          else {
            fifo.push(op);
            model.push(op);
          }
          expect(fifo.length).toBe(model.length);
        }
        while (model.length > 0) expect(fifo.shift()).toBe(model.shift());
        expect(fifo.shift()).toBeUndefined();
      }),
    );
  });

  it('keeps no reference to an item once it is taken', () => {
    const fifo = new Fifo<object>();
    const taken = { name: 'taken' };
    fifo.push(taken);
    fifo.push({ name: 'waiting' });
    fifo.shift();
    // The queue's storage is private; what it still references is what a heap would keep alive.
    const slots = (fifo as unknown as { slots: unknown[] }).slots;
    expect(slots).not.toContain(taken);
    expect(slots.filter((slot) => slot !== undefined)).toHaveLength(1);
  });

  it('clear() empties it and drops every reference', () => {
    const fifo = new Fifo<number>();
    for (let i = 0; i < 40; i++) fifo.push(i);
    fifo.clear();
    expect(fifo.length).toBe(0);
    expect(fifo.shift()).toBeUndefined();
    expect((fifo as unknown as { slots: unknown[] }).slots.every((slot) => slot === undefined)).toBe(true);
    fifo.push(7);
    expect(fifo.shift()).toBe(7);
  });
});
