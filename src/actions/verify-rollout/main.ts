import * as core from '../../core/runner.js';
import { ActionError } from '../../core/errors.js';
import { connectKube } from '../../core/kube/client.js';
import { actionsLogger } from '../../core/log.js';
import { systemClock } from '../../core/time.js';
import { getInputs } from './inputs.js';
import { failureMessage, verifySummary } from './summary.js';
import { verifyRollout } from './verify.js';

/**
 * verify-rollout: proves each workload runs with the current ConfigMap/Secret data (hash in the pod
 * template, rollout complete by kubectl's rules), or fails once listing every workload that did not.
 */
export async function run(): Promise<void> {
  const { kube, ...settings } = getInputs();
  const clients = await connectKube(kube);
  const report = await verifyRollout(clients, {
    ...settings,
    clock: systemClock,
    logger: actionsLogger,
    mask: core.maskSecret,
  });
  core.setOutputs({
    workloads: report.workloads.map(({ namespace, kind, name, strategy, seconds, result, reason, noticedAt }) => ({
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
  });
  core.appendSummary(verifySummary(report));
  if (!report.ok)
    throw new ActionError(failureMessage(report), {
      fix: 'fix the workloads listed (see the job summary), then re-run: workloads already rolled are verified at once',
    });
}
