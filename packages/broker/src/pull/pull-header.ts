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
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = ext[name];
    if (value === undefined || value === '') problems.push(`${name} is missing`);
    return value ?? '';
  };
  const int = (name: string, min: number, fallback?: number): number => {
    const raw = ext[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) problems.push(`${name} is missing`);
      return fallback ?? 0;
    }
    const value = Number(raw.trim());
    if (!INTEGER.test(raw.trim()) || !Number.isSafeInteger(value)) {
      problems.push(`${name} must be an integer, got ${JSON.stringify(raw)}`);
      return 0;
    }
    if (value < min) problems.push(`${name} must be >= ${min}, got ${value}`);
    return value;
  };
  const header: PullRequestHeader = {
    consumerGroup: text('consumerGroup'),
    topic: text('topic'),
    queueId: int('queueId', 0),
    queueOffset: int('queueOffset', 0),
    maxMsgNums: int('maxMsgNums', 1),
    sysFlag: int('sysFlag', 0),
    // ali-ons sends commitOffset -1 or 0 without the COMMIT_OFFSET bit; only checked when used.
    commitOffset: int('commitOffset', Number.MIN_SAFE_INTEGER, 0),
    suspendTimeoutMillis: int('suspendTimeoutMillis', 0, 0),
    subscription: ext['subscription'],
    subVersion: int('subVersion', Number.MIN_SAFE_INTEGER, 0),
    expressionType: ext['expressionType'] ?? 'TAG',
  };
  if (problems.length > 0) return { ok: false, remark: `bad PULL_MESSAGE header: ${problems.join('; ')}` };
  return { ok: true, header };
}

export function hasFlag(sysFlag: number, flag: number): boolean {
  return (sysFlag & flag) !== 0;
}
