// Public API of @pulsejet/replication: master/slave HA by commit-log streaming. Explicit names only.
export { HAMasterService } from './ha-master-service';
export { HASlaveClient } from './ha-slave-client';
export type { HASlaveState, HASlaveStats, HASlaveEvents } from './ha-slave-client';
export type { SlaveConnectionInfo } from './ha-connection';
export type { ReplicaWaitResult } from './group-transfer';
export { GroupTransfer } from './group-transfer';
export { ReplicationError, ReplicationErrorCode } from './errors';
export {
  OFFSET_REPORT_SIZE,
  TRANSFER_HEADER_SIZE,
  encodeOffsetReport,
  encodeTransferHeader,
  OffsetReportDecoder,
  TransferFrameDecoder,
} from './ha-frames';
export type { TransferFrame } from './ha-frames';
export {
  resolveHAMasterOptions,
  resolveHASlaveOptions,
  DEFAULT_HA_LISTEN_PORT,
  DEFAULT_HA_HEARTBEAT_INTERVAL,
  DEFAULT_HA_HOUSEKEEPING_INTERVAL,
  DEFAULT_HA_TRANSFER_BATCH_SIZE,
  DEFAULT_HA_MAX_BYTES_PER_WRITE,
  DEFAULT_HA_MAX_GAP_NOT_IN_SYNC,
  DEFAULT_HA_MAX_FRAME_BODY,
  DEFAULT_HA_RESUME_CHECK_BYTES,
  DEFAULT_HA_RECONNECT_MIN,
  DEFAULT_HA_RECONNECT_MAX,
  DEFAULT_HA_CONNECT_TIMEOUT,
} from './options';
export type { HAMasterOptions, ResolvedHAMasterOptions, SlaveAheadEvent, HASlaveOptions, ResolvedHASlaveOptions, HALog } from './options';
