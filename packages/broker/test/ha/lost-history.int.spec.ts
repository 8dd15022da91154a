// A master restarted with its store deleted writes its new messages at queue offsets consumers have
// already read in the old history, which its slave still holds. Consumer offsets from the old history
// must not make a consumer skip the new messages below them: once the slave turns out to be ahead,
// the master moves such positions back to where each queue ended when it started (HistoryLossGuard),
// refuses to save such offsets, and trusts positions up to what it has served since. A master
// restarted with its store kept moves nobody.
import { ResponseCode, RequestCode, createRequest, decodeStoredRecords } from '@pulsejet/protocol';
import { sendV2, uniqueTopic } from '../helpers';
import { REQUEST_TIMEOUT_MS, pullRequest, useHaPair, waitFor, waitForPair, type HaPair } from './ha-harness';

jest.setTimeout(90_000);

/** Requests to the pair's master on one topic's queue 0. */
function onMaster(pair: HaPair, topic: string) {
  const client = () => pair.client;
  const addr = () => pair.master.broker.brokerAddr;
  const request = (code: number, ext: Record<string, string>) => client().request(addr(), createRequest(code, ext), REQUEST_TIMEOUT_MS);
  return {
    commit: (group: string, offset: number) => request(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: '0', commitOffset: String(offset) }),
    query: async (group: string) => (await request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: '0' })).extFields['offset'],
    pull: (group: string, offset: number, fields: Record<string, string> = {}) =>
      client().request(addr(), pullRequest(topic, offset, { consumerGroup: group, ...fields }), REQUEST_TIMEOUT_MS),
    async sendMany(count: number, label: string): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const reply = await client().request(addr(), sendV2(topic, Buffer.from(`${label}${i}`), { e: '0' }), REQUEST_TIMEOUT_MS);
        expect([ResponseCode.SUCCESS, ResponseCode.SLAVE_NOT_AVAILABLE]).toContain(reply.code);
        ids.push(reply.extFields['msgId']!);
      }
      return ids;
    },
  };
}

describe('a master that lost its log, with a slave that kept the old history', () => {
  const pair = useHaPair({ brokerRole: 'SYNC_MASTER', brokerName: 'broker-lost' }, { brokerName: 'broker-lost' });
  const topic = uniqueTopic('Lost');
  const { commit, query, pull, sendMany } = onMaster(pair, topic);

  it('a restart with the store kept moves nobody: old offsets are still good', async () => {
    await sendMany(30, 'old');
    expect((await commit('GID_lost', 30)).code).toBe(ResponseCode.SUCCESS);
    await pair.master.restart();
    await waitForPair(pair.master.broker, pair.slave.broker);
    // Offsets past where the queue ended at this start (30) are served and saved as asked.
    await sendMany(10, 'more');
    expect((await pull('GID_lost', 35)).code).toBe(ResponseCode.SUCCESS);
    expect((await commit('GID_other', 38)).code).toBe(ResponseCode.SUCCESS);
    expect(await query('GID_other')).toBe('38');
    expect(await query('GID_lost')).toBe('30');
  });

  it('a restart with the store deleted: old offsets are moved back to 0 once the slave is found ahead, and nothing new is skipped', async () => {
    await pair.master.wipeAndRestart();
    // 50 new messages take queue offsets 0..49, which the old history also used (0..39).
    const fresh = await sendMany(50, 'new');
    await waitFor(() => pair.slave.broker.haSlave?.state() === 'refused', 'the slave to be refused as ahead of the wiped master');

    // A consumer still holding offset 30 from the old history is moved back, not served 30..49.
    const moved = await pull('GID_lost', 30);
    expect(moved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(moved.extFields).toMatchObject({ nextBeginOffset: '0', minOffset: '0', maxOffset: '50', suggestWhichBrokerId: '0' });
    expect(moved.remark).toMatch(/offset 30 may number a message this master lost; read on from 0/);
    const first = await pull('GID_lost', 0);
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredRecords(first.body!).map((record) => record.msgId)).toEqual(fresh.slice(0, 32));
    // What it was served since is its own: it reads and commits on.
    expect((await pull('GID_lost', 32)).code).toBe(ResponseCode.SUCCESS);
    expect((await commit('GID_lost', 40)).code).toBe(ResponseCode.SUCCESS);
    expect(await query('GID_lost')).toBe('40');
    // Beyond what it was served (50), an offset is not its own: a late commit of an old offset is refused.
    expect((await commit('GID_lost', 55)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const stale = await pull('GID_lost', 55);
    expect(stale.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(stale.extFields['nextBeginOffset']).toBe('50');

    // A group committing an old offset it was never served here: refused, with what to do.
    const refused = await commit('GID_other', 35);
    expect(refused.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(refused.remark).toMatch(
      /offset 35 of GID_other for .*@0 was not saved: this master lost part of its log \(slave 127.0.0.1:\d+ holds a commit log up to \d+; this master's ended at 0 when it started\), the queue ended at 0 when it started, and the group was not served that far since.*Pull the queue/,
    );
    // Asked here, it is given a good offset (the new log starts at 0); once served past 35, it commits 35.
    expect(await query('GID_other')).toBe('0');
    expect((await pull('GID_other', 0)).code).toBe(ResponseCode.SUCCESS);
    expect((await pull('GID_other', 32)).code).toBe(ResponseCode.SUCCESS);
    expect((await commit('GID_other', 35)).code).toBe(ResponseCode.SUCCESS);
  });
});

describe('a consumer misled before the master learned of the loss', () => {
  const pair = useHaPair({ brokerRole: 'SYNC_MASTER', brokerName: 'broker-misled' }, { brokerName: 'broker-misled' });
  const topic = uniqueTopic('Misled');
  const { pull, sendMany } = onMaster(pair, topic);

  it('is moved back at its next pull, though a pull it parked before the loss was answered after it', async () => {
    await sendMany(40, 'old');
    // The slave is away while the master restarts empty, so the master does not know yet.
    await pair.slave.stop();
    await pair.master.wipeAndRestart();
    await sendMany(50, 'new');
    // Misled: served the new log from its old offset 30 (skipping 0..29), then caught up at 50.
    const misled = await pull('GID_misled', 30);
    expect(misled.code).toBe(ResponseCode.SUCCESS);
    expect(misled.extFields['nextBeginOffset']).toBe('50');
    // Long polling: parked at the end before the master learns of the loss.
    const parked = pull('GID_misled', 50, { sysFlag: '6', suspendTimeoutMillis: '15000' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pair.slave.restart();
    await waitFor(() => pair.slave.broker.haSlave?.state() === 'refused', 'the slave to be refused as ahead of the wiped master');
    await sendMany(1, 'late');
    const answered = await parked;
    expect(answered.code).toBe(ResponseCode.SUCCESS);
    expect(answered.extFields['nextBeginOffset']).toBe('51');
    // That answer does not vouch for the position: the next pull is moved back to the start.
    const next = await pull('GID_misled', 51);
    expect(next.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(next.extFields['nextBeginOffset']).toBe('0');
  });
});
