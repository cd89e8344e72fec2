import { ActionError } from '../../core/errors.js';
import { failureSummary } from '../../core/failure-summary.js';
import { serverText } from '../../core/kube/client.js';
import { code, md, Md, table, text } from '../../core/markdown.js';
import { formatDuration } from '../../core/time.js';
import type { VerifyReport, VerifySettings } from './verify.js';

/**
 * What verify-rollout reports: its outputs, the job summary of a verification, the error that fails
 * the step when a workload did not finish, and the job summary of any failure. Pure: main writes them.
 */

/** The action's outputs: one entry per workload, and the duration in seconds. */
export function outputsOf(report: VerifyReport): Record<string, unknown> {
  return {
    workloads: report.workloads.map(({ namespace, kind, name, strategy, seconds, result, reason, noticedAt, object }) => ({
      ...(object ? { object } : {}),
      namespace,
      kind,
      name,
      strategy,
      seconds,
      result,
      reason,
      noticedAt,
    })),
    duration: (report.durationMs / 1000).toFixed(3),
  };
}

/** Lines of text as one table cell: each escaped, one per line. */
function cellLines(values: string[]): Md | string {
  const shown = values.filter((v) => v !== '');
  return shown.length ? new Md(shown.map((v) => md`${v}`.value).join('<br>')) : '';
}

/**
 * The job summary: one table of workloads with result and time, then the Jobs and CronJobs Reloader also rolls
 * (not verified) and the namespaces where they could not be checked. Server text is escaped (`md`, `code`).
 */
export function summaryOf(report: VerifyReport): string {
  if (report.check) return checkSummaryOf(report);
  const failed = report.workloads.filter((w) => w.result === 'failed').length;
  const head = `### verify-rollout: ${failed ? `${failed} of ${report.workloads.length} workloads failed` : `${report.workloads.length} workloads verified`} in ${formatDuration(report.durationMs)}`;
  const several = report.workloads.some((w) => w.object);
  const rows = report.workloads.map((w) => [
    ...(several ? [w.object ?? ''] : []),
    w.namespace,
    `${w.kind}/${w.name}`,
    w.result === 'failed' ? `❌ failed` : `✅ ${w.result}`,
    w.strategy ?? '',
    w.seconds === null ? '' : `${w.seconds.toFixed(1)}s`,
    cellLines([w.reason, ...(w.details ?? [])]),
  ]);
  const hashes = Object.entries(report.hashes).map(([ns, h]) => `${code(ns)}: ${code(h)}`);
  const out = [head, '', table([...(several ? ['Object'] : []), 'Namespace', 'Workload', 'Result', 'Strategy', 'Time', 'Detail'], rows), ''];
  if (hashes.length) out.push(`Reloader hash of the configuration: ${hashes.join(', ')}`, '');
  if (report.unverified.length) {
    out.push(
      '**Not verified:** Reloader also rolls these Jobs and CronJobs for the object; verify-rollout verifies Deployments, StatefulSets and DaemonSets only:',
      '',
      ...report.unverified.map((u) => `- ${code(`${u.namespace}/${u.kind}/${u.name}`)} (${text(u.match)})`),
      '',
    );
  }
  if (report.uncheckedKinds.length) out.push('**Not checked:**', '', ...report.uncheckedKinds.map((p) => `- ${text(p)}`), '');
  return out.join('\n');
}

/** check-only: the workloads found, the permissions asked and Reloader. */
function checkSummaryOf(report: VerifyReport): string {
  const check = report.check!;
  const head = `### verify-rollout check: ${check.problems.length ? `❌ ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}` : `✅ ${report.workloads.length} workloads to verify, permissions in place`}`;
  const several = report.workloads.some((w) => w.object);
  const rows = report.workloads.map((w) => [...(several ? [w.object ?? ''] : []), w.namespace, `${w.kind}/${w.name}`, w.reason]);
  const denied = check.permissions.filter((p) => !p.allowed);
  const out = [head, '', table([...(several ? ['Object'] : []), 'Namespace', 'Workload', 'State'], rows), ''];
  out.push(
    `Permissions: ${check.permissions.length - denied.length} of ${check.permissions.length} allowed${denied.length ? `; missing: ${denied.map((d) => code(`${d.permission.verb} ${d.permission.resource}${d.permission.namespace ? ` in ${d.permission.namespace}` : ''}`)).join(', ')}` : ''}.`,
    '',
    `Reloader: ${text(check.reloader.state)}, ${text(check.reloader.detail)}.`,
    '',
  );
  for (const p of check.problems) out.push(`- ❌ ${text(p)}`);
  for (const w of check.warnings) out.push(`- ⚠️ ${text(w)}`);
  if (check.problems.length || check.warnings.length) out.push('');
  return out.join('\n');
}

/** The error that fails the step, naming every workload that did not finish with its reason; undefined when all did. */
export function failureOf(report: VerifyReport): ActionError | undefined {
  if (report.check?.problems.length)
    return new ActionError(`the verification could not run after the change:\n${report.check.problems.map((p) => serverText(`- ${p}`)).join('\n')}`, {
      fix: 'fix what is named above and run the workflow again; nothing was changed',
    });
  const failed = report.workloads.filter((w) => w.result === 'failed');
  if (!failed.length) return undefined;
  // Reasons and details carry server text (status messages, events): a `##[` in them is escaped for the runner.
  const items = failed.map((w) => serverText(`- ${w.namespace}/${w.kind}/${w.name}: ${w.reason}${w.details?.length ? ` [${w.details.join('; ')}]` : ''}`));
  return new ActionError(
    `${failed.length} of ${report.workloads.length} workloads did not finish rolling out with the current configuration:\n${items.join('\n')}`,
    { fix: 'fix the workloads listed (see the job summary), then re-run: workloads already rolled are verified at once' },
  );
}

/** What main knew when the step failed: each field is set once the step got that far. */
export interface FailureContext {
  settings?: Pick<VerifySettings, 'namespaces' | 'resource'>;
  /** The API server, once connected. */
  server?: string;
  /** The verification, when it ran to the end. */
  report?: VerifyReport;
}

/** The job summary of a failed step: what failed, where, what to do and which workloads run with the current configuration. */
export function failureSummaryOf(err: unknown, context: FailureContext): string {
  const { settings, server } = context;
  const where = [
    settings && `namespace ${settings.namespaces.join(', ')}`,
    settings?.resource && `${settings.resource.kind} ${settings.resource.name}`,
    server && `Kubernetes API ${server}`,
  ].filter(Boolean);
  return failureSummary('verify-rollout', err, { where: where.join(', ') || undefined, inPlace: inPlace(context) });
}

function inPlace({ server, report }: FailureContext): string[] {
  if (!report) {
    return [server ? 'Nothing was changed: verify-rollout stopped before restarting any workload.' : 'Nothing was changed: the cluster was not contacted.'];
  }
  const list = (rows: VerifyReport['workloads']) => rows.map((w) => text(`${w.namespace}/${w.kind}/${w.name}`)).join(', ');
  const current = report.workloads.filter((w) => w.result !== 'failed');
  const restarted = report.workloads.filter((w) => w.restarted);
  const failed = report.workloads.filter((w) => w.result === 'failed');
  const lines = [`${current.length} of ${report.workloads.length} workloads run with the current configuration${current.length ? `: ${list(current)}` : ''}.`];
  if (failed.length) lines.push(`Not verified: ${list(failed)} (see the table above for each reason).`);
  if (restarted.length) lines.push(`Restarted by this step (restart-if-not-reloaded): ${list(restarted)}.`);
  else lines.push('Nothing was changed: verify-rollout only read the cluster.');
  return lines;
}
