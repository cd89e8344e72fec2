/**
 * A drill's own pass/fail rules, from what it measured. Pure.
 * - Each switch: the workflow succeeded, every client ended on the target, records flow again there (RPO is judged
 *   only when the switch completed).
 * - RPO: zero when the source was reachable (planned switchover, and every failback); for an unplanned
 *   active-passive failover, exactly what ccloud-mirror's total-lag estimated at the cut; for an unplanned
 *   active-active failover, exactly the records stranded on the lost cluster (its mirror's lag at the outage),
 *   which must arrive once it returns.
 * - At the end: nothing lost except what the unplanned failover cut (and truncate-and-restore dropped), and
 *   every surviving record consumed.
 */
import type { FinalMeasures, PhaseMeasures } from './measures.js';
import type { Scenario } from './options.js';

/** One rule and its verdict. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the checks need to know about one switch. */
export interface PhaseFacts {
  name: string;
  from: string;
  to: string;
  /** The source cluster could be reached during the switch. */
  sourceReachable: boolean;
  workflowFile: string;
  conclusion: string;
  /** The first failed step, `job / step: error`. */
  failure?: string;
  measures: PhaseMeasures;
  /** The RPO the tools predicted, and who predicted it. */
  expectedRpo?: { value: number; source: string };
  /** truncate-and-restore's count of dropped records (failback after an unplanned failover). */
  messagesTruncated?: number;
  /**
   * Real Kafka: records the old primary stored past the cut whose acknowledgement never reached their producer (in
   * flight at the outage; the producer's retry went elsewhere). truncate-and-restore drops them too.
   */
  unacknowledgedPastCut?: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The checks of one switch. */
export function phaseChecks(phase: PhaseFacts): Check[] {
  const m = phase.measures;
  const checks: Check[] = [];
  checks.push({
    name: `${phase.name}: ${phase.workflowFile} succeeded`,
    ok: phase.conclusion === 'success',
    detail: phase.conclusion === 'success' ? 'conclusion success' : `conclusion ${phase.conclusion}${phase.failure ? `; ${phase.failure}` : ''}`,
  });
  const off = m.clients.offTarget;
  checks.push({
    name: `${phase.name}: every client on ${phase.to}`,
    ok: off.length === 0 && m.clients.producers > 0 && m.clients.consumers > 0,
    detail:
      off.length === 0
        ? `${plural(m.clients.producers, 'producer')} and ${plural(m.clients.consumers, 'consumer')} on ${phase.to}`
        : `${off.length} of ${m.clients.producers + m.clients.consumers} client pods not on ${phase.to}: ${off.map((o) => `${o.pod} (${o.role}, ${o.problem ?? `on ${o.cluster ?? 'nothing'}`})`).join('; ')}`,
  });
  checks.push({
    name: `${phase.name}: records flow again on ${phase.to}`,
    ok: m.rtoMs !== undefined,
    detail:
      m.rtoMs !== undefined
        ? `first record produced and consumed on ${phase.to} ${(m.rtoMs / 1000).toFixed(2)} s after the ${phaseT0(phase)}`
        : `no record produced on ${phase.to} was consumed there`,
  });
  // RPO is judged only for a switch that completed: an incomplete one may not have cut anything yet, and what
  // its count shows are records still on their way (its failure is already a failed check).
  if (phase.conclusion !== 'success') return checks;
  if (phase.sourceReachable) {
    checks.push({
      name: `${phase.name}: RPO is 0 (source reachable)`,
      ok: m.rpo === 0,
      detail:
        m.rpo === 0
          ? `all ${m.ackedOnSource} records acknowledged by ${phase.from} are on ${phase.to}`
          : `${m.rpo} of ${m.ackedOnSource} records acknowledged by ${phase.from} are missing on ${phase.to} (e.g. ${m.missingSample.join(', ')})`,
    });
  } else if (phase.expectedRpo) {
    const e = phase.expectedRpo;
    checks.push({
      name: `${phase.name}: RPO equals ${e.source}`,
      ok: m.rpo === e.value,
      detail: `measured ${plural(m.rpo, 'record')} acknowledged by ${phase.from} and missing on ${phase.to}; ${e.source}: ${e.value}`,
    });
  } else {
    checks.push({
      name: `${phase.name}: RPO explained`,
      ok: false,
      detail: `measured ${m.rpo}, but nothing predicted it (no ccloud-mirror total-lag, no mirror lag at the outage)`,
    });
  }
  return checks;
}

function phaseT0(phase: PhaseFacts): string {
  return phase.sourceReachable ? 'start of the switch' : 'outage';
}

/** The checks of the drill's end state. `cut` is the RPO of an unplanned active-passive failover (records cut for good). */
export function finalChecks(scenario: Scenario, final: FinalMeasures, phases: PhaseFacts[]): Check[] {
  const checks: Check[] = [];
  const failover = phases.find((p) => p.name === 'failover');
  const failback = phases.find((p) => p.name === 'failback');
  // Records cut by an unplanned active-passive failover are gone for good only once truncate-and-restore dropped
  // them from the old primary (the failback); until then the old primary still holds them.
  const truncated = scenario.pattern === 'active-passive' && scenario.mode === 'unplanned' && failback?.messagesTruncated !== undefined;
  const cutForGood = truncated ? (failover?.measures.rpo ?? 0) : 0;
  checks.push({
    name: cutForGood ? 'end: only the records cut by the failover are lost' : 'end: no acknowledged record lost',
    ok: final.lost === cutForGood,
    detail: `${final.lost} of ${final.acked} acknowledged records are not on the final cluster${final.lost ? ` (e.g. ${final.lostSample.join(', ')})` : ''}${cutForGood ? `; the failover cut ${cutForGood}` : ''}`,
  });
  if (scenario.pattern === 'active-passive' && scenario.mode === 'unplanned' && failback?.conclusion === 'success') {
    const unacknowledged = failback.unacknowledgedPastCut ?? 0;
    checks.push({
      name: 'end: truncate-and-restore dropped exactly the records the failover cut',
      ok: failback.messagesTruncated === cutForGood + unacknowledged,
      detail: `messages truncated: ${failback.messagesTruncated ?? 'unknown'}; cut by the failover: ${cutForGood}${
        failback.unacknowledgedPastCut !== undefined
          ? `; stored by ${failback.to} past the cut but never acknowledged (their producers' retries went elsewhere): ${unacknowledged}`
          : ''
      }`,
    });
  }
  checks.push({
    name: 'end: every surviving record consumed',
    ok: final.unconsumed === 0,
    detail:
      final.unconsumed === 0
        ? `${final.delivered} records consumed, ${final.duplicates} duplicate deliveries`
        : `${final.unconsumed} records on the final cluster were never consumed (e.g. ${final.unconsumedSample.join(', ')})`,
  });
  return checks;
}
