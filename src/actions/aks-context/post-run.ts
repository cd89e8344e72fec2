import * as core from '../../core/runner.js';
import { removeKubeconfig } from './cleanup.js';
import { loadMainState, runnerTempDir } from './state.js';

/** The post step: remove the kubeconfig main wrote, unless it was to be kept. Problems are warnings. */
export async function runPost(): Promise<void> {
  const result = removeKubeconfig(loadMainState(), runnerTempDir());
  if (result.warning) core.warning(result.message);
  else core.info(result.message);
}
