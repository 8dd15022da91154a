// Damage to the commit log past the last acknowledged record, as a torn write of unacknowledged data
// would leave it: recovery must cut the log there and keep everything before.
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE_V1, RecordField } from '@pulsejet/protocol';
import { segmentFileName } from '../../src/segment/segment';

/**
 * - `garbage`: a record header (plausible size, V1 magic) followed by random bytes, as when only the
 *   first part of a record reached the file: the body CRC or the lengths fail.
 * - `truncate`: the segment file ends a few bytes into what follows (a write that never finished).
 *   Later segments, if any, are left for recovery to remove.
 */
export type TearKind = 'garbage' | 'truncate';

export interface Tear {
  kind: TearKind;
  /** Absolute commit-log offset of the damage. */
  offset: number;
  file: string;
  /** Recovery must end the log exactly at `offset`. False only when a truncation kept a whole blank
   *  (segment padding) header: the padding is valid and the log may go on in the next segment. */
  cutExpected: boolean;
}

export function tearLogAt(root: string, segmentSize: number, offset: number, kind: TearKind): Tear {
  const start = offset - (offset % segmentSize);
  const file = path.join(root, 'commitlog', segmentFileName(start));
  const position = offset - start;
  const fd = fs.openSync(file, 'r+');
  try {
    if (kind === 'garbage') {
      // A record never ends closer than 8 bytes to its segment's end, so a header always fits.
      const length = Math.min(randomInt(100, 4096), segmentSize - position);
      const torn = randomBytes(length);
      torn.writeInt32BE(randomInt(length, 64 * 1024), RecordField.TOTAL_SIZE);
      torn.writeInt32BE(MESSAGE_MAGIC_CODE_V1, RecordField.MAGIC);
      fs.writeSync(fd, torn, 0, length, position);
      return { kind, offset, file, cutExpected: true };
    }
    const header = Buffer.alloc(8);
    const got = fs.readSync(fd, header, 0, 8, position);
    const keep = randomInt(0, 64);
    const blankKept = got === 8 && keep >= 8 && header.readInt32BE(RecordField.MAGIC) === BLANK_MAGIC_CODE;
    fs.ftruncateSync(fd, Math.min(fs.fstatSync(fd).size, position + keep));
    return { kind, offset, file, cutExpected: !blankKept };
  } finally {
    fs.closeSync(fd);
  }
}
