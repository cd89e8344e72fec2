import { resolve } from 'node:path';
import * as core from '../../core/runner.js';

/** What main leaves for post: the one place that writes or reads aks-context's state. */
export interface MainState {
  /** The kubeconfig file main created. */
  kubeconfigPath: string;
  /** `keep-kubeconfig: true`: post leaves the file. */
  keep: boolean;
}

const PATH = 'kubeconfig-path';
const KEEP = 'keep-kubeconfig';

export function saveMainState(state: MainState): void {
  core.saveState(PATH, state.kubeconfigPath);
  core.saveState(KEEP, String(state.keep));
}

/** Undefined when main wrote no file (it failed before, or never ran). */
export function loadMainState(): MainState | undefined {
  const kubeconfigPath = core.getState(PATH);
  if (!kubeconfigPath) return undefined;
  return { kubeconfigPath, keep: core.getState(KEEP) === 'true' };
}

/**
 * RUNNER_TEMP as main and post both use it: resolved to an absolute path once, by the same rule (against the
 * working directory, which the runner gives both steps), so a relative value can never make main write a file
 * post then refuses to remove. Undefined when unset.
 */
export function runnerTempDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.RUNNER_TEMP;
  return dir ? resolve(dir) : undefined;
}
