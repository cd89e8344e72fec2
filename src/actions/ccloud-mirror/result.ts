import type { Operation } from './operations.js';
import type { SyncReport } from './sync.js';

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
  /** Sum of partition lags over the same topics: for a failover, the records lost as far as the link knows (see `rpo`). */
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
  /** With the peer-* inputs: whether the link's other cluster answered the probe, and when. */
  peer?: { clusterId: string; answered: boolean; at: string; error?: string };
  /**
   * For a cut: how far `totalLag` can be trusted as the RPO. `none`: promote and reverse sync before they stop;
   * `measured`: the link's lag while the source answered; `lower-bound`: the lag as of the link's last fetch, the
   * source being out of reach (more records may be lost); `unchecked`: no peer-* inputs, so neither was checked.
   */
  rpo?: { basis: 'none' | 'measured' | 'lower-bound' | 'unchecked'; records: number; text: string };
  /** After a reverse verb: the other cluster's side (its topics must become mirrors again). */
  remote?: { clusterId: string; link: string; target: string; reached: number; failed: Array<{ topic: string; status: string }> };
  /** Consumer offset sync and ACL sync of the link (status and cuts). */
  sync?: SyncReport;
  /** What could not be checked, and other things worth reading that are not failures. */
  notes: string[];
}
