import * as core from '../../core/runner.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { connectKube } from '../../core/kube/client.js';
import { desiredFromInputs, desiredFromManifests, objectKey } from './desired.js';
import { getInputs } from './inputs.js';
import { failureSummaryOf, outputsOf, summaryOf, type FailureContext } from './report.js';
import { swap, SwapError } from './swap.js';

/**
 * swap-configmap: builds the desired ConfigMaps/Secrets (placeholders filled, each secret value masked
 * as soon as it is substituted, then everything checked), then changes the objects in place and reports
 * Reloader's view of it. Whatever fails, the job summary says what, where, what to do and where each
 * object stands; when some objects were applied before the failure, their outputs and summary are written too.
 */
/**
 * Warnings, debug lines and the step's error carry server and file text into `::warning::`/`::error::` commands,
 * whose data the runner's escaping keeps on one line but leaves `##[` in: made inert like every log line.
 */
const logger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(core.inert(m)),
  debug: (m) => core.debug(core.inert(m)),
};

function inertError(err: unknown): unknown {
  const text = describeError(err);
  const safe = core.inert(text);
  return safe === text ? err : new Error(safe, { cause: err });
}

export async function run(): Promise<void> {
  const context: FailureContext = {};
  try {
    const inputs = getInputs();
    context.dryRun = inputs.dryRun;
    const secrets = { mask: core.maskSecret, secretVars: inputs.secretVars };
    const objects = inputs.single
      ? [desiredFromInputs(inputs.single, process.env, secrets)]
      : desiredFromManifests(inputs.manifests, process.env, inputs.namespace, secrets);
    context.objects = objects;

    const clients = await connectKube(inputs.kube, { requestTimeoutMs: inputs.requestTimeoutMs, logger });
    context.server = clients.server;
    core.info(`${inputs.dryRun ? 'Dry run (dryRun=All): ' : ''}swapping ${objects.map(objectKey).join(', ')} on ${clients.server}`);
    const result = await swap(clients, { objects, target: inputs.target, dryRun: inputs.dryRun, logger, mask: core.maskSecret });
    core.setOutputs(outputsOf(result));
    core.appendSummary(summaryOf(result));
  } catch (err) {
    if (err instanceof SwapError && err.applied.objects.length) {
      core.setOutputs(outputsOf(err.applied, err.objects));
      core.appendSummary(summaryOf(err.applied, err.objects.length));
    }
    core.appendSummary(failureSummaryOf(err, context));
    throw inertError(err);
  }
}
