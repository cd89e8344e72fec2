import type { AlterVerb } from './confluent/types.js';

/** Every value of input `operation`. */
export const OPERATIONS = [
  'status',
  'create',
  'promote',
  'failover',
  'pause',
  'resume',
  'reverse-and-start-mirror',
  'reverse-and-pause-mirror',
  'truncate-and-restore',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What an operation does to the mirror topics of the cluster the action talks to. */
export interface OperationSpec {
  /** The alter verb sent; undefined for `status` and `create`. */
  verb?: AlterVerb;
  /** The local status every topic must reach; undefined for `status`. */
  target?: string;
  /**
   * True when the topic becomes writable and stops receiving records from its source: the
   * "cut". `max-lag` is checked before it, and `total-lag` is what the cut left behind.
   */
  cut: boolean;
  /** Needs the source cluster reachable (a final sync, or both sides changing). */
  needsSource: boolean;
  /** Needs a BIDIRECTIONAL link. */
  needsBidirectional: boolean;
  /** For the reverse verbs: the state the other cluster's topics reach (they become mirrors of these). */
  remoteTarget?: string;
}

/** What each operation does: the verb, the target state, and the checks it needs. */
export const SPECS: Record<Operation, OperationSpec> = {
  status: { cut: false, needsSource: false, needsBidirectional: false },
  create: { target: 'ACTIVE', cut: false, needsSource: true, needsBidirectional: false },
  promote: { verb: 'promote', target: 'STOPPED', cut: true, needsSource: true, needsBidirectional: false },
  failover: { verb: 'failover', target: 'STOPPED', cut: true, needsSource: false, needsBidirectional: false },
  pause: { verb: 'pause', target: 'PAUSED', cut: false, needsSource: false, needsBidirectional: false },
  resume: { verb: 'resume', target: 'ACTIVE', cut: false, needsSource: false, needsBidirectional: false },
  'reverse-and-start-mirror': {
    verb: 'reverse-and-start-mirror',
    target: 'STOPPED',
    cut: true,
    needsSource: true,
    needsBidirectional: true,
    remoteTarget: 'ACTIVE',
  },
  'reverse-and-pause-mirror': {
    verb: 'reverse-and-pause-mirror',
    target: 'STOPPED',
    cut: true,
    needsSource: true,
    needsBidirectional: true,
    remoteTarget: 'PAUSED',
  },
  'truncate-and-restore': { verb: 'truncate-and-restore', target: 'ACTIVE', cut: false, needsSource: true, needsBidirectional: true },
};

/** Statuses that mean "broken", so waiting for them to change on their own is pointless. */
export const BROKEN_STATUSES = new Set(['FAILED', 'LINK_FAILED']);
