// A broker's registration with its nameservers (Java BrokerController.registerBrokerAll and
// BrokerOuterAPI): REGISTER_BROKER to every nameserver at start and every 30 s, carrying the topic
// table; UNREGISTER_BROKER to every nameserver on close. Nameservers share nothing, so each one is
// told separately, in parallel, and one that is down does not delay the others.
import {
  RequestCode,
  ResponseCode,
  bodyCrc,
  createRequest,
  decodeKVTable,
  encodeRegisterBrokerBody,
  encodeRegisterBrokerBodyCompressed,
  type TopicConfigSerializeWrapper,
} from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { RoutingError, RoutingErrorCode } from './errors';
import { silentRoutingLog, type RoutingLog } from './log';
import { positive } from './options';
import { ServiceLoop } from '@pulsejet/protocol';

export interface BrokerIdentity {
  /** RocketMQ brokerClusterName. */
  clusterName: string;
  brokerName: string;
  /** 0 for the master, >= 1 for slaves. */
  brokerId: number;
  /** The address clients reach this broker at, "ip:port". */
  brokerAddr: string;
  /** The HA listen address slaves connect to. @default '' */
  haServerAddr?: string;
}

export interface BrokerRegistrationOptions {
  client: RemotingClient;
  namesrvAddrs: readonly string[];
  broker: BrokerIdentity;
  /**
   * The broker's topic table and its data version, read before every registration. Bump
   * dataVersion.counter whenever the table changes: nameservers re-read topics only then.
   */
  topicConfigs: () => TopicConfigSerializeWrapper;
  /** Re-registration period, ms. @default 30000 (RocketMQ registerNameServerPeriod) */
  registerNameServerPeriodMs?: number;
  /** Timeout of one REGISTER/UNREGISTER_BROKER request, ms. @default 6000 (RocketMQ registerBrokerTimeoutMills) */
  registerBrokerTimeoutMs?: number;
  /**
   * Send the topic table in the compressed form (Java compressedRegister): worth it for brokers with
   * many thousands of topics; it drops topicSysFlag and order, as Java's does. @default false
   */
  compressed?: boolean;
  /** Called after every registration round (a slave learns its master's HA address here). */
  onRegistered?: (outcomes: RegistrationOutcome[]) => void;
  /** @default silent */
  log?: RoutingLog;
}

export const DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS = 30_000;
export const DEFAULT_REGISTER_BROKER_TIMEOUT_MS = 6000;

/** A nameserver's answer to REGISTER_BROKER (Java RegisterBrokerResult). */
export interface BrokerRegisterResult {
  /** For a slave: its master's address, once the master is registered. */
  masterAddr?: string;
  /** For a slave: the master's HA address. */
  haServerAddr?: string;
  /** The nameserver's ORDER_TOPIC_CONFIG namespace, when it has one. */
  orderTopicConfig?: Record<string, string>;
}

export type RegistrationOutcome =
  | { namesrvAddr: string; ok: true; result: BrokerRegisterResult }
  | { namesrvAddr: string; ok: false; error: unknown };

export class BrokerRegistration {
  private readonly options: BrokerRegistrationOptions;
  private readonly periodMs: number;
  private readonly timeoutMs: number;
  private readonly log: RoutingLog;
  private readonly loop: ServiceLoop;
  private starting: Promise<RegistrationOutcome[]> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: BrokerRegistrationOptions) {
    if (options.namesrvAddrs.length === 0) throw new TypeError('namesrvAddrs is empty; give at least one nameserver "host:port"');
    this.options = options;
    this.periodMs = options.registerNameServerPeriodMs ?? DEFAULT_REGISTER_NAME_SERVER_PERIOD_MS;
    this.timeoutMs = options.registerBrokerTimeoutMs ?? DEFAULT_REGISTER_BROKER_TIMEOUT_MS;
    positive('registerNameServerPeriodMs', this.periodMs);
    positive('registerBrokerTimeoutMs', this.timeoutMs);
    this.log = options.log ?? silentRoutingLog;
    this.loop = new ServiceLoop({
      name: 'broker registration',
      intervalMs: this.periodMs,
      task: async () => {
        await this.registerAll();
      },
      onError: (error) => this.log('error', `broker registration failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  /**
   * Registers with every nameserver once, then every registerNameServerPeriodMs. Resolves with the
   * first round's outcomes; a nameserver that is down does not fail start (the loop retries it).
   * Idempotent.
   */
  start(): Promise<RegistrationOutcome[]> {
    if (this.closing) return Promise.reject(new RoutingError(RoutingErrorCode.CLOSED, 'BrokerRegistration is closed; create a new one'));
    this.starting ??= (async () => {
      const outcomes = await this.registerAll();
      if (!this.closing) this.loop.start();
      return outcomes;
    })();
    return this.starting;
  }

  /** One registration round now, e.g. after the topic table changed. */
  async registerAll(): Promise<RegistrationOutcome[]> {
    const { broker } = this.options;
    const compressed = this.options.compressed === true;
    const content = { topicConfigSerializeWrapper: this.options.topicConfigs(), filterServerList: [] };
    const body = compressed ? encodeRegisterBrokerBodyCompressed(content) : encodeRegisterBrokerBody(content);
    const ext = {
      ...this.identityFields(),
      haServerAddr: broker.haServerAddr ?? '',
      compressed: String(compressed),
      bodyCrc32: String(bodyCrc(body)),
    };
    const outcomes = await Promise.all(
      this.options.namesrvAddrs.map(async (namesrvAddr): Promise<RegistrationOutcome> => {
        try {
          const response = await this.options.client.request(namesrvAddr, createRequest(RequestCode.REGISTER_BROKER, { ...ext }, body), this.timeoutMs);
          if (response.code !== ResponseCode.SUCCESS) {
            throw new RoutingError(RoutingErrorCode.UNEXPECTED_RESPONSE, `nameserver ${namesrvAddr} refused REGISTER_BROKER: code ${response.code} ${response.remark ?? ''}`, {
              responseCode: response.code,
            });
          }
          return { namesrvAddr, ok: true, result: resultOf(response.extFields, response.body) };
        } catch (error) {
          this.log('warn', `registering ${broker.brokerAddr} with nameserver ${namesrvAddr} failed: ${error instanceof Error ? error.message : String(error)}`);
          return { namesrvAddr, ok: false, error };
        }
      }),
    );
    this.options.onRegistered?.(outcomes);
    return outcomes;
  }

  /** Stops re-registering and unregisters from every nameserver (best effort). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.loop.close();
      const ext = this.identityFields();
      await Promise.all(
        this.options.namesrvAddrs.map(async (namesrvAddr) => {
          try {
            const response = await this.options.client.request(namesrvAddr, createRequest(RequestCode.UNREGISTER_BROKER, { ...ext }), this.timeoutMs);
            if (response.code !== ResponseCode.SUCCESS) this.log('warn', `nameserver ${namesrvAddr} refused UNREGISTER_BROKER: code ${response.code} ${response.remark ?? ''}`);
          } catch (error) {
            this.log('warn', `unregistering from nameserver ${namesrvAddr} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      );
    })();
    return this.closing;
  }

  private identityFields(): Record<string, string> {
    const { broker } = this.options;
    return { brokerName: broker.brokerName, brokerAddr: broker.brokerAddr, clusterName: broker.clusterName, brokerId: String(broker.brokerId) };
  }
}

function resultOf(ext: Record<string, string>, body: Buffer | undefined): BrokerRegisterResult {
  const result: BrokerRegisterResult = {};
  if (ext['masterAddr']) result.masterAddr = ext['masterAddr'];
  if (ext['haServerAddr']) result.haServerAddr = ext['haServerAddr'];
  if (body?.length) {
    // The registration itself succeeded; an unreadable order config only loses that extra.
    try {
      result.orderTopicConfig = decodeKVTable(body).table;
    } catch {
      // ignored
    }
  }
  return result;
}
