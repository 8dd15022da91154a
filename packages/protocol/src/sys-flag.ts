// SYSFLAG bits of a stored message (reference §6.2; Java common/.../sysflag/MessageSysFlag.java).
export const MessageSysFlag = {
  /** Body is compressed; the algorithm is in the COMPRESSION_* bits (ali-ons only inflates zlib). */
  COMPRESSED: 0x1,
  MULTI_TAGS: 0x2,
  // Transaction type lives in bits 2-3: a 2-bit value, not independent flags.
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  /** 16-byte born host. Never set by us: the V1 IPv4 layout and ali-ons can't carry it. */
  BORNHOST_V6: 0x10,
  /** 16-byte store host. Never set by us, for the same reason. */
  STOREHOST_V6: 0x20,
  NEED_UNWRAP: 0x40,
  INNER_BATCH: 0x80,
  // Compression type lives in bits 8-10.
  COMPRESSION_LZ4: 0x100,
  COMPRESSION_ZSTD: 0x200,
  COMPRESSION_ZLIB: 0x300,
} as const;

/** The mask of the transaction-type bits (equal to ROLLBACK, as in Java). */
const TRANSACTION_MASK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;

/** One of the TRANSACTION_*_TYPE values (Java `MessageSysFlag.getTransactionValue`). */
export function transactionType(sysFlag: number): number {
  return sysFlag & TRANSACTION_MASK;
}

/** sysFlag with its transaction bits replaced by `type` (Java `MessageSysFlag.resetTransactionValue`). */
export function resetTransactionType(sysFlag: number, type: number): number {
  return (sysFlag & ~TRANSACTION_MASK) | (type & TRANSACTION_MASK);
}
