import * as core from '../../core/runner.js';
import { ActionError } from '../../core/errors.js';
import { actionsLogger } from '../../core/log.js';
import { getInputs } from './inputs.js';
import { kubeconfigPathIn, writeSecureFile } from './kubeconfig-file.js';
import type { PreparedKubeconfig } from './prepared.js';
import { describeKubeconfig, summaryOf } from './report.js';
import { saveMainState } from './state.js';

/**
 * aks-context: validates every input, gets a kubeconfig (from Azure, or from the `kubeconfig`
 * input), writes it under RUNNER_TEMP (exclusive create, 0600), records it for the post step,
 * exports KUBECONFIG and sets `kubeconfig-path`.
 */
export async function run(): Promise<void> {
  const inputs = getInputs();
  const runnerTemp = process.env.RUNNER_TEMP;
  if (!runnerTemp)
    throw new ActionError('RUNNER_TEMP is not set, so there is no private place for the kubeconfig', {
      fix: 'Run inside GitHub Actions, or set RUNNER_TEMP to a private temporary directory',
    });

  let prepared: PreparedKubeconfig;
  if (inputs.mode === 'kubeconfig') {
    // yaml only: the Azure SDK is never loaded on this route.
    const { fromKubeconfigInput } = await import('./from-kubeconfig.js');
    prepared = fromKubeconfigInput(inputs.kubeconfig, inputs.origin, core.maskSecret);
  } else {
    // Loaded after validation: an input error never pays for the Azure SDK.
    const { fromAzure } = await import('./from-azure.js');
    prepared = await fromAzure(inputs, actionsLogger);
  }

  const path = kubeconfigPathIn(runnerTemp);
  writeSecureFile(path, prepared.kubeconfig);
  saveMainState({ kubeconfigPath: path, keep: inputs.keepKubeconfig });
  core.exportVariable('KUBECONFIG', path);
  core.setOutputs({ 'kubeconfig-path': path, 'token-expires-on': prepared.token ? new Date(prepared.token.expiresOnTimestamp).toISOString() : '' });

  const { info, warnings } = describeKubeconfig(prepared, path, Date.now());
  for (const line of info) core.info(line);
  for (const line of warnings) core.warning(line);
  core.appendSummary(summaryOf(prepared, path, inputs.keepKubeconfig));
}
