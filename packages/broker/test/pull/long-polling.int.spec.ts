// Long polling (reference §7): held PULL_NOT_FOUND pulls, woken by arrivals, answered on timeout,
// on close, and dropped with their channel.
import { RequestCode, ResponseCode, createRequest, decodeStoredRecords, type RemotingCommand } from '@pulsejet/protocol';
import { InProcessRemotingClient } from '@pulsejet/remoting';
import { pullHeader, startPullBroker, toExt, uniqueTopic, waitFor, type PullBroker } from './harness';

const SUSPEND = 2 | 4;

/** Tracks a pending reply so tests can assert it has not arrived yet. */
function track(promise: Promise<RemotingCommand>): { reply: RemotingCommand | undefined; promise: Promise<RemotingCommand> } {
  const tracked: { reply: RemotingCommand | undefined; promise: Promise<RemotingCommand> } = { reply: undefined, promise };
  void promise.then((reply) => (tracked.reply = reply));
  return tracked;
}

describe('long polling', () => {
  let broker: PullBroker;
  afterEach(() => broker.close());

  it('holds a pull until a matching message is put, then answers FOUND', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 60_000 } });
    const topic = uniqueTopic();
    const pending = track(broker.pull(pullHeader(topic, { sysFlag: SUSPEND, subscription: 'TagA' })));
    await waitFor(() => broker.handle.heldCount() === 1, 'the pull to be held');
    expect(pending.reply).toBeUndefined();
    await broker.put(topic, 0, 'TagA', 'arrived');
    const reply = await pending.promise;
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredRecords(reply.body!).map((m) => m.body.toString())).toEqual(['arrived']);
    expect(reply.extFields).toMatchObject({ nextBeginOffset: '1', minOffset: '0', maxOffset: '1', suggestWhichBrokerId: '0' });
    expect(broker.handle.heldCount()).toBe(0);
  });

  it('answers 19 with fresh offsets when the (capped) suspend time is up', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 20, maxSuspendMillis: 150 } });
    const topic = uniqueTopic();
    await broker.put(topic, 0);
    const started = Date.now();
    const reply = await broker.pull(pullHeader(topic, { sysFlag: SUSPEND, queueOffset: 1, suspendTimeoutMillis: 15_000 }));
    const waited = Date.now() - started;
    expect(reply.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(reply.extFields).toMatchObject({ nextBeginOffset: '1', minOffset: '0', maxOffset: '1', suggestWhichBrokerId: '0' });
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(2000);
  });

  it('a message with another tag does not wake the pull; close answers it', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 60_000 } });
    const topic = uniqueTopic();
    const pending = track(broker.pull(pullHeader(topic, { sysFlag: SUSPEND, subscription: 'TagA' })));
    await waitFor(() => broker.handle.heldCount() === 1, 'the pull to be held');
    await broker.put(topic, 0, 'TagB');
    await broker.put(topic, 1, 'TagA'); // another queue
    // Give a wrong wake-up every chance to happen (the pull must still be parked afterwards).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pending.reply).toBeUndefined();
    expect(broker.handle.heldCount()).toBe(1);

    await broker.handle.close();
    const reply = await pending.promise;
    expect(reply.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(reply.extFields['nextBeginOffset']).toBe('1');
  });

  it('the periodic check catches an arrival the wake-up missed', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 20 } });
    const topic = uniqueTopic();
    const pending = track(broker.pull(pullHeader(topic, { sysFlag: SUSPEND, subscription: 'TagA' })));
    await waitFor(() => broker.handle.heldCount() === 1, 'the pull to be held');
    await broker.put(topic, 0, 'TagB');
    const reply = await pending.promise;
    // Woken by the check, re-run without suspending: nothing matches, move past it.
    expect(reply.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(reply.extFields['nextBeginOffset']).toBe('1');
  });

  it('answers every held pull on close', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 60_000 } });
    const topics = [uniqueTopic(), uniqueTopic(), uniqueTopic()];
    const pending = topics.map((topic) => broker.pull(pullHeader(topic, { sysFlag: SUSPEND })));
    await waitFor(() => broker.handle.heldCount() === 3, 'three held pulls');
    await broker.handle.close();
    await broker.handle.close(); // idempotent
    const replies = await Promise.all(pending);
    expect(replies.map((r) => r.code)).toEqual([19, 19, 19]);
    expect(broker.handle.heldCount()).toBe(0);
  });

  it('does not hold without the SUSPEND flag, and answers at once when the hold table is full', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 60_000, maxHeldRequests: 1 } });
    const topic = uniqueTopic();
    expect((await broker.pull(pullHeader(topic, { sysFlag: 4 }))).code).toBe(ResponseCode.PULL_NOT_FOUND);
    const first = broker.pull(pullHeader(topic, { sysFlag: SUSPEND }));
    await waitFor(() => broker.handle.heldCount() === 1, 'the first pull to be held');
    const second = await broker.pull(pullHeader(topic, { sysFlag: SUSPEND, queueId: 1 }));
    expect(second.code).toBe(ResponseCode.PULL_NOT_FOUND);
    await broker.put(topic, 0);
    expect((await first).code).toBe(ResponseCode.SUCCESS);
  });

  it('does not commit the piggybacked offset again on the wake-up', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 60_000 } });
    const topic = uniqueTopic();
    const pending = broker.pull(pullHeader(topic, { sysFlag: SUSPEND | 1, commitOffset: 3 }));
    await waitFor(() => broker.handle.heldCount() === 1, 'the pull to be held');
    expect(broker.store.metadata.queryOffset('GID_pull', topic, 0)).toBe(3);
    broker.store.metadata.commitOffset('GID_pull', topic, 0, 7);
    await broker.put(topic, 0);
    expect((await pending).code).toBe(ResponseCode.SUCCESS);
    expect(broker.store.metadata.queryOffset('GID_pull', topic, 0)).toBe(7);
  });

  it('drops the held pulls of a channel that closes', async () => {
    broker = await startPullBroker({ longPolling: { checkIntervalMillis: 60_000 } });
    const topic = uniqueTopic();
    const other = new InProcessRemotingClient(broker.network, { log: () => undefined });
    const pending = other.request(broker.address, createRequest(RequestCode.PULL_MESSAGE, toExt(pullHeader(topic, { sysFlag: SUSPEND }))), 5000);
    pending.catch(() => undefined);
    await waitFor(() => broker.handle.heldCount() === 1, 'the pull to be held');
    await other.close();
    await waitFor(() => broker.handle.heldCount() === 0, 'the held pull to be dropped');
  });
});
