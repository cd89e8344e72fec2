import type { Operation } from './operations.js';

/**
 * changed: the verb was accepted and the topic reached its target state (or, for `create`, exists);
 * already: it was in the target state before the run, so nothing was sent;
 * accepted: accepted but not awaited (`wait: false`);
 * would-change: dry run, the server validated it;
 * reported: `status`;
 * failed: see `error`.
 */
export type TopicOutcome = 'changed' | 'already' | 'accepted' | 'would-change' | 'reported' | 'failed';

/** One topic in the `result` output. */
export interface TopicResult {
  topic: string;
  source?: string;
  /** Status before the run; `NOT_A_MIRROR` when the link did not list the topic. */
  before: string;
  /** Status at the end (after the wait); the same as `before` when nothing was awaited. */
  after: string;
  /** Highest partition lag, and the sum over partitions (see MirrorResult.lagBasis). */
  maxLag: number;
  totalLag: number;
  outcome: TopicOutcome;
  error?: string;
  /** Something worth knowing that is not a failure (e.g. an "already stopped" answer reconciled). */
  note?: string;
  /** truncate-and-restore: records dropped from this topic. */
  messagesTruncated?: number;
  /** With `include-partition-detail`. */
  partitions?: Array<{ partition: number; lag: number; lastSourceFetchOffset: number }>;
  truncation?: Array<{ partition: number; offsetTruncatedTo: number; messagesTruncated: number }>;
}

/** What one run did: the `result` output, and the source of every other output and the summary. */
export interface MirrorResult {
  operation: Operation;
  clusterId: string;
  link: string;
  dryRun: boolean;
  /** The status every topic had to reach; undefined for `status`. */
  target?: string;
  topics: TopicResult[];
  succeeded: string[];
  failed: string[];
  /**
   * `cut`: lags are those reported at the moment of the cut (the alter answer, or the listing just
   * before it), for promote, failover and reverse-*; `current`: the latest listing, otherwise.
   */
  lagBasis: 'cut' | 'current';
  /** Highest partition lag: over the topics cut by this run (basis `cut`), else over those that did not fail. */
  maxLag: number;
  /** Sum of partition lags over the same topics: for a cut, the RPO estimate. */
  totalLag: number;
  messagesTruncated?: number;
  /** Partitions above `max-lag` that `force: true` cut anyway. */
  forcedOver?: Array<{ topic: string; partition: number; lag: number }>;
  requests: number;
  alterRequests: number;
  polls: number;
  timedOut: boolean;
  /** Wall time of the logic, and the part of it spent sleeping between polls. */
  durationMs: number;
  sleptMs: number;
}
