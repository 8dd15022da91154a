import { overrideConf, readConfKeys } from './conf-file';

describe('broker.conf copies', () => {
  const text = '# comment\nbrokerName=broker-a\nlistenPort = 10911\n\nbrokerRole=SLAVE\n';

  it('reads keys, skipping comments and blank lines', () => {
    expect(Object.fromEntries(readConfKeys(text))).toEqual({ brokerName: 'broker-a', listenPort: '10911', brokerRole: 'SLAVE' });
  });

  it('replaces keys in place and appends missing ones, keeping comments', () => {
    expect(overrideConf(text, { listenPort: '4000', storePathRootDir: '/tmp/s' })).toBe(
      '# comment\nbrokerName=broker-a\nlistenPort=4000\n\nbrokerRole=SLAVE\n# set by tools/cluster\nstorePathRootDir=/tmp/s\n',
    );
  });
});
