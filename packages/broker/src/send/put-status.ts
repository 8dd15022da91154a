// Store put statuses to wire response codes: the one table (STYLE.md habit 6; Java
// SendMessageProcessor.handlePutMessageResult).
import type { PutMessageStatus } from '@pulsejet/core';
import { ResponseCode } from '@pulsejet/protocol';

export const PUT_STATUS_RESPONSE_CODE: Readonly<Record<PutMessageStatus, number>> = {
  PUT_OK: ResponseCode.SUCCESS,
  FLUSH_DISK_TIMEOUT: ResponseCode.FLUSH_DISK_TIMEOUT,
  FLUSH_SLAVE_TIMEOUT: ResponseCode.FLUSH_SLAVE_TIMEOUT,
  SLAVE_NOT_AVAILABLE: ResponseCode.SLAVE_NOT_AVAILABLE,
  SERVICE_NOT_AVAILABLE: ResponseCode.SERVICE_NOT_AVAILABLE,
  MESSAGE_ILLEGAL: ResponseCode.MESSAGE_ILLEGAL,
  PROPERTIES_SIZE_EXCEEDED: ResponseCode.MESSAGE_ILLEGAL,
  OS_PAGE_CACHE_BUSY: ResponseCode.SYSTEM_BUSY,
  UNKNOWN_ERROR: ResponseCode.SYSTEM_ERROR,
};

/**
 * Statuses after which the message is stored and the reply still carries msgId/queueOffset: the
 * client reports a non-OK sendStatus but reads the header (reference §3.8).
 */
export function isStoredStatus(status: PutMessageStatus): boolean {
  return status === 'PUT_OK' || status === 'FLUSH_DISK_TIMEOUT' || status === 'FLUSH_SLAVE_TIMEOUT' || status === 'SLAVE_NOT_AVAILABLE';
}
