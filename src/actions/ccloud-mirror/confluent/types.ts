import { inert } from '../../../core/runner.js';

/**
 * Types for the cluster-link and mirror-topic part of Confluent's Kafka REST v3, and decoders that
 * turn raw bodies into them. Real responses carry explicit nulls and the status enums keep growing,
 * so every decoder accepts null or missing optional fields and keeps unknown statuses as strings.
 * Free text from the server (statuses, error messages) is made inert as it is decoded (see `serverText`);
 * topic names are not changed but checked, by the client (see `isTopicName`).
 */

/** Kafka's rule for topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Whether a name from the server is a legal Kafka topic name (and so safe in outputs, logs and paths). */
export function isTopicName(name: string): boolean {
  return TOPIC_NAME.test(name);
}

/**
 * Server text as one inert line: line breaks become spaces (a message cannot add list items or lines), and what a
 * runner would read as a workflow command (`::` at a line start, `##[`) is escaped. Markdown escaping is the
 * summary's job (`cell`, `md`); this is for logs and annotations.
 */
export function serverText(value: string): string {
  return inert(value.replace(/\s*[\r\n]+\s*/g, ' '));
}

/** A name or text from the server quoted for an error message: JSON-escaped, shortened, inert. */
export function quoteServerText(value: string, max = 120): string {
  return inert(JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value));
}

/**
 * A mirror status: ACTIVE, FAILED, LINK_FAILED, LINK_PAUSED, PAUSED, PENDING_STOPPED, SOURCE_UNAVAILABLE,
 * STOPPED, PENDING_MIRROR, PENDING_SYNCHRONIZE, PENDING_SETUP_FOR_RESTORE, PENDING_RESTORE (the Kafka REST
 * spec 3.0.0 kept in spec/confluent/), or anything newer the server sends: the enum has grown twice since 2023.
 */
export type MirrorStatus = string;

/** Lag of one partition of a mirror topic (`MirrorLag`). */
export interface MirrorLag {
  partition: number;
  /** Records on the source not yet copied, as last learnt from the source. */
  lag: number;
  lastSourceFetchOffset: number;
}

/**
 * A topic's `mirror_lags` as the action reads them: how many partitions were listed, the highest lag and the sum (no
 * topic-level total exists in the API), and each partition's lag only when asked for (`max-lag` and
 * `include-partition-detail` need them). A 10,000-topic link has 80,000 partition lags: kept as objects, they are
 * most of what a run holds, and so what makes V8 grow its young generation.
 */
export interface TopicLags {
  count: number;
  /** A negative lag (unknown) would make the RPO look better than it is: it counts as 0 here. */
  max: number;
  total: number;
  partitions?: MirrorLag[];
}

/** `ListMirrorTopicsResponseData`: one mirror topic as the list and get calls describe it. */
export interface MirrorTopic {
  linkName: string;
  mirrorTopicName: string;
  sourceTopicName: string;
  numPartitions: number;
  lags: TopicLags;
  mirrorStatus: MirrorStatus;
  /** Epoch ms of the last state change. */
  stateTimeMs: number;
  /** `mirror_topic_error`; undefined when absent, NO_ERROR or NOT_SET. */
  mirrorTopicError?: string;
  /** Only present when asked for with `include_state_transition_errors=true`. */
  stateTransitionErrors: ReadonlyArray<{ errorCode: string; errorMessage: string }>;
}

/** `AlterMirrorStatusResponseData`: the per-topic answer of an alter verb. */
export interface AlterMirrorResult {
  mirrorTopicName: string;
  /** Looks like an HTTP code (400), not the 5-digit top-level codes; null on success. */
  errorCode: number | null;
  errorMessage: string | null;
  lags: TopicLags;
  messagesTruncated: number | null;
  partitionLevelTruncationData: ReadonlyArray<{ partitionId: number; offsetTruncatedTo: number; messagesTruncated: number }>;
}

/** `ListLinksResponseData`. The link mode is not a field: see `linkMode`. */
export interface ClusterLink {
  linkName: string;
  clusterLinkId: string;
  sourceClusterId: string | null;
  destinationClusterId: string | null;
  remoteClusterId: string | null;
  topicNames: string[];
  linkState?: string;
  linkError?: string;
  linkErrorMessage?: string;
  tasks: Array<{ taskName: string; state: string; errors: Array<{ errorCode: string; errorMessage: string }> }>;
  /** `category_counts`: the link's mirror topics by state category (PAUSED, IN_ERROR, PENDING, ACTIVE, NOT_APPLICABLE). */
  categoryCounts: Array<{ category: string; count: number }>;
}

/** A link config entry (`ListLinkConfigsResponseData`), secrets left out by the caller. */
export interface LinkConfig {
  name: string;
  value: string | null;
}

/** The alter verbs: the `:suffix` after `/mirrors`. */
export type AlterVerb = 'promote' | 'failover' | 'pause' | 'resume' | 'reverse-and-start-mirror' | 'reverse-and-pause-mirror' | 'truncate-and-restore';

/**
 * Whether one per-topic alter result is a failure: a non-null non-zero `error_code`, or a non-empty
 * `error_message`. Either alone can carry the failure, so checking only one of them misses some.
 */
export function alterFailed(result: Pick<AlterMirrorResult, 'errorCode' | 'errorMessage'>): boolean {
  return (result.errorCode !== null && result.errorCode !== 0) || (result.errorMessage !== null && result.errorMessage !== '');
}

/** DESTINATION, SOURCE or BIDIRECTIONAL, from which cluster id the link carries (the answer has no mode field). */
export function linkMode(
  link: Pick<ClusterLink, 'sourceClusterId' | 'destinationClusterId' | 'remoteClusterId'>,
): 'DESTINATION' | 'SOURCE' | 'BIDIRECTIONAL' | 'UNKNOWN' {
  if (link.remoteClusterId) return 'BIDIRECTIONAL';
  if (link.sourceClusterId) return 'DESTINATION';
  if (link.destinationClusterId) return 'SOURCE';
  return 'UNKNOWN';
}

type Raw = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A free-text field from the server (a status, an error message), made inert. */
function say(value: unknown): string | undefined {
  return typeof value === 'string' ? serverText(value) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function arr(value: unknown): Raw[] {
  return Array.isArray(value) ? (value.filter((v) => v !== null && typeof v === 'object') as Raw[]) : [];
}

/** Reads a list envelope's `data`; throws when the body is not one (a proxy page, say). */
export function listData(body: unknown, what: string): Raw[] {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as Raw).data)) {
    throw new Error(`the answer to ${what} is not a list (no 'data' array)`);
  }
  return arr((body as Raw).data);
}

/** No lags listed (or none asked for). */
export const NO_LAGS: TopicLags = Object.freeze({ count: 0, max: 0, total: 0 });
/** Topics without lag and without per-partition detail share one summary per partition count. */
const zeroLags = new Map<number, TopicLags>();
const EMPTY: never[] = Object.freeze([]) as never[];

/** `mirror_lags` (one entry per partition) summed up; each partition kept only with `partitions`. */
export function decodeLags(value: unknown, partitions = false): TopicLags {
  if (!Array.isArray(value)) return NO_LAGS;
  let count = 0;
  let max = 0;
  let total = 0;
  const each: MirrorLag[] | undefined = partitions ? [] : undefined;
  for (const l of value as unknown[]) {
    if (l === null || typeof l !== 'object') continue;
    const raw = l as Raw;
    const reported = num(raw.lag) ?? 0;
    const lag = Math.max(0, reported);
    count++;
    if (lag > max) max = lag;
    total += lag;
    each?.push({ partition: num(raw.partition) ?? 0, lag: reported, lastSourceFetchOffset: num(raw.last_source_fetch_offset) ?? -1 });
  }
  if (each) return { count, max, total, partitions: each };
  if (total > 0) return { count, max, total };
  let shared = zeroLags.get(count);
  if (!shared) zeroLags.set(count, (shared = Object.freeze({ count, max: 0, total: 0 })));
  return shared;
}

/**
 * What a decoder keeps of a list element: `lags` false leaves mirror_lags out (a poll needs the statuses only),
 * `partitions` keeps each partition's lag; `intern` returns one string for equal names and statuses, so that
 * a poll of 10,000 topics holds no new copy of their names.
 */
export interface DecodeOptions {
  lags?: boolean;
  partitions?: boolean;
  intern?: (text: string) => string;
}

const same = (text: string) => text;

const NO_TOPIC_ERROR = new Set(['', 'NO_ERROR', 'NOT_SET']);

/** `ListMirrorTopicsResponseData`; NO_ERROR and NOT_SET topic errors become undefined. */
export function decodeMirror(raw: Raw, options: DecodeOptions = {}): MirrorTopic {
  const intern = options.intern ?? same;
  const topicError = say(raw.mirror_topic_error);
  const transitionErrors = arr(raw.mirror_state_transition_errors);
  return {
    linkName: intern(str(raw.link_name) ?? ''),
    mirrorTopicName: intern(str(raw.mirror_topic_name) ?? ''),
    sourceTopicName: intern(str(raw.source_topic_name) ?? ''),
    numPartitions: num(raw.num_partitions) ?? 0,
    lags: options.lags === false ? NO_LAGS : decodeLags(raw.mirror_lags, options.partitions),
    mirrorStatus: intern(say(raw.mirror_status) ?? 'UNKNOWN'),
    stateTimeMs: num(raw.state_time_ms) ?? 0,
    mirrorTopicError: topicError === undefined || NO_TOPIC_ERROR.has(topicError) ? undefined : topicError,
    stateTransitionErrors: transitionErrors.length
      ? transitionErrors.map((e) => ({ errorCode: serverText(String(e.error_code ?? '')), errorMessage: say(e.error_message) ?? '' }))
      : EMPTY,
  };
}

/** `AlterMirrorStatusResponseData`, nulls kept (they carry meaning: null error = accepted). */
export function decodeAlterResult(raw: Raw, options: DecodeOptions = {}): AlterMirrorResult {
  const code = num(raw.error_code);
  const truncation = arr(raw.partition_level_truncation_data);
  return {
    mirrorTopicName: (options.intern ?? same)(str(raw.mirror_topic_name) ?? ''),
    errorCode: code ?? null,
    errorMessage: say(raw.error_message) ?? null,
    lags: decodeLags(raw.mirror_lags, options.partitions),
    // -1 (confluentinc/cli's test server) and null (the spec's examples) both mean "not a truncation".
    messagesTruncated: (num(raw.messages_truncated) ?? -1) >= 0 ? num(raw.messages_truncated)! : null,
    partitionLevelTruncationData: truncation.length
      ? truncation.map((p) => ({
          partitionId: num(p.partition_id) ?? 0,
          offsetTruncatedTo: num(p.offset_truncated_to) ?? 0,
          messagesTruncated: num(p.messages_truncated) ?? 0,
        }))
      : EMPTY,
  };
}

/** `ListLinksResponseData`; accepts the deprecated `link_id` when `cluster_link_id` is missing. */
export function decodeLink(raw: Raw): ClusterLink {
  const nullable = (v: unknown) => str(v) ?? null;
  return {
    linkName: say(raw.link_name) ?? '',
    clusterLinkId: say(raw.cluster_link_id) ?? say(raw.link_id) ?? '',
    sourceClusterId: nullable(raw.source_cluster_id),
    destinationClusterId: nullable(raw.destination_cluster_id),
    remoteClusterId: nullable(raw.remote_cluster_id),
    topicNames: Array.isArray(raw.topic_names) ? raw.topic_names.filter((t): t is string => typeof t === 'string') : [],
    linkState: say(raw.link_state),
    linkError: say(raw.link_error),
    linkErrorMessage: say(raw.link_error_message),
    categoryCounts: arr(raw.category_counts).map((c) => ({ category: say(c.state_category) ?? 'UNKNOWN', count: num(c.count) ?? 0 })),
    tasks: arr(raw.tasks).map((t) => ({
      taskName: say(t.task_name) ?? '',
      state: say(t.state) ?? 'UNKNOWN',
      errors: arr(t.errors).map((e) => ({ errorCode: serverText(String(e.error_code ?? '')), errorMessage: say(e.error_message) ?? '' })),
    })),
  };
}

/** One `ListLinkConfigsResponseData` entry. */
export function decodeLinkConfig(raw: Raw): LinkConfig {
  return { name: str(raw.name) ?? '', value: str(raw.value) ?? null };
}
