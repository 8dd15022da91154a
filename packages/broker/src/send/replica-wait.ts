// SYNC_MASTER's second wait (Java CommitLog.handleHA): after the store has the message (and flushed
// it, with SYNC_FLUSH), wait until a slave has it too. One wait per put, for the end of its last
// message, so a batch waits once. Many concurrent sends share the HA service's group transfer.
import type { PutMessageResult } from '@pulsejet/core';
import type { ReplicaWaitResult } from '@pulsejet/replication';
import type { BrokerContext } from '../broker-context';

/**
 * The put result the client should see: PUT_OK becomes FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE
 * when no slave confirmed in time; the stored positions stay, so the reply still carries msgId and
 * queue offset (the message is on the master). Other statuses, and sends that did not ask to wait
 * (WAIT=false), pass through.
 *
 * The result itself, not a promise, when there is nothing to wait for (no slave to wait on, the
 * common case): an `await` costs every send a microtask turn even on a value, so callers await only
 * a promise (`instanceof Promise`).
 */
export function awaitReplica(ctx: BrokerContext, result: PutMessageResult, waitStoreMsgOK: boolean): PutMessageResult | Promise<PutMessageResult> {
  const wait = ctx.waitForReplica;
  const last = result.stored?.[result.stored.length - 1];
  if (wait === undefined || !waitStoreMsgOK || result.status !== 'PUT_OK' || last === undefined) return result;
  return replicated(ctx, result, wait(last.physicalOffset + last.size));
}

async function replicated(ctx: BrokerContext, result: PutMessageResult, waiting: Promise<ReplicaWaitResult>): Promise<PutMessageResult> {
  const replica = await waiting;
  if (replica === 'OK') return result;
  const message =
    replica === 'FLUSH_SLAVE_TIMEOUT'
      ? `the message is stored on the master but no slave confirmed it within syncFlushTimeout (${ctx.store.options.syncFlushTimeout} ms)`
      : 'the message is stored on the master but no slave is attached or in sync (within haMaxGapNotInSync); start or repair the slave';
  return { ...result, status: replica, message };
}
