import { lstatSync, unlinkSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { describeError } from '../../core/errors.js';
import type { MainState } from './state.js';

/** What post did, and the line to log; `warning` marks a problem (reported, never a failure). */
export interface CleanupResult {
  outcome: 'removed' | 'kept' | 'nothing' | 'missing' | 'refused' | 'failed';
  message: string;
  warning: boolean;
}

/**
 * Removes exactly the file main wrote: only when it is still a regular file inside RUNNER_TEMP.
 * Anything unexpected is a warning, so cleanup can never fail a job that succeeded.
 */
export function removeKubeconfig(state: MainState | undefined, runnerTemp: string | undefined): CleanupResult {
  if (!state) return { outcome: 'nothing', message: 'aks-context wrote no kubeconfig in this job: nothing to remove', warning: false };
  const path = state.kubeconfigPath;
  if (state.keep)
    return { outcome: 'kept', message: `Kept ${path} (keep-kubeconfig: true); it holds cluster credentials until the runner is cleaned`, warning: false };
  const inside = runnerTemp !== undefined && isAbsolute(path) && !relative(runnerTemp, path).startsWith('..') && !isAbsolute(relative(runnerTemp, path));
  if (!inside)
    return {
      outcome: 'refused',
      message: `Did not remove ${path}: it is not inside RUNNER_TEMP (${runnerTemp ?? 'unset'}), so it is not the file aks-context wrote`,
      warning: true,
    };
  try {
    const stat = lstatSync(path);
    if (!stat.isFile()) return { outcome: 'refused', message: `Did not remove ${path}: it is no longer a regular file`, warning: true };
    unlinkSync(path);
    return { outcome: 'removed', message: `Removed the kubeconfig ${path}`, warning: false };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { outcome: 'missing', message: `The kubeconfig ${path} was already gone (removed by an earlier step?)`, warning: true };
    return { outcome: 'failed', message: `Could not remove the kubeconfig ${path}: ${describeError(err)}`, warning: true };
  }
}
