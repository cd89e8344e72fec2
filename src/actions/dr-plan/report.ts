import { failureSummary } from '../../core/failure-summary.js';
import { code, md, table, text } from '../../core/markdown.js';
import type { PlanInputs } from './inputs.js';
import type { GroupObjects } from './legs.js';
import type { SwitchPlan, ValueRef } from './plan.js';

/** What dr-plan reports: the plan in the order it will run, as log lines and as the job summary. Pure. */

function refText(ref: ValueRef): string {
  return 'secret' in ref ? `secret ${ref.secret}` : 'var' in ref ? `variable ${ref.var}` : ref.value;
}

/** What a mirror operation costs in records: lossless verbs wait for the lag to drain, a failover leaves it behind. */
export function expectedRpo(operation: string): string {
  if (operation === 'failover') return 'the records not yet mirrored at the cut (measured by the mirror step; with the source down, a lower bound)';
  if (operation === 'none') return 'no mirror operation: the clients move to topics that are already writable';
  return '0 records: the operation completes only once every record is mirrored';
}

/** The plan, one step per line, in the order the workflow runs them. */
export function planLines(plan: SwitchPlan, objects: Map<string, GroupObjects>): string[] {
  const lines = [`Switch to ${plan.target}${plan.from ? ` from ${plan.from}` : ''} (${plan.pattern}${plan.dryRun ? ', dry run: nothing will change' : ''}):`];
  let n = 1;
  const m = plan.mirror;
  if (m) {
    const topics = m.topics.length
      ? `${m.topics.length} topic(s): ${m.topics.join(', ')}`
      : m.topicPattern
        ? `topics matching ${m.topicPattern}`
        : 'every mirror topic of the link';
    if (m.truncateFirst) lines.push(`${n++}. On ${m.cluster.name}: truncate-and-restore ${topics} over link ${m.link}`);
    lines.push(
      `${n++}. On ${m.cluster.name}: ${m.operation} of ${topics} over link ${m.link}, with the DR operator key (${refText(m.cluster.drApiKey)}); expected RPO ${expectedRpo(m.operation)}`,
    );
  } else {
    lines.push(
      `${n++}. Mirror topics: none changed (${plan.pattern === 'active-active' ? 'active-active: both clusters stay writable' : 'no link operation'})`,
    );
  }
  for (const g of plan.groups) {
    const o = objects.get(g.name);
    const where =
      g.kubernetes.kind === 'aks'
        ? `AKS ${refText(g.kubernetes.cluster)} in ${refText(g.kubernetes.resourceGroup)}`
        : `the cluster of ${refText(g.kubernetes.kubeconfig)}`;
    lines.push(
      `${n++}. Client group ${g.name} (namespace ${g.namespace} on ${where}): point ${o?.changes.map((c) => `${c.kind}/${c.name}`).join(', ') ?? 'its objects'} at ${plan.target} with its application credentials; verify the workloads of ${o?.verify.map((v) => `${v.kind}/${v.name}`).join(', ') || 'nothing'}`,
    );
  }
  return lines;
}

/** The job summary of a plan. */
export function summaryOf(plan: SwitchPlan, objects: Map<string, GroupObjects>): string {
  const rows: unknown[][] = [];
  const m = plan.mirror;
  if (m) {
    const topics = m.topics.length ? m.topics.join(', ') : m.topicPattern ? `matching ${m.topicPattern}` : 'every mirror topic of the link';
    if (m.truncateFirst)
      rows.push([m.cluster.name, 'truncate-and-restore', `link ${m.link}: ${topics}`, 'records written on the target after the failover are removed']);
    rows.push([m.cluster.name, m.operation, `link ${m.link}: ${topics}`, expectedRpo(m.operation)]);
  }
  for (const g of plan.groups) {
    const o = objects.get(g.name);
    rows.push([
      `${g.name} (${g.namespace})`,
      'point clients at ' + plan.target,
      o?.changes.map((c) => `${c.kind}/${c.name}`).join(', ') ?? '',
      `verify: ${o?.verify.map((v) => `${v.kind}/${v.name}`).join(', ') || 'nothing'}`,
    ]);
  }
  return [
    `### 🗺️ DR plan: switch to ${text(plan.target)}${plan.from ? ` from ${text(plan.from)}` : ''}`,
    '',
    md`Topology ${code(plan.topology)}, ${text(plan.pattern)}${plan.dryRun ? ', **dry run**: nothing will change' : ''}. The steps, in order:`.toString(),
    '',
    table(['Where', 'What', 'Objects', 'Expected'], rows),
    '',
  ].join('\n');
}

/** The job summary of a refused plan: every problem, and that nothing was contacted or changed. */
export function failureSummaryOf(err: unknown, inputs: PlanInputs | undefined): string {
  return failureSummary('dr-plan', err, {
    where: inputs ? `topology file ${inputs.config}` : undefined,
    inPlace: ['Nothing was changed and no server was contacted: the plan step only reads the repository.'],
  });
}
