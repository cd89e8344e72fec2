import type { MirrorTopic } from './confluent/types.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { formatDuration, type Clock } from '../../core/time.js';
import { BROKEN_STATUSES } from './operations.js';

/** How a topic's state transition errors are introduced, in the wait's reasons and in the run's diagnoses. */
export const TRANSITION_ERRORS = 'state transition errors: ';

/** The deadline and pace of a wait. */
export interface WaitOptions {
  timeoutMs: number;
  /** Absolute deadline on `clock`, e.g. the whole run's; default: the wait's start + `timeoutMs`. */
  deadline?: number;
  /** Longest pause between polls; the first ones come sooner (see `pollDelays`). */
  pollIntervalMs: number;
  clock: Clock;
  logger: Logger;
  /**
   * Reads one topic's `mirror_state_transition_errors` (a GET with include_state_transition_errors=true: the list
   * has no such field). The wait asks for one topic still on its way per poll, and for up to ten per poll once one
   * had errors, so a transition the cluster gave up on fails within a few polls, not at the deadline.
   */
  transitionErrors?: (topic: string) => Promise<string[]>;
  /**
   * Sleep the first delay before the first poll: right after a verb was accepted (the change is asynchronous) an
   * immediate poll only sees it pending, and costs a whole listing.
   */
  delayFirstPoll?: boolean;
  /**
   * Count a topic back in its old state with a newer state_time_ms as given up (default true). Off for pause and
   * resume, which pass through no PENDING_ state: there a topic still in its old state is simply not there yet.
   */
  revertByStateTime?: boolean;
}

/** What the wait saw: who got there, who broke, and whether time ran out. */
export interface WaitOutcome {
  /** The last listing seen of each awaited topic (absent: not in the list at the last poll). */
  latest: Map<string, MirrorTopic>;
  reached: Set<string>;
  /**
   * Topics that cannot get there: they went FAILED or LINK_FAILED, went back (left their pending state, or changed
   * state, for anything but the target), or carry state transition errors. Waiting longer would not help.
   */
  broken: Set<string>;
  /** Why each broken topic is broken, when the wait knows more than its status (transition errors, a revert). */
  reasons: Map<string, string>;
  /** Rejected topics not on their way to the target: nothing to wait for. */
  settled: Set<string>;
  timedOut: boolean;
  polls: number;
  /** Time spent sleeping between polls, i.e. waiting for the service, not working (measured on the clock). */
  sleptMs: number;
  /** Set when a poll failed for good: what is not reached is then unconfirmed, not failed. */
  pollError?: string;
}

/**
 * The first waits are short, then double up to `pollIntervalMs`: 50, 100, 200, 400 ms... A verb that
 * completes quickly is seen within ~50 ms of completing (the drill's RTO showed a 250 ms first wait as
 * pure delay), while a slow one costs only a few extra list calls (log2 of the interval / 50 ms).
 */
export function pollDelay(poll: number, pollIntervalMs: number): number {
  return Math.min(pollIntervalMs, 50 * 2 ** poll);
}

/**
 * Polls with ONE list call per poll (never one call per topic) until every awaited topic shows
 * `target`, breaks, or the deadline passes. The first poll is immediate. The poll at the deadline (the
 * last sleep is cut to it), or a first poll made after it, is the last one: `list(true)`, so the caller
 * can give that read-back a short deadline of its own instead of the little or nothing left.
 */
export async function waitForStatus(
  list: (last: boolean) => Promise<MirrorTopic[]>,
  awaited: Array<{ topic: string; beforeStatus?: string; beforeTimeMs?: number; rejected?: boolean }>,
  target: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const { clock, logger } = options;
  const started = clock.now();
  const deadline = options.deadline ?? started + options.timeoutMs;
  const outcome: WaitOutcome = {
    latest: new Map(),
    reached: new Set(),
    broken: new Set(),
    reasons: new Map(),
    settled: new Set(),
    timedOut: false,
    polls: 0,
    sleptMs: 0,
  };
  // One map for both: 10,000 awaited topics make each map a few hundred kB that lives as long as the wait.
  const was = new Map(awaited.map((a) => [a.topic, a]));
  /** Topics seen in a PENDING_* state since the change was sent. */
  const wasPending = new Set<string>();
  let probeAt = 0;
  let probesPerPoll = 1;
  // A topic whose verb was rejected is worth waiting for only while it is on its way (PENDING_*):
  // that is a re-run meeting its own earlier request, which counts once the target is reached.
  const rejected = new Set(awaited.filter((a) => a.rejected).map((a) => a.topic));
  let open = awaited.map((a) => a.topic);
  /** Sleeps `wanted`, cut to the deadline, counting the time slept; true when the poll after it is the last. */
  const rest = async (wanted: number): Promise<boolean> => {
    const remaining = deadline - clock.now();
    const sleepStart = clock.now();
    await clock.sleep(Math.min(remaining, wanted));
    outcome.sleptMs += clock.now() - sleepStart;
    return wanted >= remaining;
  };
  let last = clock.now() >= deadline;
  if (options.delayFirstPoll && !last) last = await rest(pollDelay(0, options.pollIntervalMs));
  while (open.length > 0) {
    let mirrors: MirrorTopic[];
    try {
      mirrors = await list(last);
    } catch (err) {
      outcome.pollError = describeError(err);
      logger.warning(`Stopped waiting for ${target}: ${outcome.pollError}`);
      return outcome;
    }
    outcome.polls++;
    const byName = new Map(mirrors.map((m) => [m.mirrorTopicName, m]));
    const stillOpen: string[] = [];
    const counts = new Map<string, number>();
    for (const topic of open) {
      const seen = byName.get(topic);
      const { beforeStatus, beforeTimeMs } = was.get(topic)!;
      if (seen) outcome.latest.set(topic, seen);
      const status = seen?.mirrorStatus ?? 'NOT_LISTED';
      const pending = status.startsWith('PENDING_');
      // Back where it was, or somewhere else that is not on the way: after a PENDING_ state, or with a newer state time.
      const newer = options.revertByStateTime !== false && beforeTimeMs !== undefined && seen !== undefined && seen.stateTimeMs > beforeTimeMs;
      const left = !pending && seen !== undefined && (wasPending.has(topic) || newer);
      if (pending) wasPending.add(topic);
      if (status === target) outcome.reached.add(topic);
      else if (rejected.has(topic) && !pending) outcome.settled.add(topic);
      else if (BROKEN_STATUSES.has(status) && status !== beforeStatus) outcome.broken.add(topic);
      else if (left && !rejected.has(topic)) {
        outcome.broken.add(topic);
        outcome.reasons.set(
          topic,
          `left ${wasPending.has(topic) ? 'its pending state' : (beforeStatus ?? 'its state')} for ${status}, not ${target}: the cluster gave the change up`,
        );
      } else {
        stillOpen.push(topic);
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
    }
    open = stillOpen;
    // Transition errors are only in the GET of one mirror: a few per poll, round the topics still open.
    if (options.transitionErrors && open.length > 0 && outcome.polls >= 2) {
      const probed = new Set<string>();
      for (let i = 0; i < Math.min(probesPerPoll, open.length); i++) probed.add(open[(probeAt + i) % open.length]);
      probeAt += probed.size;
      for (const topic of probed) {
        const errors = await options.transitionErrors(topic).catch(() => []);
        if (errors.length === 0) continue;
        outcome.broken.add(topic);
        outcome.reasons.set(topic, `${TRANSITION_ERRORS}${errors.join('; ')}`);
        probesPerPoll = 10;
      }
      open = open.filter((t) => !outcome.broken.has(t));
    }
    const elapsed = clock.now() - started;
    const pending = [...counts].map(([s, n]) => `${s}: ${n}`).join(', ');
    logger.info(
      `Waiting for ${target}: ${outcome.reached.size} of ${awaited.length} there${outcome.broken.size ? `, ${outcome.broken.size} broken` : ''}${outcome.settled.size ? `, ${outcome.settled.size} refused` : ''}${pending ? ` (${pending})` : ''} after ${formatDuration(elapsed)}`,
    );
    if (open.length === 0) break;
    const remaining = deadline - clock.now();
    if (last || remaining <= 0) {
      outcome.timedOut = true;
      break;
    }
    last = await rest(pollDelay(outcome.polls - 1, options.pollIntervalMs));
  }
  return outcome;
}
