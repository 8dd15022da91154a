import type { GetMessageStatus } from '@pulsejet/core';
import { ResponseCode } from '@pulsejet/protocol';
import { pullReplyCode } from './pull-status';

describe('pullReplyCode (reference §7 table)', () => {
  it.each<[GetMessageStatus, number, number]>([
    ['FOUND', 3, ResponseCode.SUCCESS],
    ['NO_MATCHED_MESSAGE', 3, ResponseCode.PULL_RETRY_IMMEDIATELY],
    ['MESSAGE_WAS_REMOVING', 3, ResponseCode.PULL_RETRY_IMMEDIATELY],
    ['OFFSET_FOUND_NULL', 3, ResponseCode.PULL_NOT_FOUND],
    ['OFFSET_OVERFLOW_ONE', 3, ResponseCode.PULL_NOT_FOUND],
    ['NO_MESSAGE_IN_QUEUE', 0, ResponseCode.PULL_NOT_FOUND],
    ['NO_MESSAGE_IN_QUEUE', 3, ResponseCode.PULL_OFFSET_MOVED],
    ['NO_MATCHED_LOGIC_QUEUE', 0, ResponseCode.PULL_NOT_FOUND],
    ['NO_MATCHED_LOGIC_QUEUE', 3, ResponseCode.PULL_OFFSET_MOVED],
    ['OFFSET_TOO_SMALL', 3, ResponseCode.PULL_OFFSET_MOVED],
    ['OFFSET_OVERFLOW_BADLY', 3, ResponseCode.PULL_OFFSET_MOVED],
  ])('%s at offset %d -> %d', (status, offset, code) => {
    expect(pullReplyCode(status, offset)).toBe(code);
  });
});
