import * as core from '../../core/runner.js';
import { connectKube } from '../../core/kube/client.js';
import { actionsLogger } from '../../core/log.js';
import { systemClock } from '../../core/time.js';
import { getInputs } from './inputs.js';
import { failureOf, failureSummaryOf, outputsOf, summaryOf, type FailureContext } from './report.js';
import { verifyRollout } from './verify.js';

/**
 * verify-rollout: proves each workload runs with the current ConfigMap/Secret data (hash in the pod
 * template, rollout complete by kubectl's rules), or fails once listing every workload that did not.
 * Whatever fails, the job summary says what, where, what to do and what is in place.
 */
export async function run(): Promise<void> {
  const context: FailureContext = {};
  try {
    const { kube, ...settings } = getInputs();
    context.settings = settings;
    const clients = await connectKube(kube);
    context.server = clients.server;
    const report = await verifyRollout(clients, { ...settings, clock: systemClock, logger: actionsLogger, mask: core.maskSecret });
    context.report = report;
    core.setOutputs(outputsOf(report));
    core.appendSummary(summaryOf(report));
    const failure = failureOf(report);
    if (failure) throw failure;
  } catch (err) {
    core.appendSummary(failureSummaryOf(err, context));
    throw err;
  }
}
