import * as core from '../../core/runner.js';
import { connectKube, serverText } from '../../core/kube/client.js';
import { actionsLogger, type Logger } from '../../core/log.js';
import { systemClock } from '../../core/time.js';
import { getInputs } from './inputs.js';
import { failureOf, failureSummaryOf, outputsOf, summaryOf, type FailureContext } from './report.js';
import { verifyRollout } from './verify.js';

/** Warnings are workflow commands, not inert log lines: a `##[` of server text in them is escaped. */
const logger: Logger = { ...actionsLogger, warning: (m) => actionsLogger.warning(serverText(m)) };

/**
 * verify-rollout: proves each workload runs with the current ConfigMap/Secret data (the pod template's
 * latest marker is for it, rollout complete by kubectl's rules), or fails once listing every workload that
 * did not. The `timeout` input bounds every Kubernetes request too. Whatever fails, the job summary says
 * what, where, what to do and what is in place.
 */
export async function run(): Promise<void> {
  const context: FailureContext = {};
  try {
    const { kube, ...settings } = getInputs();
    context.settings = settings;
    const clients = await connectKube(kube, { logger });
    context.server = clients.server;
    const report = await verifyRollout(clients, { ...settings, clock: systemClock, logger, mask: core.maskSecret });
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
