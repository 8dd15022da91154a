import { updateConfigFileText } from './config-file-update';
import { parseConfigFile } from './config';

describe('updateConfigFileText', () => {
  it('rewrites only the changed keys of a .properties file, continuation lines and duplicates included', () => {
    const text = ['# ns', 'scanNotActiveBrokerInterval = 5000', 'brokerChannelExpiredTime=12\\', '  0000', 'rocketmqHome=/opt', 'scanNotActiveBrokerInterval=6000'].join('\n');
    const updated = updateConfigFileText(text, 'ns.properties', { scanNotActiveBrokerInterval: '2500', brokerChannelExpiredTime: '9000', orderMessageEnable: 'false' });
    expect(updated).toBe(['# ns', 'scanNotActiveBrokerInterval=2500', 'brokerChannelExpiredTime=9000', 'rocketmqHome=/opt', 'scanNotActiveBrokerInterval=2500', 'orderMessageEnable=false', ''].join('\n'));
    expect(parseConfigFile(updated, 'ns.properties')).toEqual({ scanNotActiveBrokerInterval: '2500', brokerChannelExpiredTime: '9000', orderMessageEnable: 'false' });
  });

  it('keeps CRLF line ends and a file without a final newline', () => {
    expect(updateConfigFileText('a=1\r\nlogLevel=info\r\n', 'ns.properties', { logLevel: 'debug' })).toBe('a=1\r\nlogLevel=debug\r\n');
    expect(updateConfigFileText('a=1', 'ns.properties', { logLevel: 'debug' })).toBe('a=1\nlogLevel=debug\n');
    expect(updateConfigFileText('', 'ns.properties', { logLevel: 'debug' })).toBe('logLevel=debug\n');
  });

  it('sets typed values in a JSON file and keeps its other keys', () => {
    const updated = updateConfigFileText('{"listenPort": 9876, "rocketmqHome": "/opt"}', 'ns.json', { brokerChannelExpiredTime: '60000', orderMessageEnable: 'false', logLevel: 'warn' });
    expect(JSON.parse(updated)).toEqual({ listenPort: 9876, rocketmqHome: '/opt', brokerChannelExpiredTime: 60000, orderMessageEnable: false, logLevel: 'warn' });
  });
});
