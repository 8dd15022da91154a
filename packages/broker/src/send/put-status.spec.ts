import type { PutMessageStatus } from '@pulsejet/core';
import { PUT_STATUS_RESPONSE_CODE, isStoredStatus } from './put-status';

describe('PUT_STATUS_RESPONSE_CODE', () => {
  it('maps every store status to RocketMQ response codes', () => {
    expect(PUT_STATUS_RESPONSE_CODE).toEqual({
      PUT_OK: 0,
      FLUSH_DISK_TIMEOUT: 10,
      FLUSH_SLAVE_TIMEOUT: 12,
      SLAVE_NOT_AVAILABLE: 11,
      SERVICE_NOT_AVAILABLE: 14,
      MESSAGE_ILLEGAL: 13,
      PROPERTIES_SIZE_EXCEEDED: 13,
      OS_PAGE_CACHE_BUSY: 2,
      UNKNOWN_ERROR: 1,
    });
  });

  it('treats timeouts as stored (the client still reads msgId)', () => {
    const stored: PutMessageStatus[] = ['PUT_OK', 'FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE'];
    for (const status of Object.keys(PUT_STATUS_RESPONSE_CODE) as PutMessageStatus[]) expect(isStoredStatus(status)).toBe(stored.includes(status));
  });
});
