import type { PutMessageInput } from '@pulsejet/core';
import { MessageSysFlag, tagsHashCode } from '@pulsejet/protocol';
import { SCHEDULE_TOPIC } from '../topic/system-topics';
import { TIMER_OUT_MS, hopLevel, rewriteDelayed, scheduleAwareTagsCode, timerTargetOf } from './schedule-rewrite';

const LEVELS = [100, 200, 300];
const base: PutMessageInput = { topic: 'T', queueId: 2, body: Buffer.from('x'), properties: { TAGS: 'TagA', DELAY: '2' } };

describe('rewriteDelayed', () => {
  it('moves a delayed message to the schedule queue of its level with REAL_TOPIC/REAL_QID', () => {
    expect(rewriteDelayed(base, LEVELS)).toMatchObject({
      topic: SCHEDULE_TOPIC,
      queueId: 1,
      properties: { TAGS: 'TagA', DELAY: '2', REAL_TOPIC: 'T', REAL_QID: '2' },
    });
  });

  it('clamps the level to the highest one', () => {
    expect(rewriteDelayed({ ...base, properties: { DELAY: '40' } }, LEVELS)).toMatchObject({ queueId: 2, properties: { DELAY: '3' } });
  });

  it('leaves undelayed and half messages alone, and commits through', () => {
    const plain = { ...base, properties: { TAGS: 'TagA' } };
    expect(rewriteDelayed(plain, LEVELS)).toBe(plain);
    const half = { ...base, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE };
    expect(rewriteDelayed(half, LEVELS)).toBe(half);
    expect(rewriteDelayed({ ...base, sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE }, LEVELS).topic).toBe(SCHEDULE_TOPIC);
    expect(rewriteDelayed(base, []).topic).toBe('T');
  });
});

describe('scheduleAwareTagsCode', () => {
  const tagsCodeOf = scheduleAwareTagsCode(LEVELS);
  it('is the delivery time on the schedule topic and the tag hash elsewhere', () => {
    expect(tagsCodeOf(SCHEDULE_TOPIC, { TAGS: 'TagA', DELAY: '3' }, 1_000_000)).toBe(1_000_300);
    expect(tagsCodeOf('T', { TAGS: 'TagA', DELAY: '3' }, 1_000_000)).toBe(tagsHashCode('TagA'));
  });
});

describe('timed delivery', () => {
  const now = 1_000_000;
  it('reads the target from TIMER_DELIVER_MS, TIMER_DELAY_MS, TIMER_DELAY_SEC or __STARTDELIVERTIME', () => {
    expect(timerTargetOf({ TIMER_DELIVER_MS: '1000500' }, now)).toBe(1_000_500);
    expect(timerTargetOf({ TIMER_DELAY_MS: '700' }, now)).toBe(1_000_700);
    expect(timerTargetOf({ TIMER_DELAY_SEC: '2' }, now)).toBe(1_002_000);
    expect(timerTargetOf({ __STARTDELIVERTIME: '1000400' }, now)).toBe(1_000_400);
    expect(timerTargetOf({ TIMER_DELAY_MS: 'soon' }, now)).toBeUndefined();
    expect(timerTargetOf({ TAGS: 'a' }, now)).toBeUndefined();
  });

  it('hops through the largest level that fits, or level 1', () => {
    expect(hopLevel(700, LEVELS)).toBe(3);
    expect(hopLevel(250, LEVELS)).toBe(2);
    expect(hopLevel(50, LEVELS)).toBe(1);
    expect(hopLevel(250, [300, 100, 200])).toBe(3);
  });

  it('schedules a timed message with its target, and passes one whose time has come', () => {
    expect(rewriteDelayed({ ...base, properties: { TIMER_DELAY_MS: '700' } }, LEVELS, now)).toMatchObject({
      topic: SCHEDULE_TOPIC,
      queueId: 2,
      properties: { TIMER_DELAY_MS: '700', TIMER_OUT_MS: '1000700', DELAY: '3', REAL_TOPIC: 'T', REAL_QID: '2' },
    });
    const past = { ...base, properties: { TIMER_DELIVER_MS: '5' } };
    expect(rewriteDelayed(past, LEVELS, now)).toBe(past);
    expect(rewriteDelayed({ ...base, properties: { TIMER_DELAY_MS: '700', DELAY: '1' } }, LEVELS, now).properties[TIMER_OUT_MS]).toBeUndefined();
  });
});
