import { table } from '../../core/markdown.js';
import { formatDuration } from '../../core/time.js';
import type { VerifyReport } from './verify.js';

/** The job summary: one table of workloads with result and time. Pure. */
export function verifySummary(report: VerifyReport): string {
  const failed = report.workloads.filter((w) => w.result === 'failed').length;
  const head = `### verify-rollout: ${failed ? `${failed} of ${report.workloads.length} workloads failed` : `${report.workloads.length} workloads verified`} in ${formatDuration(report.durationMs)}`;
  const rows = report.workloads.map((w) => [
    w.namespace,
    `${w.kind}/${w.name}`,
    w.result === 'failed' ? `❌ failed` : `✅ ${w.result}`,
    w.strategy ?? '',
    w.seconds === null ? '' : `${w.seconds.toFixed(1)}s`,
    [w.reason, ...(w.details ?? [])].join('\n'),
  ]);
  const hashes = Object.entries(report.hashes).map(([ns, h]) => `\`${ns}\`: \`${h}\``);
  return [
    head,
    '',
    table(['Namespace', 'Workload', 'Result', 'Strategy', 'Time', 'Detail'], rows),
    '',
    hashes.length ? `Reloader hash of the configuration: ${hashes.join(', ')}` : '',
    '',
  ].join('\n');
}

/** One error naming every workload that did not finish, with its reason. Pure. */
export function failureMessage(report: VerifyReport): string {
  const failed = report.workloads.filter((w) => w.result === 'failed');
  const lines = failed.map((w) => `- ${w.namespace}/${w.kind}/${w.name}: ${w.reason}${w.details?.length ? ` [${w.details.join('; ')}]` : ''}`);
  return `${failed.length} of ${report.workloads.length} workloads did not finish rolling out with the current configuration:\n${lines.join('\n')}`;
}
