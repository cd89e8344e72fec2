import * as core from '../../core/runner.js';
import { ActionError } from '../../core/errors.js';
import { actionsLogger } from '../../core/log.js';
import { getInputs, type AksContextInputs } from './inputs.js';
import { kubeconfigPathIn, writeSecureFile } from './kubeconfig-file.js';
import type { PreparedKubeconfig } from './prepared.js';
import { describeKubeconfig, failureSummaryOf, outputsOf, summaryOf, type FailureContext } from './report.js';
import { runnerTempDir, saveMainState } from './state.js';

/**
 * aks-context: validates every input, gets a kubeconfig (from Azure, or from the `kubeconfig`
 * input), writes it under RUNNER_TEMP (exclusive create, 0600), records it for the post step,
 * exports KUBECONFIG and sets `kubeconfig-path`. A failure writes a failure summary, then throws.
 */
export async function run(): Promise<void> {
  const context: FailureContext = {};
  try {
    const inputs = (context.inputs = getInputs());
    const runnerTemp = runnerTempDir();
    if (!runnerTemp)
      throw new ActionError('RUNNER_TEMP is not set, so there is no private place for the kubeconfig', {
        fix: 'Run inside GitHub Actions, or set RUNNER_TEMP to a private temporary directory',
      });
    const prepared = await prepare(inputs);

    const path = kubeconfigPathIn(runnerTemp);
    writeSecureFile(path, prepared.kubeconfig);
    context.written = { path, recorded: false };
    saveMainState({ kubeconfigPath: path, keep: inputs.keepKubeconfig });
    context.written.recorded = true;
    core.exportVariable('KUBECONFIG', path);
    core.setOutputs(outputsOf(prepared, path));

    const { info, warnings } = describeKubeconfig(prepared, path, Date.now());
    for (const line of info) core.info(line);
    for (const line of warnings) core.warning(line);
    core.appendSummary(summaryOf(prepared, path, inputs.keepKubeconfig));
  } catch (err) {
    core.appendSummary(failureSummaryOf(err, context));
    throw err;
  }
}

/** The kubeconfig, from the route the inputs chose; each route's modules load only when it is taken. */
async function prepare(inputs: AksContextInputs): Promise<PreparedKubeconfig> {
  if (inputs.mode === 'kubeconfig') {
    // yaml only: the Azure SDK is never loaded on this route.
    const { fromKubeconfigInput } = await import('./from-kubeconfig.js');
    return fromKubeconfigInput(inputs.kubeconfig, inputs.origin);
  }
  // Loaded after validation: an input error never pays for the Azure SDK.
  const { fromAzure } = await import('./from-azure.js');
  return fromAzure(inputs, { logger: actionsLogger });
}
