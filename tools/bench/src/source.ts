import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Which code was measured: the commit, and a fingerprint of uncommitted changes under packages/. */
export interface SourceState {
  commit: string | undefined;
  /** Files under packages/ that differ from the commit (modified or untracked). */
  changedFiles: number;
  /** sha256 (12 hex) of the diff plus the untracked files' contents; undefined when clean. */
  changesFingerprint: string | undefined;
}

/** Read-only git queries; undefined fields when git is not available. */
export function sourceState(repoRoot: string): SourceState {
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return undefined;
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD')?.trim();
  const status = git('status', '--porcelain', '--', 'packages');
  const changed = (status ?? '').split('\n').filter((line) => line.trim() !== '');
  if (changed.length === 0) return { commit, changedFiles: 0, changesFingerprint: undefined };
  const hash = createHash('sha256').update(git('diff', 'HEAD', '--', 'packages') ?? '');
  const untracked = (git('ls-files', '--others', '--exclude-standard', '--', 'packages') ?? '').split('\n').filter(Boolean).sort();
  for (const file of untracked) {
    hash.update(file);
    try {
      hash.update(fs.readFileSync(path.join(repoRoot, file)));
    } catch {
      // removed meanwhile
    }
  }
  return { commit, changedFiles: changed.length, changesFingerprint: hash.digest('hex').slice(0, 12) };
}

export function sameSource(a: SourceState, b: SourceState): boolean {
  return a.commit === b.commit && a.changedFiles === b.changedFiles && a.changesFingerprint === b.changesFingerprint;
}
