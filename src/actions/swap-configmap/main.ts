import * as core from '../../core/runner.js';
import { actionsLogger } from '../../core/log.js';
import { connectKube } from '../../core/kube/client.js';
import { desiredFromInputs, desiredFromManifests, objectKey } from './desired.js';
import { getInputs } from './inputs.js';
import { failureSummaryOf, outputsOf, summaryOf, type FailureContext } from './report.js';
import { swap } from './swap.js';

/**
 * swap-configmap: builds the desired ConfigMaps/Secrets (placeholders filled, everything checked),
 * masks the secret values, then changes the objects in place and reports Reloader's view of it.
 * Whatever fails, the job summary says what, where, what to do and where each object stands.
 */
export async function run(): Promise<void> {
  const context: FailureContext = {};
  try {
    const inputs = getInputs();
    context.dryRun = inputs.dryRun;
    const objects = inputs.single ? [desiredFromInputs(inputs.single, process.env)] : desiredFromManifests(inputs.manifests, process.env, inputs.namespace);
    for (const value of new Set(objects.flatMap((o) => o.secretValues))) core.maskSecret(value);
    context.objects = objects;

    const clients = await connectKube(inputs.kube);
    context.server = clients.server;
    core.info(`${inputs.dryRun ? 'Dry run (dryRun=All): ' : ''}swapping ${objects.map(objectKey).join(', ')} on ${clients.server}`);
    const result = await swap(clients, { objects, target: inputs.target, dryRun: inputs.dryRun, logger: actionsLogger, mask: core.maskSecret });
    core.setOutputs(outputsOf(result));
    core.appendSummary(summaryOf(result));
  } catch (err) {
    core.appendSummary(failureSummaryOf(err, context));
    throw err;
  }
}
