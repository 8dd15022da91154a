import { HistoryLossGuard } from './history-loss-guard';

/** A metadata stand-in holding offset rows as a map (the guard only lists and commits). */
function rows(initial: Array<{ group: string; topic: string; queueId: number; offset: number }> = []) {
  const table = new Map(initial.map((row) => [`${row.group}|${row.topic}|${row.queueId}`, row]));
  return {
    listOffsets: () => [...table.values()].map((row) => ({ ...row })),
    commitOffset: (group: string, topic: string, queueId: number, offset: number) => void table.set(`${group}|${topic}|${queueId}`, { group, topic, queueId, offset }),
    get: (group: string, topic: string, queueId: number) => table.get(`${group}|${topic}|${queueId}`)?.offset,
  };
}

const noLog = (): void => undefined;
const G = { group: 'G' };

describe('HistoryLossGuard', () => {
  it('serves every position and saves every commit until history is lost', () => {
    const guard = HistoryLossGuard.atStartup([{ topic: 'T', queueId: 0, maxOffset: 10 }], rows(), noLog);
    expect(guard.lost).toBe(false);
    expect(guard.pullTarget(G, 'T', 0, 500)).toBeUndefined();
    expect(guard.mayCommit(G, 'T', 0, 500)).toBe(true);
  });

  it('after the loss, moves a position past the start end back to it, and trusts what it served since', () => {
    const guard = HistoryLossGuard.atStartup([{ topic: 'T', queueId: 0, maxOffset: 10 }], rows(), noLog);
    guard.historyLost('slave ahead');
    expect(guard.lost).toBe(true);
    expect(guard.pullTarget(G, 'T', 0, 30)).toBe(10);
    expect(guard.pullTarget(G, 'T', 0, 10)).toBeUndefined();
    guard.recordServed(G, 'T', 0, 42);
    expect(guard.pullTarget(G, 'T', 0, 42)).toBeUndefined();
    expect(guard.pullTarget(G, 'T', 0, 25)).toBeUndefined();
    // A stale position beyond what was served is moved back to what was served.
    expect(guard.pullTarget(G, 'T', 0, 60)).toBe(42);
    // Served offsets only grow.
    guard.recordServed(G, 'T', 0, 12);
    expect(guard.pullTarget(G, 'T', 0, 42)).toBeUndefined();
    // Another group, another queue: each is checked on its own; a queue absent at startup ended at 0.
    expect(guard.pullTarget({ group: 'H' }, 'T', 0, 30)).toBe(10);
    expect(guard.pullTarget(G, 'T', 1, 3)).toBe(0);
    expect(guard.startEnd('T', 1)).toBe(0);
  });

  it('serves any position inside the part of the log shared with the old history', () => {
    const guard = HistoryLossGuard.atStartup([{ topic: 'T', queueId: 0, maxOffset: 10 }], rows(), noLog);
    guard.historyLost('slave ahead');
    expect(guard.pullTarget(G, 'T', 0, 0)).toBeUndefined();
    expect(guard.pullTarget(G, 'T', 0, 7)).toBeUndefined();
    expect(guard.mayCommit(G, 'T', 0, 10)).toBe(true);
  });

  it('refuses commits past the start end beyond what the group was served since the loss', () => {
    const guard = HistoryLossGuard.atStartup([{ topic: 'T', queueId: 0, maxOffset: 10 }], rows(), noLog);
    guard.historyLost('slave ahead');
    expect(guard.mayCommit(G, 'T', 0, 11)).toBe(false);
    expect(guard.refusedCommitRemark('G', 'T', 0, 11)).toMatch(
      /offset 11 of G for T@0 was not saved: this master lost part of its log \(slave ahead\), the queue ended at 10 when it started, and the group was not served that far since.*Pull the queue/,
    );
    guard.recordServed(G, 'T', 0, 20);
    expect(guard.mayCommit(G, 'T', 0, 20)).toBe(true);
    expect(guard.mayCommit(G, 'T', 0, 21)).toBe(false);
  });

  it('records nothing before the loss: positions are checked from the loss on', () => {
    const guard = HistoryLossGuard.atStartup([], rows(), noLog);
    guard.recordServed(G, 'T', 0, 5);
    guard.historyLost('slave ahead');
    expect(guard.pullTarget(G, 'T', 0, 5)).toBe(0);
  });

  it('moves committed offsets past the start end back to it when history is lost, once', () => {
    const table = rows([
      { group: 'G', topic: 'T', queueId: 0, offset: 30 },
      { group: 'G', topic: 'T', queueId: 1, offset: 4 },
      { group: 'H', topic: 'U', queueId: 0, offset: 9 },
    ]);
    const lines: string[] = [];
    const guard = HistoryLossGuard.atStartup(
      [
        { topic: 'T', queueId: 0, maxOffset: 12 },
        { topic: 'T', queueId: 1, maxOffset: 12 },
      ],
      table,
      (_level, message) => lines.push(message),
    );
    guard.historyLost('slave ahead');
    expect(table.get('G', 'T', 0)).toBe(12);
    expect(table.get('G', 'T', 1)).toBe(4);
    expect(table.get('H', 'U', 0)).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/lost part of its log \(slave ahead\).*2 committed offsets moved back/);
    table.commitOffset('G', 'T', 0, 50);
    guard.historyLost('slave ahead again');
    expect(table.get('G', 'T', 0)).toBe(50);
    expect(lines).toHaveLength(1);
  });

  it('checks each consumer of a broadcasting group on its own: they keep their own offsets', () => {
    const guard = HistoryLossGuard.atStartup([], rows(), noLog);
    guard.historyLost('slave ahead');
    expect(guard.pullTarget({ group: 'B', channelId: 'c1' }, 'T', 0, 8)).toBe(0);
    guard.recordServed({ group: 'B', channelId: 'c1' }, 'T', 0, 8);
    expect(guard.pullTarget({ group: 'B', channelId: 'c1' }, 'T', 0, 8)).toBeUndefined();
    expect(guard.pullTarget({ group: 'B', channelId: 'c2' }, 'T', 0, 8)).toBe(0);
  });
});
