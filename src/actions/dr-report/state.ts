/**
 * Where a DR switch stands, decided from the jobs' results and outputs (`toJSON(needs)`) and the client groups'
 * result files: what moved, what is in place now, and the next step. Pure.
 */

export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped' | '';

export interface Needs {
  plan?: { result?: JobResult; outputs?: Record<string, string> };
  preflight?: { result?: JobResult; outputs?: Record<string, string> };
  'check-mirror'?: { result?: JobResult; outputs?: Record<string, string> };
  mirror?: { result?: JobResult; outputs?: Record<string, string> };
  clients?: { result?: JobResult; outputs?: Record<string, string> };
}

/** What a client group's job recorded (or its preflight leg). */
export interface GroupResult {
  group: string;
  phase: 'check' | 'move';
  startedAt?: string;
  finishedAt?: string;
  steps: Record<string, string>;
  objects: Array<{ kind?: string; namespace?: string; name?: string; state?: string; target?: string; previousTarget?: string }>;
  workloads: Array<{ object?: string; namespace?: string; kind?: string; name?: string; result?: string; reason?: string; noticedAt?: string }>;
}

export interface PlanFacts {
  target: string;
  from?: string;
  pattern?: string;
  dryRun: boolean;
  operation: string;
  truncateFirst: boolean;
  groups: string[];
  topics: string;
}

export type Stage = 'refused-plan' | 'refused-checks' | 'mirror-failed' | 'clients-failed' | 'done' | 'dry-run' | 'dry-run-refused' | 'cancelled';

export interface SwitchState {
  stage: Stage;
  plan?: PlanFacts;
  /** The groups that failed their checks, or their move. */
  failedGroups: string[];
  /** The mirror operation's validate_only check failed. */
  mirrorCheckFailed: boolean;
  /** The groups whose clients were verified on the target. */
  movedGroups: string[];
  /** Records not mirrored at the cut (failover), or 0 for lossless operations; undefined when not known. */
  rpo?: { records: number; exact: boolean; note: string };
  mirror: { outcome: JobResult; succeeded: string; failed: string; totalLag?: number };
}

export function planFacts(needs: Needs): PlanFacts | undefined {
  const o = needs.plan?.outputs;
  if (!o?.plan) return undefined;
  try {
    const plan = JSON.parse(o.plan) as {
      target: string;
      from?: string;
      pattern?: string;
      dryRun: boolean;
      groups: Array<{ name: string }>;
      mirror?: { topics: string[]; topicPattern?: string };
    };
    return {
      target: plan.target,
      from: plan.from,
      pattern: plan.pattern,
      dryRun: plan.dryRun,
      operation: o.operation || 'none',
      truncateFirst: o['truncate-first'] === 'true',
      groups: plan.groups.map((g) => g.name),
      topics: plan.mirror
        ? plan.mirror.topics.length
          ? plan.mirror.topics.join(', ')
          : plan.mirror.topicPattern
            ? `matching ${plan.mirror.topicPattern}`
            : 'every mirror topic of the link'
        : '',
    };
  } catch {
    return undefined;
  }
}

export function switchState(needs: Needs, groups: GroupResult[], sourceReachable: boolean): SwitchState {
  const plan = planFacts(needs);
  const moves = groups.filter((g) => g.phase === 'move');
  const checks = groups.filter((g) => g.phase === 'check');
  const failedChecks = checks.filter((g) => Object.values(g.steps).some((s) => s === 'failure')).map((g) => g.group);
  const failedMoves = moves.filter((g) => Object.values(g.steps).some((s) => s !== 'success')).map((g) => g.group);
  const movedGroups = moves.filter((g) => Object.values(g.steps).every((s) => s === 'success')).map((g) => g.group);
  const m = needs.mirror?.outputs ?? {};
  const lag = m['total-lag'] === undefined || m['total-lag'] === '' ? undefined : Number(m['total-lag']);
  const mirror = {
    outcome: (needs.mirror?.result ?? '') as JobResult,
    succeeded: m['succeeded-topics'] ?? '',
    failed: m['failed-topics'] ?? '',
    totalLag: lag,
  };
  let rpo: SwitchState['rpo'];
  if (plan && needs.mirror?.result === 'success') {
    // ccloud-mirror's rpo-basis, when it probed the source (peer-* inputs), decides; else what the request said.
    const basis = m['rpo-basis'];
    const reachable = basis === 'measured' ? true : basis === 'lower-bound' ? false : sourceReachable;
    if (plan.operation === 'failover')
      rpo =
        lag === undefined
          ? undefined
          : reachable
            ? { records: lag, exact: true, note: 'records not yet mirrored when mirroring stopped' }
            : {
                records: lag,
                exact: false,
                note: 'lower bound: the lag at the last fetch before the source became unreachable; records the source took after it are not counted',
              };
    else if (plan.operation !== 'none') rpo = { records: 0, exact: true, note: `${plan.operation} completes only once every record is mirrored` };
  } else if (plan && plan.operation === 'none' && needs.plan?.result === 'success') {
    rpo = { records: 0, exact: true, note: 'no mirror operation: the clients move between topics that are both writable' };
  }
  const results = [needs.plan?.result, needs.preflight?.result, needs.mirror?.result, needs.clients?.result];
  let stage: Stage;
  if (needs.plan?.result !== 'success') stage = needs.plan?.result === 'cancelled' ? 'cancelled' : 'refused-plan';
  else if (needs.preflight?.result !== 'success' || needs['check-mirror']?.result === 'failure' || needs['check-mirror']?.result === 'cancelled')
    stage =
      needs.preflight?.result === 'cancelled' || needs['check-mirror']?.result === 'cancelled'
        ? 'cancelled'
        : plan?.dryRun
          ? 'dry-run-refused'
          : 'refused-checks';
  else if (plan?.dryRun) stage = 'dry-run';
  else if (needs.mirror?.result === 'failure') stage = 'mirror-failed';
  else if (results.includes('cancelled')) stage = 'cancelled';
  else if (needs.clients?.result !== 'success' || failedMoves.length) stage = 'clients-failed';
  else stage = 'done';
  const mirrorCheckFailed = needs['check-mirror']?.result === 'failure';
  return {
    stage,
    plan,
    mirrorCheckFailed,
    failedGroups: stage === 'refused-checks' || stage === 'dry-run-refused' ? failedChecks : failedMoves,
    movedGroups,
    rpo,
    mirror,
  };
}
