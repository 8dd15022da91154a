import { MessageSysFlag, resetTransactionType, transactionType } from './sys-flag';

describe('MessageSysFlag (reference §6.2)', () => {
  it('has the Java bit values', () => {
    expect(MessageSysFlag).toMatchObject({
      COMPRESSED: 0x1,
      MULTI_TAGS: 0x2,
      TRANSACTION_NOT_TYPE: 0,
      TRANSACTION_PREPARED_TYPE: 0x4,
      TRANSACTION_COMMIT_TYPE: 0x8,
      TRANSACTION_ROLLBACK_TYPE: 0xc,
      BORNHOST_V6: 0x10,
      STOREHOST_V6: 0x20,
      NEED_UNWRAP: 0x40,
      INNER_BATCH: 0x80,
      COMPRESSION_ZLIB: 0x300,
    });
  });

  it('reads the transaction type out of bits 2-3', () => {
    const flag = MessageSysFlag.COMPRESSED | MessageSysFlag.TRANSACTION_COMMIT_TYPE | MessageSysFlag.COMPRESSION_ZLIB;
    expect(transactionType(flag)).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(transactionType(MessageSysFlag.COMPRESSED)).toBe(MessageSysFlag.TRANSACTION_NOT_TYPE);
  });

  it('replaces the transaction type and keeps the other bits', () => {
    const prepared = MessageSysFlag.COMPRESSED | MessageSysFlag.TRANSACTION_PREPARED_TYPE | MessageSysFlag.COMPRESSION_ZLIB;
    const committed = resetTransactionType(prepared, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(committed).toBe(MessageSysFlag.COMPRESSED | MessageSysFlag.TRANSACTION_COMMIT_TYPE | MessageSysFlag.COMPRESSION_ZLIB);
    expect(resetTransactionType(committed, MessageSysFlag.TRANSACTION_NOT_TYPE)).toBe(
      MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZLIB,
    );
  });
});
