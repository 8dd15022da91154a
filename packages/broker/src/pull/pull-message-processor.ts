// PULL_MESSAGE (11), Java PullMessageProcessor (reference §3.9 and §7): validate, read the queue with
// the tag filter, re-check exact tags, map the store status to a reply code, save a piggybacked
// commit offset, and park PULL_NOT_FOUND pulls that ask to be suspended.
import type { GetMessageResult, MessageStore } from '@pulsejet/core';
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import type { RemotingChannel, RemotingLog } from '@pulsejet/remoting';
import type { HistoryLossGuard, PositionOwner } from '../offset/history-loss-guard';
import { joinRecords } from './join-records';
import { PullSysFlag, hasFlag, parsePullRequestHeader, type PullRequestHeader } from './pull-header';
import type { HeldPull, PullHoldService } from './pull-hold-service';
import { pullReplyCode } from './pull-status';
import { matchesTagsCode, parseSubscription, recordMatchesTags, tagsCodeFilter, type Subscription } from './subscription';

// Bound once at load: under CommonJS every use of an imported name is a getter call on the protocol
// barrel's exports, which the end-to-end profile showed on every pull.
const { MASTER_BROKER_ID, RecordField, ResponseCode, createResponse } = protocol;

/**
 * Most messages one pull returns, whatever it asks: with a tag filter the store scans at least this
 * many entries synchronously, so a huge maxMsgNums must not turn into a scan of the whole queue.
 * (Java caps transfers at 32 messages in memory; ali-ons asks for 32.)
 */
export const MAX_MSG_NUMS_PER_PULL = 1024;

export type TopicReadability = 'ok' | 'not-exist' | 'no-permission';

/** What the pull path needs from the rest of the broker. */
export interface PullMessageProcessorDeps {
  store: MessageStore;
  /** This broker's id (0 = master). */
  brokerId: number;
  isSlave: () => boolean;
  topicReadable: (topic: string) => TopicReadability;
  /** Read queue count of a topic, to refuse out-of-range queue ids; undefined: not checked. */
  readQueueNums?: (topic: string) => number | undefined;
  /**
   * The group's registered expression for a topic (ConsumerManager.findSubscription), used when the
   * pull carries no subscription (SUBSCRIPTION flag clear). Absent: such pulls get everything.
   */
  findSubscription?: (group: string, topic: string) => string | undefined;
  /**
   * The reply's suggestWhichBrokerId (Java PullMessageProcessor): given the group and the commit-log
   * end of the last message this pull read (undefined when it read none). Absent: always the master.
   */
  suggestBrokerId?: (group: string, pulledUpTo: number | undefined) => number;
  /**
   * A master's check of consumer positions after it lost part of its log (../offset/history-loss-guard.ts).
   * Absent (a slave): every offset is served as asked.
   */
  historyGuard?: HistoryLossGuard;
  /** Whether a group consumes in broadcasting mode (its consumers keep their own offsets). */
  isBroadcasting?: (group: string) => boolean;
  log: RemotingLog;
}

interface PullRun {
  header: PullRequestHeader;
  subscription: Subscription;
  channel: RemotingChannel;
  /**
   * Set when the history guard checked this pull's offset (the master had lost history when it came):
   * only such a pull's answer counts as served. A pull parked before the loss was never checked.
   */
  checkedFor: PositionOwner | undefined;
}

export class PullMessageProcessor {
  constructor(
    private readonly deps: PullMessageProcessorDeps,
    private readonly holds: PullHoldService,
  ) {}

  /** The RequestProcessor: answers at once, or later for a held pull. */
  process(request: RemotingCommand, channel: RemotingChannel): RemotingCommand | Promise<RemotingCommand> {
    const parsed = parsePullRequestHeader(request.extFields);
    if (!parsed.ok) return createResponse(request, ResponseCode.SYSTEM_ERROR, parsed.remark);
    const header = parsed.header;

    const readable = this.deps.topicReadable(header.topic);
    if (readable === 'not-exist') {
      return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, `topic ${header.topic} does not exist on this broker; create it or check the route`);
    }
    if (readable === 'no-permission') {
      return createResponse(request, ResponseCode.NO_PERMISSION, `topic ${header.topic} is not readable on this broker`);
    }
    const queueNums = this.deps.readQueueNums?.(header.topic);
    if (queueNums !== undefined && header.queueId >= queueNums) {
      return createResponse(
        request,
        ResponseCode.SYSTEM_ERROR,
        `queueId ${header.queueId} is out of range: topic ${header.topic} has ${queueNums} read queues on this broker`,
      );
    }
    if (header.expressionType !== 'TAG') {
      return createResponse(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, `expression type ${header.expressionType} is not supported; use TAG`);
    }

    let expression: string | undefined = header.subscription;
    if (!hasFlag(header.sysFlag, PullSysFlag.SUBSCRIPTION) && this.deps.findSubscription) {
      expression = this.deps.findSubscription(header.consumerGroup, header.topic);
      if (expression === undefined) {
        return createResponse(
          request,
          ResponseCode.SUBSCRIPTION_NOT_EXIST,
          `consumer group ${header.consumerGroup} has no subscription to ${header.topic}; send a heartbeat first or pull with the SUBSCRIPTION flag`,
        );
      }
    }
    const sub = parseSubscription(expression);
    if (!sub.ok) return createResponse(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, sub.reason);

    const run: PullRun = { header, subscription: sub.subscription, channel, checkedFor: undefined };
    let commit = hasFlag(header.sysFlag, PullSysFlag.COMMIT_OFFSET);
    const guard = this.deps.historyGuard;
    if (guard !== undefined && guard.lost) {
      const owner = this.positionOwner(header.consumerGroup, channel);
      if (commit && header.commitOffset >= 0) commit = guard.mayCommit(owner, header.topic, header.queueId, header.commitOffset);
      const target = guard.pullTarget(owner, header.topic, header.queueId, header.queueOffset);
      if (target !== undefined) {
        if (commit) this.commitOffset(header);
        return this.moveBack(request, header, target);
      }
      run.checkedFor = owner;
    }

    const response = this.pull(request, run);

    // Piggybacked consumer offset (reference §7): saved whatever the reply code, on first handling only.
    // Java ignores it on a slave because SlaveSynchronize would overwrite it; ours merges offsets by
    // maximum (../slave/slave-synchronize.ts), so a slave keeps what a consumer reading from it commits.
    if (commit) this.commitOffset(header);

    if (response.code === ResponseCode.PULL_NOT_FOUND && hasFlag(header.sysFlag, PullSysFlag.SUSPEND)) {
      return new Promise<RemotingCommand>((resolve) => {
        const deadline = Date.now() + this.holds.holdMillis(header.suspendTimeoutMillis);
        if (!this.holds.hold(new ParkedPull(this, request, run, response, deadline, resolve))) resolve(response);
      });
    }
    return response;
  }

  /** One non-suspending read of the queue, turned into a reply (also ParkedPull.answer, so not private). */
  pull(request: RemotingCommand, run: PullRun): RemotingCommand {
    const { header, subscription } = run;
    const filter = tagsCodeFilter(subscription);
    const result: GetMessageResult = this.deps.store.getMessage(header.topic, header.queueId, header.queueOffset, {
      maxMsgNums: Math.min(header.maxMsgNums, MAX_MSG_NUMS_PER_PULL),
      ...(filter ? { filter } : {}),
    });
    let status = result.status;
    let messages = result.messages;
    if (status === 'FOUND' && !subscription.all) {
      // Hash collisions: drop records whose exact tag is not subscribed; the offsets still advance.
      messages = messages.filter((record) => recordMatchesTags(subscription, record));
      if (messages.length === 0) status = 'NO_MATCHED_MESSAGE';
    }
    let code: number = pullReplyCode(status, header.queueOffset);
    let nextBeginOffset = result.nextBeginOffset;
    if (code === ResponseCode.PULL_OFFSET_MOVED && this.deps.isSlave()) {
      // A slave may lag its master: never move a consumer's offset from here (Java offsetCheckInSlave=false).
      code = ResponseCode.PULL_RETRY_IMMEDIATELY;
      nextBeginOffset = header.queueOffset;
    }
    if (run.checkedFor !== undefined) this.deps.historyGuard?.recordServed(run.checkedFor, header.topic, header.queueId, nextBeginOffset);
    const ext = {
      nextBeginOffset: String(nextBeginOffset),
      minOffset: String(result.minOffset),
      maxOffset: String(result.maxOffset),
      suggestWhichBrokerId: String(this.deps.suggestBrokerId?.(header.consumerGroup, pulledUpTo(result.messages)) ?? MASTER_BROKER_ID),
    };
    if (code === ResponseCode.SUCCESS) return createResponse(request, code, undefined, ext, joinRecords(messages));
    return createResponse(request, code, status, ext);
  }

  private positionOwner(group: string, channel: RemotingChannel): PositionOwner {
    return this.deps.isBroadcasting?.(group) ? { group, channelId: channel.id } : { group };
  }

  /** PULL_OFFSET_MOVED to `target` (HistoryLossGuard.pullTarget): the asked offset may number a message this master lost. */
  private moveBack(request: RemotingCommand, header: PullRequestHeader, target: number): RemotingCommand {
    const { topic, queueId } = header;
    this.deps.log(
      'warn',
      `moving ${header.consumerGroup} on ${topic}@${queueId} from offset ${header.queueOffset} back to ${target} (where the queue ended when this master started, or what it served the group since): it lost part of its log, so the offset may number a lost message`,
    );
    return createResponse(request, ResponseCode.PULL_OFFSET_MOVED, `offset ${header.queueOffset} may number a message this master lost; read on from ${target}`, {
      nextBeginOffset: String(target),
      minOffset: String(this.deps.store.getMinOffsetInQueue(topic, queueId)),
      maxOffset: String(this.deps.store.getMaxOffsetInQueue(topic, queueId)),
      suggestWhichBrokerId: String(MASTER_BROKER_ID),
    });
  }

  private commitOffset(header: PullRequestHeader): void {
    if (header.commitOffset < 0) return;
    try {
      this.deps.store.metadata.commitOffset(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
    } catch (error) {
      this.deps.log('warn', `could not save the offset piggybacked on a pull of ${header.topic}@${header.queueId} by ${header.consumerGroup}: ${String(error)}`);
    }
  }
}

/**
 * A pull parked by the hold service. A class rather than an object of closures: a pull is parked
 * for nearly every message under long polling, and under tsx each named closure costs an
 * Object.defineProperty (esbuild keepNames).
 */
class ParkedPull implements HeldPull {
  readonly topic: string;
  readonly queueId: number;
  readonly offset: number;
  readonly channelId: string;

  constructor(
    private readonly processor: PullMessageProcessor,
    private readonly request: RemotingCommand,
    private readonly run: PullRun,
    private readonly notFound: RemotingCommand,
    readonly deadline: number,
    private readonly resolve: (reply: RemotingCommand) => void,
  ) {
    this.topic = run.header.topic;
    this.queueId = run.header.queueId;
    this.offset = run.header.queueOffset;
    this.channelId = run.channel.id;
  }

  matches(tagsCode: number): boolean {
    return matchesTagsCode(this.run.subscription, tagsCode);
  }

  answer(): void {
    this.resolve(this.processor.pull(this.request, this.run));
  }

  drop(): void {
    this.resolve(this.notFound);
  }
}

/** Commit-log end of the last record read (its PHYSICALOFFSET plus its size), or undefined. */
function pulledUpTo(messages: readonly Buffer[]): number | undefined {
  const last = messages[messages.length - 1];
  if (last === undefined || last.length < RecordField.PHYSICAL_OFFSET + 8) return undefined;
  return Number(last.readBigInt64BE(RecordField.PHYSICAL_OFFSET)) + last.length;
}
