// The shape every system under test takes in the peers benchmark (`npm run bench:peers`): Pulsejet in
// each configuration and each peer (Redis Streams, NATS JetStream, RabbitMQ) behind one interface, so every
// scenario runs the same way on each and the ids in the bodies are checked the same way.

/**
 * What an acknowledgement promises about the disk: 'fsync' = the data was fsynced before the ack;
 * 'page-cache' = written to the OS (a process crash loses nothing, a machine crash may lose the
 * last second or more); 'replicated' = held by a second process (no fsync): survives the loss of one
 * process or machine. Ratios only compare systems of equal durability.
 */
export type Durability = 'fsync' | 'page-cache' | 'replicated';

export const DURABILITY_LABEL: Record<Durability, string> = {
  fsync: 'fsync before ack',
  'page-cache': 'no fsync before ack (page cache)',
  replicated: 'on two processes before ack, no fsync',
};

export interface PublishOptions {
  /** Stream / topic / subject name, fresh per scenario. */
  name: string;
  bodyBytes: number;
  messages: number;
  /** 1 = single-message publishes; more = that many messages per batch (pipeline / sendBatch). */
  batch: number;
  /** Publishes (or batches) awaiting their ack at once. */
  inFlight: number;
}

export interface ConsumeOptions {
  /** A stream / topic already holding `messages` messages with ids 0..messages-1. */
  name: string;
  messages: number;
  bodyBytes: number;
}

export interface E2eOptions {
  name: string;
  bodyBytes: number;
  rate: number;
  warmupMs: number;
  durationMs: number;
}

/** Loss and duplicates seen by a scenario: anything non-zero is reported, in red, never hidden. */
export interface Integrity {
  expected: number;
  /** Ids never seen (or, for a publish-only check, acked messages the server does not hold). */
  lost: number;
  duplicated: number;
}

export interface ThroughputFigures {
  messagesPerSecond: number;
  seconds: number;
  integrity: Integrity;
}

export interface LatencyFigures {
  achievedRate: number;
  samples: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  integrity: Integrity;
}

/** A started system under test. Each call uses its own fresh `name`. */
export interface BenchTarget {
  /** Child process ids whose CPU is not noise (the servers this run started). */
  pids: number[];
  publish(options: PublishOptions): Promise<ThroughputFigures>;
  /** Drains `name` with acks, checking every id arrives once. */
  consume(options: ConsumeOptions): Promise<ThroughputFigures>;
  e2e(options: E2eOptions): Promise<LatencyFigures>;
  close(): Promise<void>;
}

export interface TargetSpec {
  /** Stable id, e.g. 'redis-everysec'. */
  id: string;
  system: 'Pulsejet' | 'Redis' | 'NATS' | 'RabbitMQ';
  /** The column header: system and configuration. */
  label: string;
  durability: Durability;
  /** One sentence: why this configuration gives that durability. */
  durabilityNote: string;
  /** undefined when the target can run here; else why not (e.g. the server is not installed). */
  unavailable(): string | undefined;
  start(workDir: string): Promise<BenchTarget>;
}
