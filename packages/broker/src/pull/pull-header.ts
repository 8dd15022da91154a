// PULL_MESSAGE (11) request header (Java PullMessageRequestHeader, reference §3.9). Every extField
// arrives as a string (reference §1.3), so numbers are parsed and checked here, before any store call.
//
//   consumerGroup         string  required
//   topic                 string  required
//   queueId               int     required, >= 0
//   queueOffset           int64   required, >= 0
//   maxMsgNums            int     required, >= 1
//   sysFlag               int     required (PullSysFlag bits below)
//   commitOffset          int64   optional (Java requires it; ali-ons always sends it), default 0
//   suspendTimeoutMillis  int64   optional, default 0
//   subscription          string  optional, default "*"
//   subVersion            int64   optional, default 0
//   expressionType        string  optional, "TAG" (default) or "SQL92" (not supported)

import { plainInt } from '../remoting/plain-int';

/** Bits of the pull request's sysFlag (Java PullSysFlag). */
export const PullSysFlag = {
  COMMIT_OFFSET: 1,
  SUSPEND: 2,
  SUBSCRIPTION: 4,
  CLASS_FILTER: 8,
  LITE_PULL: 16,
} as const;

export interface PullRequestHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string;
}

export type PullHeaderParseResult = { ok: true; header: PullRequestHeader } | { ok: false; remark: string };

const INTEGER = /^-?\d+$/;

/** Decodes and validates the header; the remark of a failure names the field and what is wrong. */
export function parsePullRequestHeader(ext: Readonly<Record<string, string>>): PullHeaderParseResult {
  // Module-level helpers rather than closures: this runs for every pull, and under tsx each named
  // closure costs an Object.defineProperty (esbuild keepNames).
  const problems: string[] = [];
  const header: PullRequestHeader = {
    consumerGroup: textField(ext, 'consumerGroup', problems),
    topic: textField(ext, 'topic', problems),
    queueId: intField(ext, 'queueId', 0, problems),
    queueOffset: intField(ext, 'queueOffset', 0, problems),
    maxMsgNums: intField(ext, 'maxMsgNums', 1, problems),
    sysFlag: intField(ext, 'sysFlag', 0, problems),
    // ali-ons sends commitOffset -1 or 0 without the COMMIT_OFFSET bit; only checked when used.
    commitOffset: intField(ext, 'commitOffset', Number.MIN_SAFE_INTEGER, problems, 0),
    suspendTimeoutMillis: intField(ext, 'suspendTimeoutMillis', 0, problems, 0),
    subscription: ext['subscription'],
    subVersion: intField(ext, 'subVersion', Number.MIN_SAFE_INTEGER, problems, 0),
    expressionType: ext['expressionType'] ?? 'TAG',
  };
  if (problems.length > 0) return { ok: false, remark: `bad PULL_MESSAGE header: ${problems.join('; ')}` };
  return { ok: true, header };
}

function textField(ext: Readonly<Record<string, string>>, name: string, problems: string[]): string {
  const value = ext[name];
  if (value === undefined || value === '') problems.push(`${name} is missing`);
  return value ?? '';
}

/** An integer field >= min; absent or empty gives `fallback`, or a problem when there is none. */
function intField(ext: Readonly<Record<string, string>>, name: string, min: number, problems: string[], fallback?: number): number {
  const raw = ext[name];
  if (raw === undefined || raw === '') {
    if (fallback === undefined) problems.push(`${name} is missing`);
    return fallback ?? 0;
  }
  // A plain decimal, what every client sends, is read by a loop; anything else takes the full check.
  const value = plainInt(raw) ?? checkedInt(raw, name, problems);
  if (value === undefined) return 0;
  if (value < min) problems.push(`${name} must be >= ${min}, got ${value}`);
  return value;
}

/** `raw` as a safe integer (blanks around it allowed), or undefined with a problem saying why not. */
function checkedInt(raw: string, name: string, problems: string[]): number | undefined {
  const trimmed = raw.trim();
  const value = Number(trimmed);
  if (INTEGER.test(trimmed) && Number.isSafeInteger(value)) return value;
  problems.push(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return undefined;
}

export function hasFlag(sysFlag: number, flag: number): boolean {
  return (sysFlag & flag) !== 0;
}
