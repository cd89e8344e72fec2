import * as core from '../../core/runner.js';
import { connectKube, serverText } from '../../core/kube/client.js';
import { actionsLogger, type Logger } from '../../core/log.js';
import { systemClock } from '../../core/time.js';
import { getInputs } from './inputs.js';
import { failureOf, failureSummaryOf, outputsOf, summaryOf, type FailureContext } from './report.js';
import { mergeReports, verifyRollout } from './verify.js';

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
    const { kube, resources, ...settings } = getInputs();
    context.settings = { ...settings, resource: resources[0] };
    const clients = await connectKube(kube, { logger });
    context.server = clients.server;
    // Several objects: each is verified on its own by Reloader's rules, all at once, under the one timeout.
    const reports = await Promise.all(
      (resources.length ? resources : [undefined]).map((resource) =>
        verifyRollout(clients, { ...settings, resource, clock: systemClock, logger, mask: core.maskSecret }),
      ),
    );
    const report = reports.length === 1 ? reports[0] : mergeReports(reports, resources);
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
