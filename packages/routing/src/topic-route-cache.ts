// The client-side route cache (Java MQClientInstance.updateTopicRouteInfoFromNameServer and its
// 30 s poll): routes are fetched on first use, refreshed on a timer, and re-fetched after a send
// failure invalidates them. Nameservers fail over; the last one that answered is asked first.
import { RequestCode, ResponseCode, createRequest, decodeTopicRouteData, encodeTopicRouteData, type TopicRouteData } from '@pulsejet/protocol';
import type { RemotingClient } from '@pulsejet/remoting';
import { RoutingError, RoutingErrorCode } from './errors';
import { silentRoutingLog, type RoutingLog } from './log';
import { NameServerInvoker } from './namesrv-invoker';
import { positive } from './options';
import { ServiceLoop } from '@pulsejet/protocol';

export interface TopicRouteCacheOptions {
  client: RemotingClient;
  /** Nameserver addresses, "host:port"; at least one. */
  namesrvAddrs: readonly string[];
  /** How often cached routes are refreshed, ms. @default 30000 (RocketMQ pollNameServerInterval) */
  pollNameServerIntervalMs?: number;
  /** Timeout of one route request to one nameserver, ms. @default 3000 (RocketMQ and ali-ons) */
  requestTimeoutMs?: number;
  /** @default silent */
  log?: RoutingLog;
}

export const DEFAULT_POLL_NAME_SERVER_INTERVAL_MS = 30_000;
export const DEFAULT_ROUTE_REQUEST_TIMEOUT_MS = 3000;

export type RouteChangeListener = (topic: string, route: TopicRouteData) => void;

interface Entry {
  route: TopicRouteData;
  /** The encoded route, to tell a changed route from the same one fetched again. */
  fingerprint: string;
  stale: boolean;
}

export class TopicRouteCache {
  private readonly routes = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<TopicRouteData>>();
  private readonly listeners: RouteChangeListener[] = [];
  private readonly invoker: NameServerInvoker;
  private readonly log: RoutingLog;
  private readonly poll: ServiceLoop;
  private closed = false;

  constructor(options: TopicRouteCacheOptions) {
    const interval = options.pollNameServerIntervalMs ?? DEFAULT_POLL_NAME_SERVER_INTERVAL_MS;
    const timeout = options.requestTimeoutMs ?? DEFAULT_ROUTE_REQUEST_TIMEOUT_MS;
    positive('pollNameServerIntervalMs', interval);
    positive('requestTimeoutMs', timeout);
    this.log = options.log ?? silentRoutingLog;
    this.invoker = new NameServerInvoker({ client: options.client, namesrvAddrs: options.namesrvAddrs, requestTimeoutMs: timeout, log: this.log });
    this.poll = new ServiceLoop({
      name: 'route poll',
      intervalMs: interval,
      task: (signal) => this.refreshAll(signal),
      onError: (error) => this.log('error', `route poll failed: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  /** Starts refreshing cached routes every pollNameServerIntervalMs. Idempotent. */
  start(): void {
    if (!this.closed) this.poll.start();
  }

  /** Stops the refresh loop. Idempotent; getRoute fails with CLOSED afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.poll.close();
  }

  /**
   * The route of `topic`: from the cache, else from a nameserver (concurrent callers share one
   * request). Throws RoutingError TOPIC_NOT_EXIST, or NAMESRV_UNAVAILABLE when no nameserver
   * answers and nothing usable is cached.
   */
  async getRoute(topic: string): Promise<TopicRouteData> {
    if (this.closed) throw new RoutingError(RoutingErrorCode.CLOSED, 'TopicRouteCache is closed; create a new one');
    const entry = this.routes.get(topic);
    if (entry && !entry.stale) return entry.route;
    try {
      return await this.refresh(topic);
    } catch (error) {
      // An invalidated route is better than none while every nameserver is down.
      if (entry && RoutingError.is(error) && error.code === RoutingErrorCode.NAMESRV_UNAVAILABLE) return entry.route;
      throw error;
    }
  }

  /**
   * The cached route when getRoute would return it without asking a nameserver (cached, not marked
   * stale, cache open); else undefined. Lets a producer choose a queue without an await per send.
   */
  freshRoute(topic: string): TopicRouteData | undefined {
    if (this.closed) return undefined;
    const entry = this.routes.get(topic);
    return entry && !entry.stale ? entry.route : undefined;
  }

  /** The cached route, without asking a nameserver. */
  cachedRoute(topic: string): TopicRouteData | undefined {
    return this.routes.get(topic)?.route;
  }

  /** Topics with a cached route. */
  topics(): string[] {
    return [...this.routes.keys()];
  }

  /** Marks the route stale (e.g. after a send failed): the next getRoute asks a nameserver. */
  invalidate(topic: string): void {
    const entry = this.routes.get(topic);
    if (entry) entry.stale = true;
  }

  /** Called whenever a topic's fetched route differs from the cached one (first fetch included). */
  onRouteChange(listener: RouteChangeListener): void {
    this.listeners.push(listener);
  }

  /** The nameserver asked first: the last one that answered. */
  get preferredNameServer(): string {
    return this.invoker.preferredAddress;
  }

  /**
   * Fetches the route now and caches it. A failure (TOPIC_NOT_EXIST included) leaves a cached route
   * in place: a nameserver that just restarted knows no topics until brokers re-register.
   */
  refresh(topic: string): Promise<TopicRouteData> {
    let pending = this.inFlight.get(topic);
    if (!pending) {
      pending = this.fetch(topic).finally(() => this.inFlight.delete(topic));
      this.inFlight.set(topic, pending);
    }
    return pending;
  }

  private async fetch(topic: string): Promise<TopicRouteData> {
    const { response, address } = await this.invoker.invoke(() => createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
    if (response.code === ResponseCode.TOPIC_NOT_EXIST || (response.code === ResponseCode.SUCCESS && !response.body?.length)) {
      throw new RoutingError(RoutingErrorCode.TOPIC_NOT_EXIST, `topic ${topic} has no route on nameserver ${address}: ${response.remark ?? 'no body'}`, {
        responseCode: ResponseCode.TOPIC_NOT_EXIST,
      });
    }
    if (response.code !== ResponseCode.SUCCESS) {
      throw new RoutingError(RoutingErrorCode.UNEXPECTED_RESPONSE, `nameserver ${address} answered code ${response.code} for the route of ${topic}: ${response.remark ?? ''}`, {
        responseCode: response.code,
      });
    }
    let route: TopicRouteData;
    try {
      route = decodeTopicRouteData(response.body);
    } catch (error) {
      throw new RoutingError(RoutingErrorCode.UNEXPECTED_RESPONSE, `nameserver ${address} sent an unreadable route for ${topic}`, { cause: error, responseCode: response.code });
    }
    this.store(topic, route);
    return route;
  }

  private store(topic: string, route: TopicRouteData): void {
    const fingerprint = encodeTopicRouteData(route).toString('utf8');
    const previous = this.routes.get(topic);
    this.routes.set(topic, { route, fingerprint, stale: false });
    if (previous?.fingerprint === fingerprint) return;
    for (const listener of this.listeners) {
      try {
        listener(topic, route);
      } catch (error) {
        this.log('error', `route change listener failed for ${topic}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  // The timer's pass over every cached topic; failures are logged and the cached route kept (Java does the same).
  private async refreshAll(signal: AbortSignal): Promise<void> {
    for (const topic of this.topics()) {
      if (signal.aborted) return;
      try {
        await this.refresh(topic);
      } catch (error) {
        this.log('warn', `refreshing the route of ${topic} failed, keeping the cached one: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
