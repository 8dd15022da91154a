import { parsePullRequestHeader } from './pull-header';

const valid = {
  consumerGroup: 'G',
  topic: 'T',
  queueId: '3',
  queueOffset: '1',
  maxMsgNums: '32',
  sysFlag: '7',
  commitOffset: '1',
  suspendTimeoutMillis: '15000',
  subscription: 'TagA || TagB',
  subVersion: '1795689638392',
};

describe('parsePullRequestHeader', () => {
  it('decodes what ali-ons sends (all strings)', () => {
    const result = parsePullRequestHeader(valid);
    expect(result).toEqual({
      ok: true,
      header: {
        consumerGroup: 'G',
        topic: 'T',
        queueId: 3,
        queueOffset: 1,
        maxMsgNums: 32,
        sysFlag: 7,
        commitOffset: 1,
        suspendTimeoutMillis: 15000,
        subscription: 'TagA || TagB',
        subVersion: 1795689638392,
        expressionType: 'TAG',
      },
    });
  });

  it.each([
    [{ consumerGroup: undefined }, /consumerGroup is missing/],
    [{ topic: '' }, /topic is missing/],
    [{ queueId: 'x' }, /queueId must be an integer/],
    [{ queueId: '-1' }, /queueId must be >= 0/],
    [{ queueOffset: '1.5' }, /queueOffset must be an integer/],
    [{ maxMsgNums: '0' }, /maxMsgNums must be >= 1/],
    [{ sysFlag: undefined }, /sysFlag is missing/],
    [{ suspendTimeoutMillis: 'soon' }, /suspendTimeoutMillis must be an integer/],
  ])('refuses %p with a remark', (change, remark) => {
    const ext: Record<string, string> = { ...valid };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete ext[key];
      else ext[key] = value;
    }
    const result = parsePullRequestHeader(ext);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.remark).toMatch(remark);
  });

  it('defaults the optional fields', () => {
    const result = parsePullRequestHeader({ consumerGroup: 'G', topic: 'T', queueId: '0', queueOffset: '0', maxMsgNums: '1', sysFlag: '0' });
    expect(result.ok && result.header).toMatchObject({ commitOffset: 0, suspendTimeoutMillis: 0, subscription: undefined, subVersion: 0 });
  });
});
