// Store statuses → PULL_MESSAGE reply codes, in one table (STYLE.md habit 6; reference §7; Java
// PullMessageProcessor.processRequest's switch). nextBeginOffset comes from the store, which already
// applies the §7 offsets; only the slave correction is done here.
import type { GetMessageStatus } from '@pulsejet/core';
import * as protocol from '@pulsejet/protocol';

// Bound once at load (see pull-message-processor.ts): this runs for every pull.
const { ResponseCode } = protocol;

export type PullReplyCode =
  | typeof ResponseCode.SUCCESS
  | typeof ResponseCode.PULL_NOT_FOUND
  | typeof ResponseCode.PULL_RETRY_IMMEDIATELY
  | typeof ResponseCode.PULL_OFFSET_MOVED;

/** The reply code for a store status; `requestedOffset` decides the empty-queue rows. */
export function pullReplyCode(status: GetMessageStatus, requestedOffset: number): PullReplyCode {
  switch (status) {
    case 'FOUND':
      return ResponseCode.SUCCESS;
    case 'NO_MATCHED_MESSAGE':
    case 'MESSAGE_WAS_REMOVING':
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case 'OFFSET_FOUND_NULL':
    case 'OFFSET_OVERFLOW_ONE':
      return ResponseCode.PULL_NOT_FOUND;
    case 'NO_MATCHED_LOGIC_QUEUE':
    case 'NO_MESSAGE_IN_QUEUE':
      // An empty (or never written) queue: offset 0 is simply "nothing yet"; any other offset is wrong.
      return requestedOffset === 0 ? ResponseCode.PULL_NOT_FOUND : ResponseCode.PULL_OFFSET_MOVED;
    case 'OFFSET_TOO_SMALL':
    case 'OFFSET_OVERFLOW_BADLY':
      return ResponseCode.PULL_OFFSET_MOVED;
  }
}

/** Remark sent with each non-SUCCESS code, for logs on the client side. */
export function pullReplyRemark(status: GetMessageStatus): string {
  return status;
}
