import { InputError } from '../../core/errors.js';
import { InputReader, rejectBoth } from '../../core/inputs.js';
import type { ConfluentClusterConfig } from './confluent/client.js';
import { OPERATIONS, SPECS, type Operation } from './operations.js';

/** Which mirror topics an operation acts on. */
export type Selection =
  | { kind: 'names'; names: string[] }
  /** Matched against the whole mirror topic name (anchored), on the link's mirror list. */
  | { kind: 'pattern'; pattern: RegExp; text: string }
  | { kind: 'all' };

/**
 * Everything ccloud-mirror needs, validated. Built once by `getInputs`, before any network call. The
 * cluster is the one holding the link and its mirror topics (for failover or promote: the destination);
 * its API secret is masked when read.
 */
export interface MirrorInputs extends ConfluentClusterConfig {
  linkName: string;
  operation: Operation;
  selection: Selection;
  /** `create` only: the source topics to mirror (mirror name = link prefix + source name). */
  sourceTopics: string[];
  /** Sends `validate_only=true`: nothing changes. */
  dryRun: boolean;
  /** Poll until every topic reaches the operation's target state. */
  wait: boolean;
  /**
   * The whole run's deadline, from its start: preflight, alter calls and the wait end by it (each request's timeout
   * and each retry's sleep are capped by what is left), and one last read-back may take `readbackGraceMs` more.
   */
  timeoutMs: number;
  /** Longest pause between two polls (the first polls come sooner). */
  pollIntervalMs: number;
  /** Refuse a cut (promote, failover, reverse-*) when a partition lags more; undefined = no check. */
  maxLag?: number;
  /** Cut even when `maxLag` is exceeded. */
  force: boolean;
  /** Topics per alter request. */
  chunkSize: number;
  /** Per-partition lags and truncation detail in the result. */
  includePartitionDetail: boolean;
  /** Per-attempt timeout of one HTTP request. */
  requestTimeoutMs: number;
  /**
   * The other cluster of the link (the source for failover and promote, the remote for reverse-*, the cluster that
   * failed over for truncate-and-restore), when all four peer-* inputs are given; its secret is masked when read.
   */
  peer?: ConfluentClusterConfig;
  /** Things worth telling the user that are not errors (an input that has no effect here). */
  notices: string[];
}

const PEER_INPUTS = ['peer-rest-endpoint', 'peer-cluster-id', 'peer-api-key', 'peer-api-secret'] as const;

/** The peer-* inputs: all four or none. */
function peerOf(reader: InputReader, clusterId: string, apiSecret: string | undefined): ConfluentClusterConfig | undefined {
  const given = PEER_INPUTS.filter((name) => reader.has(name));
  if (given.length === 0) return undefined;
  if (given.length < PEER_INPUTS.length) {
    const missing = PEER_INPUTS.filter((name) => !given.includes(name));
    throw new InputError(
      missing[0],
      `is empty, but ${given.map((g) => `'${g}'`).join(', ')} ${given.length === 1 ? 'is' : 'are'} set`,
      `all four of ${PEER_INPUTS.map((n) => `'${n}'`).join(', ')} (the other cluster of the link), or none of them`,
    );
  }
  const peer = {
    restEndpoint: reader.url('peer-rest-endpoint', { required: true }),
    clusterId: named(reader, 'peer-cluster-id', 'a cluster id such as `lkc-abc123`'),
    apiKey: named(reader, 'peer-api-key', 'the API key id of the peer cluster'),
    apiSecret: apiSecret!,
  };
  if (peer.clusterId === clusterId)
    throw new InputError('peer-cluster-id', `is '${peer.clusterId}', the same cluster as 'cluster-id'`, 'the id of the other cluster of the link');
  return peer;
}

/** Kafka's legal topic names; links, clusters and topics are path segments, so no slashes or spaces. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Reads and validates every input. Throws an InputError naming the input, the bad value (never
 * the secret) and the accepted form; masks the secret the moment it is read.
 */
export function getInputs(reader: InputReader = new InputReader()): MirrorInputs {
  const apiSecret = reader.secret('api-secret', { required: true });
  // Read (and so masked) before anything else can fail and print.
  const peerSecret = reader.secret('peer-api-secret');
  const restEndpoint = reader.url('rest-endpoint', { required: true });
  const clusterId = named(reader, 'cluster-id', 'a cluster id such as `lkc-abc123`');
  const apiKey = named(reader, 'api-key', 'the API key id (the user part of the key, e.g. `ABCDEFGH12345678`)');
  const linkName = named(reader, 'link-name', 'a cluster link name (letters, digits, `.`, `_`, `-`)');
  const operation = reader.choice('operation', OPERATIONS, { default: 'status' });
  const peer = peerOf(reader, clusterId, peerSecret);
  const spec = SPECS[operation];
  const notices: string[] = [];

  rejectBoth(reader, 'mirror-topics', 'mirror-topic-pattern');
  const sourceTopics = topics(reader, 'source-topics');
  let selection: Selection = { kind: 'all' };
  if (operation === 'create') {
    if (sourceTopics.length === 0)
      throw new InputError('source-topics', "is required when 'operation' is `create`", 'the source topics to mirror, comma- or newline-separated');
    for (const other of ['mirror-topics', 'mirror-topic-pattern']) {
      if (reader.has(other))
        throw new InputError(
          other,
          "cannot be used with 'operation: create'",
          "'source-topics' only: each mirror is named after its source (plus the link's `cluster.link.prefix`)",
        );
    }
  } else {
    if (sourceTopics.length > 0)
      throw new InputError(
        'source-topics',
        `is only for 'operation: create' but operation is '${operation}'`,
        "'mirror-topics' or 'mirror-topic-pattern' to choose existing mirror topics",
      );
    const names = topics(reader, 'mirror-topics');
    const pattern = reader.regex('mirror-topic-pattern');
    if (names.length > 0) selection = { kind: 'names', names };
    else if (pattern) selection = { kind: 'pattern', pattern: new RegExp(`^(?:${pattern.source})$`), text: pattern.source };
  }

  const maxLag = reader.integer('max-lag', { min: 0 });
  if (maxLag !== undefined && !spec.cut)
    notices.push(
      `input 'max-lag' has no effect on '${operation}': it guards the operations that cut mirroring (promote, failover, reverse-and-start-mirror, reverse-and-pause-mirror)`,
    );
  const force = reader.boolean('force', false);
  const dryRun = reader.boolean('dry-run', false);
  if (dryRun && operation === 'status') notices.push("input 'dry-run' has no effect on 'status', which never changes anything");

  return {
    restEndpoint,
    clusterId,
    apiKey,
    apiSecret,
    linkName,
    operation,
    selection,
    sourceTopics,
    dryRun,
    wait: reader.boolean('wait', true),
    timeoutMs: reader.duration('timeout', '5m', { minMs: 1000 }),
    pollIntervalMs: reader.duration('poll-interval', '5s', { minMs: 10 }),
    maxLag,
    force,
    chunkSize: reader.integer('chunk-size', { default: 100, min: 1, max: 10_000 }) ?? 100,
    includePartitionDetail: reader.boolean('include-partition-detail', false),
    requestTimeoutMs: reader.duration('request-timeout', '30s', { minMs: 100 }),
    peer,
    notices,
  };
}

function named(reader: InputReader, name: string, accepted: string): string {
  const value = reader.string(name, { required: true });
  if (!NAME.test(value)) throw new InputError(name, `has the value '${value}', which has characters a name cannot have`, accepted);
  return value;
}

function topics(reader: InputReader, name: string): string[] {
  const list = reader.list(name);
  const bad = list.filter((t) => !TOPIC.test(t));
  if (bad.length > 0) {
    throw new InputError(
      name,
      `has ${bad.length === 1 ? 'the value' : 'the values'} ${bad.map((b) => `'${b}'`).join(', ')}, which ${bad.length === 1 ? 'is not a topic name' : 'are not topic names'}`,
      'Kafka topic names (letters, digits, `.`, `_`, `-`; at most 249 characters), separated by commas or newlines',
    );
  }
  return list;
}
