// A helper for users' own tests: an in-memory nameserver and broker per test (no ports, no
// files), short timers and broker delay levels so retries happen in milliseconds, and `until`
// waits that end when deliveries happened (never a sleep).
//
//   const pj = createTestPulsejet();
//   pj.container.bind(Billing).toSelf().inSingletonScope();
//   await pj.start();
//   await pj.producer.send({ topic: 'orders', body: { id: 1 } });
//   await pj.until.consumed('billing', 1);
//   await pj.close();
import { Producer } from '@pulsejet/client';
import { Container } from 'inversify';
import { startPulsejet, type PulsejetApp } from '../app/start-pulsejet';
import type { Until } from '../app/consumption-stats';
import { PulsejetConfigError, PulsejetConfigErrorCode } from '../errors';
import type { ConsumerTuning, EmbeddedBrokerOptions, PulsejetCommonOptions, PulsejetLog } from '../module/module-options';
import { PulsejetModule } from '../module/pulsejet-module';

/** Broker delay levels for tests: the first retry (level 3) after 300 ms instead of 10 s. */
export const TEST_MESSAGE_DELAY_LEVEL = '100ms 200ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms 300ms';

/** Consumer timers short enough for a test's time scale. */
export const TEST_CONSUMER_TUNING: ConsumerTuning = {
  rebalanceIntervalMs: 500,
  persistOffsetIntervalMs: 200,
  brokerSuspendMaxTimeMs: 1_000,
  pullTimeoutMs: 5_000,
  pullDelayOnErrorMs: 100,
  awaitTerminationMs: 10_000,
};

/** Errors only: a test's expected retries should not fill the output. */
const errorsOnly: PulsejetLog = (level, message) => {
  if (level === 'error') process.stderr.write(`[pulsejet] ${level}: ${message}\n`);
};

export interface TestPulsejetOptions extends Omit<PulsejetCommonOptions, 'consumer'> {
  /** Broker settings over the test defaults (messageDelayLevel = TEST_MESSAGE_DELAY_LEVEL). */
  broker?: EmbeddedBrokerOptions;
  /** Consumer settings over TEST_CONSUMER_TUNING. */
  consumer?: ConsumerTuning;
  /** The container to use. @default a new Container */
  container?: Container;
}

export interface TestPulsejet {
  /** Bind your services here before start(); PulsejetModule (embedded, memory) is loaded already. */
  readonly container: Container;
  /** The injectable Producer of the container. */
  readonly producer: Producer;
  /** startPulsejet(container). */
  start(): Promise<PulsejetApp>;
  /** The started app; throws before start(). */
  readonly app: PulsejetApp;
  /** app.until: `await pj.until.consumed('billing', 3)`. */
  readonly until: Until;
  /** Closes the app (or, if never started, nothing needs closing). */
  close(): Promise<void>;
}

export function createTestPulsejet(options: TestPulsejetOptions = {}): TestPulsejet {
  const { broker, consumer, container: given, ...common } = options;
  const container = given ?? new Container();
  container.loadSync(
    PulsejetModule.embedded({
      memory: true,
      log: errorsOnly,
      ...common,
      client: { heartbeatBrokerIntervalMs: 1_000, pollNameServerIntervalMs: 500, ...(common.client ?? {}) },
      broker: { messageDelayLevel: TEST_MESSAGE_DELAY_LEVEL, transactionCheckInterval: 500, transactionTimeOut: 0, ...(broker ?? {}) },
      consumer: { ...TEST_CONSUMER_TUNING, ...(consumer ?? {}) },
    }),
  );
  let app: PulsejetApp | undefined;
  const started = (): PulsejetApp => {
    if (!app) throw new PulsejetConfigError(PulsejetConfigErrorCode.NOT_RUNNING, 'call await pj.start() first');
    return app;
  };
  return {
    container,
    producer: container.get(Producer),
    async start() {
      app = await startPulsejet(container);
      return app;
    },
    get app() {
      return started();
    },
    get until() {
      return started().until;
    },
    async close() {
      await app?.close();
    },
  };
}
