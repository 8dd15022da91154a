import { HeaderError } from '../remoting/header-fields';
import { parseEndTransactionHeader } from './end-transaction-header';

const full = {
  producerGroup: 'PID_tx',
  tranStateTableOffset: '4',
  commitLogOffset: '1234',
  commitOrRollback: '8',
  fromTransactionCheck: 'true',
  msgId: 'U1',
  transactionId: 'U1',
};

describe('parseEndTransactionHeader', () => {
  it('reads every field of EndTransactionRequestHeader', () => {
    expect(parseEndTransactionHeader(full)).toEqual({
      producerGroup: 'PID_tx',
      tranStateTableOffset: 4,
      commitLogOffset: 1234,
      commitOrRollback: 8,
      fromTransactionCheck: true,
      msgId: 'U1',
      transactionId: 'U1',
    });
  });

  it('defaults fromTransactionCheck to false and leaves transactionId optional', () => {
    const rest: Record<string, string> = { ...full };
    delete rest['fromTransactionCheck'];
    delete rest['transactionId'];
    expect(parseEndTransactionHeader({ ...rest, commitOrRollback: '12' })).toMatchObject({ commitOrRollback: 12, fromTransactionCheck: false, transactionId: undefined });
    expect(parseEndTransactionHeader({ ...rest, commitOrRollback: '0' }).commitOrRollback).toBe(0);
  });

  it.each(['producerGroup', 'tranStateTableOffset', 'commitLogOffset', 'commitOrRollback', 'msgId'])('refuses a request without %s', (field) => {
    const ext: Record<string, string> = { ...full };
    delete ext[field];
    expect(() => parseEndTransactionHeader(ext)).toThrow(HeaderError);
    expect(() => parseEndTransactionHeader(ext)).toThrow(new RegExp(field));
  });

  it('refuses a transaction type other than 0, 8 or 12, and negative offsets', () => {
    expect(() => parseEndTransactionHeader({ ...full, commitOrRollback: '4' })).toThrow(/commitOrRollback/);
    expect(() => parseEndTransactionHeader({ ...full, commitOrRollback: 'commit' })).toThrow(/commitOrRollback/);
    expect(() => parseEndTransactionHeader({ ...full, commitLogOffset: '-1' })).toThrow(/must not be negative/);
  });
});
