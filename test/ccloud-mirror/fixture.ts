import { ConfluentClient } from '../../src/actions/ccloud-mirror/confluent/client.js';
import type { Logger } from '../../src/core/log.js';
import type { Clock } from '../../src/core/time.js';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import type { MirrorConfig } from '../../src/actions/ccloud-mirror/mirror.js';

/**
 * Two emulated clusters: `north` (the primary, holding the source topics) and `south`
 * (DR). `dr-link` lives on south and mirrors north's topics (DESTINATION); with `bidirectional`, `bidi`
 * is a BIDIRECTIONAL link on both sides, south mirroring north's topics over it.
 */
export interface DrWorld {
  emulator: ConfluentEmulator;
  /** The link the mirrors are on (on south). */
  link: string;
  close(): Promise<void>;
}

export async function drWorld(options: {
  topics: string[];
  partitions?: number;
  bidirectional?: boolean;
  prefix?: string;
  replicationDelayMs?: number;
  transitionMs?: number;
  /** How long an outage lasts before the link shows it; default 0 (an outage long under way), the service's is 5 minutes. */
  unavailableAfterMs?: number;
}): Promise<DrWorld> {
  const emulator = await startConfluent({
    clusters: [{ name: 'north' }, { name: 'south' }],
    replicationDelayMs: options.replicationDelayMs ?? 10,
    transitionMs: options.transitionMs ?? 20,
    unavailableAfterMs: options.unavailableAfterMs ?? 0,
  });
  const link = options.bidirectional ? 'bidi' : 'dr-link';
  if (options.bidirectional) {
    emulator.createLink('north', link, { remote: 'south', mode: 'BIDIRECTIONAL' });
    emulator.createLink('south', link, { remote: 'north', mode: 'BIDIRECTIONAL' });
  } else {
    emulator.createLink('south', link, { remote: 'north', prefix: options.prefix });
  }
  for (const topic of options.topics) {
    emulator.createTopic('north', topic, { partitions: options.partitions ?? 2 });
    emulator.createMirror('south', link, topic, options.prefix ? options.prefix + topic : undefined);
  }
  return { emulator, link, close: () => emulator.close() };
}

/** A ConfluentClient for one emulated cluster; `mask` collects what it masked. */
export function clientFor(
  emulator: ConfluentEmulator,
  cluster: string,
  options: { operation?: string; masked?: string[]; apiSecret?: string; clock?: Clock; retries?: number; timeoutMs?: number } = {},
): ConfluentClient {
  const info = emulator.info(cluster);
  return new ConfluentClient({
    restEndpoint: info.restEndpoint,
    clusterId: info.id,
    apiKey: info.apiKey,
    apiSecret: options.apiSecret ?? info.apiSecret,
    operation: options.operation,
    mask: (v) => options.masked?.push(v),
    http: { clock: options.clock, retry: options.retries === undefined ? undefined : { retries: options.retries }, timeoutMs: options.timeoutMs ?? 5000 },
  });
}

/** Logic config with test-sized timings (the emulator's transitions take tens of ms). */
export function config(link: string, more: Partial<MirrorConfig> = {}): MirrorConfig {
  return {
    linkName: link,
    operation: 'status',
    selection: { kind: 'all' },
    sourceTopics: [],
    dryRun: false,
    wait: true,
    timeoutMs: 10_000,
    pollIntervalMs: 20,
    force: false,
    chunkSize: 100,
    includePartitionDetail: false,
    ...more,
  };
}

/** Collects log lines, to assert on what the user would read. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warning: (m) => lines.push(`warning: ${m}`), debug: () => {} };
}

export function topicNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
}

/**
 * The inputs of a bundle run against cluster `cluster` of the world (30s timeout, 20ms polls), plus `more`; with `peer`,
 * the four peer-* inputs for that cluster.
 */
export function actionInputs(w: DrWorld, cluster: string, more: Record<string, string> = {}, peer?: string): Record<string, string> {
  const info = w.emulator.info(cluster);
  const other = peer ? w.emulator.info(peer) : undefined;
  return {
    'rest-endpoint': info.restEndpoint,
    'cluster-id': info.id,
    'api-key': info.apiKey,
    'api-secret': info.apiSecret,
    'link-name': w.link,
    'poll-interval': '20ms',
    timeout: '30s',
    ...(other
      ? { 'peer-rest-endpoint': other.restEndpoint, 'peer-cluster-id': other.id, 'peer-api-key': other.apiKey, 'peer-api-secret': other.apiSecret }
      : {}),
    ...more,
  };
}
