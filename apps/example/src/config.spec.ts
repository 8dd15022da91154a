// The example maps its environment to Pulsejet options in one place; the services never see it.
import { configFromEnv, ExampleConfigError } from './config';

describe('configFromEnv', () => {
  it('defaults to an in-memory embedded broker and three demo orders', () => {
    expect(configFromEnv({})).toEqual({ namesrv: undefined, dataDir: undefined, orders: 3 });
  });

  it('connects with PULSEJET_NAMESRV and keeps data with PULSEJET_DATA_DIR', () => {
    expect(configFromEnv({ PULSEJET_NAMESRV: '127.0.0.1:9876', EXAMPLE_ORDERS: '0' })).toEqual({ namesrv: '127.0.0.1:9876', dataDir: undefined, orders: 0 });
    expect(configFromEnv({ PULSEJET_DATA_DIR: './data/example' }).dataDir).toBe('./data/example');
  });

  it('refuses both at once and a bad order count', () => {
    expect(() => configFromEnv({ PULSEJET_NAMESRV: 'a:1', PULSEJET_DATA_DIR: 'd' })).toThrow(ExampleConfigError);
    expect(() => configFromEnv({ EXAMPLE_ORDERS: 'many' })).toThrow(/EXAMPLE_ORDERS must be a whole number/);
  });
});
