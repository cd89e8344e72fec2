import { gantt, type GanttBar } from '../../core/mermaid.js';
import { code, html, md, table, text } from '../../core/markdown.js';
import type { GroupResult, Needs, SwitchState } from './state.js';

/** The DR report: a one-screen verdict first, then the timeline, then each group's details, collapsed. Pure. */

export interface ReportContext {
  needs: Needs;
  groups: GroupResult[];
  state: SwitchState;
  inputs: Record<string, unknown>;
  startedAt?: number;
  finishedAt: number;
  actor?: string;
  triggeringActor?: string;
  event?: string;
  runUrl?: string;
}

const utc = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms)
    ? '–'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');

/** The one line the `verdict` output carries. */
export function verdictLine(state: SwitchState, requestedTarget?: string): string {
  const p = state.plan;
  const target = p?.target ?? requestedTarget ?? 'the target';
  switch (state.stage) {
    case 'done':
      return `Clients on ${target}: ${p?.operation === 'none' ? 'no mirror operation' : `${p?.operation} of ${p?.topics}`}, ${state.movedGroups.length} client group(s) verified`;
    case 'dry-run':
      return `Dry run towards ${target}: every check passed; nothing was changed`;
    case 'dry-run-refused':
      return `Dry run towards ${target}: ${failedChecks(state)} failed; nothing was changed`;
    case 'refused-plan':
      return `Switch to ${target} refused by the plan: nothing was changed`;
    case 'refused-checks':
      return `Switch to ${target} refused before any change: ${failedChecks(state)} failed; nothing was changed`;
    case 'mirror-failed':
      return `Switch to ${target} stopped at the mirror operation: the clients were not moved`;
    case 'clients-failed':
      return `Switch to ${target} incomplete: the mirrors moved, client group(s) ${state.failedGroups.join(', ') || '?'} not verified`;
    case 'cancelled':
      return `Switch to ${target} cancelled`;
  }
}

/** `the mirror check and the checks of client group(s) a, b`. */
function failedChecks(state: SwitchState): string {
  const parts = [
    state.mirrorCheckFailed ? 'the check of the mirror operation' : '',
    state.failedGroups.length ? `the checks of client group(s) ${state.failedGroups.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join(' and ') || 'a check';
}

function icon(state: SwitchState): string {
  if (state.stage === 'done') return '✅';
  if (state.stage === 'dry-run') return '🧪';
  if (state.stage === 'refused-plan' || state.stage === 'refused-checks' || state.stage === 'dry-run-refused') return '🛑';
  return '❌';
}

/** Where things stand now: topics, client groups, workloads. */
function standing(c: ReportContext): string[] {
  const { state } = c;
  const p = state.plan;
  const lines: string[] = [];
  if (!p) return ['- Nothing was changed anywhere: the switch stopped before its plan was made, so no server was contacted.'];
  const from = p.from ?? 'the other cluster';
  if (['refused-plan', 'refused-checks', 'dry-run', 'dry-run-refused'].includes(state.stage)) {
    lines.push(`- Nothing was changed anywhere: the topics and every client group are as they were (clients on ${text(from)}).`);
    return lines;
  }
  if (p.operation === 'none') lines.push(`- Mirror topics: unchanged (${text(p.pattern ?? 'no link operation')}).`);
  else if (state.mirror.outcome === 'success') {
    const reverse = p.operation.startsWith('reverse');
    lines.push(
      `- Mirror topics (${text(p.topics)}): **writable on ${text(p.target)}**${reverse ? `; on ${text(from)} they are now read-only mirrors of ${text(p.target)}` : p.operation === 'failover' ? `; on ${text(from)} they are still writable once it answers again: keep producers off it, and fail back with truncate-first` : ''}.`,
    );
  } else if (state.mirror.outcome === 'failure') {
    lines.push(
      `- Mirror topics: the ${text(p.operation)} on ${text(p.target)} failed${state.mirror.failed ? ` for ${code(state.mirror.failed)}` : ''}${state.mirror.succeeded ? `; done for ${code(state.mirror.succeeded)} (writable on ${text(p.target)})` : ''}. Topics not done keep their state: writable on ${text(from)}.`,
    );
  } else lines.push(`- Mirror topics: the ${text(p.operation)} did not run (${text(state.mirror.outcome || 'not reached')}).`);
  const moved = new Map(c.groups.filter((g) => g.phase === 'move').map((g) => [g.group, g]));
  for (const name of p.groups) {
    const g = moved.get(name);
    if (!g) {
      lines.push(`- Client group ${code(name)}: not moved, its clients still use ${text(from)}.`);
      continue;
    }
    const written = g.objects.filter((o) => o.state === 'written' || o.state === 'in-place');
    const points =
      g.steps.swap === 'success'
        ? `points at ${text(p.target)}`
        : written.length
          ? `partly points at ${text(p.target)} (${written.map((o) => code(`${o.kind}/${o.name}`)).join(', ')})`
          : `still points at ${text(from)}`;
    const ok = g.workloads.filter((w) => w.result && w.result !== 'failed');
    const bad = g.workloads.filter((w) => w.result === 'failed');
    const workloads = g.workloads.length
      ? `${ok.length} of ${g.workloads.length} workloads verified on the new configuration${bad.length ? `; not verified: ${bad.map((w) => `${code(`${w.kind}/${w.name}`)} (${text(w.reason ?? '')})`).join(', ')}` : ''}`
      : g.steps.verify === 'skipped'
        ? 'workloads not verified'
        : 'no workload report';
    lines.push(`- Client group ${code(name)}: ${points}; ${workloads}.`);
  }
  return lines;
}

/** The next step, as precise as the state allows. */
function nextStep(c: ReportContext): string[] {
  const { state } = c;
  const p = state.plan;
  const from = p?.from ?? 'the previous cluster';
  const rerun = 'run the same workflow again with the same inputs: steps already done are found in place and skipped, the rest completes';
  const back = p
    ? p.operation === 'failover'
      ? `to go back instead, once ${text(from)} answers again, run the switch with target ${code(from)} and truncate-first: true`
      : `to go back instead, run the switch with target ${code(from)}`
    : '';
  switch (state.stage) {
    case 'done':
      return [
        `Nothing to do. ${p ? `To fail back later, run the switch with target ${code(from)}${p.operation === 'failover' ? ' and truncate-first: true' : ''}.` : ''}`,
      ];
    case 'dry-run':
      return ['Run the same workflow with dry-run off to switch.'];
    case 'refused-plan':
      return ["Fix the problems listed in the summary of the job 'Plan the switch', then run the workflow again."];
    case 'refused-checks':
    case 'dry-run-refused':
      return [
        `Fix what ${[state.mirrorCheckFailed ? "the job 'Check … (validate only)'" : '', state.failedGroups.length ? `the checks of ${state.failedGroups.map((g) => code(g)).join(', ')} (jobs 'Check client group …')` : ''].filter(Boolean).join(' and ') || 'the checks'} reported, then run the workflow again.`,
      ];
    case 'mirror-failed':
      return [`Fix the cause named in the job 'Mirror topics', then ${rerun}. ${back ? `Or, ${back}.` : ''}`];
    case 'clients-failed':
      return [
        `Fix the cause named in the job 'Move client group ${state.failedGroups[0] ?? '…'}' (a pod that does not start, a permission, Reloader), then ${rerun}. Or, ${back}.`,
      ];
    case 'cancelled':
      return [`The run was cancelled: check where things stand above, then ${rerun}.`];
  }
}

function timeline(c: ReportContext): string {
  const bars: GanttBar[] = [];
  const start = c.startedAt;
  const at = (iso?: string) => (iso ? Date.parse(iso) : undefined);
  const mirrorStart = at(c.needs.mirror?.outputs?.['started-at']);
  const mirrorEnd = at(c.needs.mirror?.outputs?.['finished-at']);
  const checks = c.groups.filter((g) => g.phase === 'check');
  const checksEnd = Math.max(...checks.map((g) => at(g.finishedAt) ?? 0), 0) || undefined;
  if (start !== undefined)
    bars.push({
      section: 'Plan',
      label: 'plan and checks',
      start,
      end: mirrorStart ?? checksEnd ?? c.finishedAt,
      tag: c.needs.plan?.result === 'success' && c.needs.preflight?.result === 'success' && c.needs['check-mirror']?.result !== 'failure' ? 'done' : 'crit',
    });
  for (const g of checks) {
    const s = at(g.startedAt);
    const e = at(g.finishedAt);
    if (s !== undefined && e !== undefined)
      bars.push({ section: 'Plan', label: `check ${g.group}`, start: s, end: e, tag: Object.values(g.steps).includes('failure') ? 'crit' : 'done' });
  }
  if (mirrorStart !== undefined && mirrorEnd !== undefined)
    bars.push({
      section: 'Mirror topics',
      label: c.state.plan?.operation ?? 'mirror',
      start: mirrorStart,
      end: mirrorEnd,
      tag: c.needs.mirror?.result === 'success' ? 'done' : 'crit',
    });
  for (const g of c.groups.filter((x) => x.phase === 'move')) {
    const s = at(g.startedAt);
    const e = at(g.finishedAt);
    if (s !== undefined && e !== undefined)
      bars.push({ section: 'Clients', label: `${g.group}`, start: s, end: e, tag: Object.values(g.steps).every((x) => x === 'success') ? 'done' : 'crit' });
  }
  if (!bars.length) return '';
  return gantt(`Switch to ${c.state.plan?.target ?? '?'}`, bars);
}

function details(c: ReportContext): string[] {
  const out: string[] = [];
  for (const g of c.groups.filter((x) => x.phase === 'move')) {
    out.push(
      `<details><summary>Client group ${html(g.group)}: ${html(
        Object.entries(g.steps)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      )}</summary>`,
      '',
    );
    if (g.objects.length)
      out.push(
        table(
          ['Object', 'State', 'Now for', 'Before'],
          g.objects.map((o) => [`${o.kind}/${o.namespace}/${o.name}`, o.state ?? '', o.target ?? '', o.previousTarget ?? '']),
        ),
        '',
      );
    if (g.workloads.length)
      out.push(
        table(
          ['Workload', 'Object', 'Result', 'Reason'],
          g.workloads.map((w) => [`${w.namespace}/${w.kind}/${w.name}`, w.object ?? '', w.result ?? '', w.reason ?? '']),
        ),
        '',
      );
    // A blank line after the closing tag: without it a following heading is swallowed into the HTML block.
    out.push('</details>', '');
  }
  return out;
}

export function reportOf(c: ReportContext): string {
  const { state } = c;
  const rpo = state.rpo;
  const seconds = c.startedAt !== undefined ? ((c.finishedAt - c.startedAt) / 1000).toFixed(1) : undefined;
  const facts: unknown[][] = [
    [
      'RPO',
      rpo
        ? rpo.exact
          ? `${rpo.records} records (${rpo.note})`
          : `at least ${rpo.records} records (${rpo.note})`
        : 'not measured (no mirror operation completed)',
    ],
    [
      'RTO of this switch',
      seconds === undefined
        ? '–'
        : `${seconds} s from the start of the plan until ${state.stage === 'done' ? 'every client group was verified on the target' : 'this report'}`,
    ],
    ['Started / ended', `${utc(c.startedAt)} / ${utc(c.finishedAt)}`],
    [
      'Run by',
      `${c.actor ?? '–'}${c.triggeringActor && c.triggeringActor !== c.actor ? ` (re-run by ${c.triggeringActor})` : ''}${c.event ? `, ${c.event}` : ''}`,
    ],
    [
      'Inputs',
      code(
        Object.entries(c.inputs)
          .filter(([, v]) => v !== '' && v !== undefined && v !== null)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ') || '(defaults)',
      ),
    ],
  ];
  const out = [
    `## ${icon(state)} ${text(verdictLine(state, typeof c.inputs.target === 'string' ? c.inputs.target : undefined))}`,
    '',
    '**Where things stand:**',
    '',
    ...standing(c),
    '',
    `**Next step:** ${nextStep(c).join(' ')}`,
    '',
    table(['Measure', 'Value'], facts),
    '',
  ];
  if (c.runUrl) out.push(md`Run: ${c.runUrl}`.toString(), '');
  const chart = timeline(c);
  if (chart) out.push(chart, '');
  out.push(...details(c));
  // Ends with a blank line: whatever the job summary shows next (a heading) starts a block of its own.
  return `${out.join('\n')}\n`;
}
