import { basename } from 'node:path';
import { failureSummary } from '../../core/failure-summary.js';
import { code, md, table } from '../../core/markdown.js';
import { formatDuration } from '../../core/time.js';
import type { AksContextInputs } from './inputs.js';
import { kubeconfigText } from './text.js';
import type { PreparedKubeconfig } from './prepared.js';

/**
 * Everything aks-context tells the user, as text: the outputs, the log lines and the job summary of a
 * kubeconfig written, and the job summary of a failed step. Pure: `main` writes them.
 */

/** Tokens closer than this to expiry get a warning: later steps would meet 401s. */
export const SHORT_TOKEN_MS = 15 * 60_000;

const AUTH_TEXT: Record<PreparedKubeconfig['auth'], string> = {
  'entra-token': 'Entra ID bearer token (no kubelogin needed)',
  'client-certificate': 'client certificate (local account)',
  token: 'bearer token',
  exec: 'exec plugin',
  other: 'as given',
};

/** The action's outputs. */
export function outputsOf(prepared: PreparedKubeconfig, path: string): Record<string, string> {
  return { 'kubeconfig-path': path, 'token-expires-on': prepared.token ? new Date(prepared.token.expiresOnTimestamp).toISOString() : '' };
}

/**
 * Log lines (info and warnings) about the kubeconfig written; never a credential. What comes from the kubeconfig
 * (context, server, exec command) is one inert line each: a warning is a workflow command, so its text must be.
 */
export function describeKubeconfig(prepared: PreparedKubeconfig, path: string, now: number): { info: string[]; warnings: string[] } {
  const info = [
    `Wrote the kubeconfig of ${prepared.source} to ${path} (mode 0600); KUBECONFIG is set for the following steps`,
    `Context '${kubeconfigText(prepared.context)}', server ${kubeconfigText(prepared.server)}, authentication: ${AUTH_TEXT[prepared.auth]}`,
  ];
  const warnings: string[] = [];
  if (prepared.token) {
    const left = prepared.token.expiresOnTimestamp - now;
    info.push(
      `The token for ${prepared.token.scope} is valid until ${new Date(prepared.token.expiresOnTimestamp).toISOString()} (${formatDuration(Math.max(0, left))} from now)`,
    );
    if (left < SHORT_TOKEN_MS)
      warnings.push(
        `The Kubernetes token expires in ${formatDuration(Math.max(0, left))}: steps that run later will be refused (401). Run aks-context again right before them.`,
      );
  }
  if (prepared.auth === 'exec')
    warnings.push(
      `The kubeconfig's user runs the exec plugin '${kubeconfigText(prepared.execCommand ?? '?')}': it must be installed on the runner for later steps to connect.`,
    );
  return { info, warnings };
}

/**
 * The job summary of a kubeconfig written. Context and server come from the kubeconfig and the source may name
 * Azure resources: the table shows them as text (escaped).
 */
export function summaryOf(prepared: PreparedKubeconfig, path: string, keep: boolean): string {
  const rows: unknown[][] = [
    ['Source', prepared.source],
    ['Context', prepared.context],
    ['Server', prepared.server],
    ['Authentication', AUTH_TEXT[prepared.auth]],
  ];
  if (prepared.token) rows.push(['Token valid until', new Date(prepared.token.expiresOnTimestamp).toISOString()]);
  // The path is the runner's temporary folder, in the log and the `kubeconfig-path` output; the summary says where it is kept.
  rows.push([
    'Kubeconfig',
    keep
      ? md`${code(basename(path))} in ${code('RUNNER_TEMP')} (mode 0600), kept after the job`
      : md`a file in ${code('RUNNER_TEMP')} (mode 0600), removed by the post step`,
  ]);
  return `### aks-context\n\n${table(['Item', 'Value'], rows)}\n`;
}

/** What main knew when the step failed: its inputs once they were read, and the file once written. */
export interface FailureContext {
  inputs?: AksContextInputs;
  /** The kubeconfig file; `recorded` once the post step was told to remove it. */
  written?: { path: string; recorded: boolean };
}

/**
 * The job summary of a failed step (bad input, refused sign-in, missing role...): what failed, where,
 * what to do, and whether a kubeconfig was left on the runner. Errors never hold credentials.
 */
export function failureSummaryOf(err: unknown, context: FailureContext): string {
  const { inputs, written } = context;
  const where = inputs?.mode === 'azure' ? `AKS cluster ${inputs.resourceGroup}/${inputs.clusterName}` : inputs && "the 'kubeconfig' input";
  const file = !written
    ? 'No kubeconfig was written and `KUBECONFIG` is not set: the steps after this one cannot reach the cluster.'
    : written.recorded
      ? md`The kubeconfig ${code(written.path)} was written before the failure; the post step removes it.`.value
      : md`The kubeconfig ${code(written.path)} was written before the failure but not recorded for the post step: it stays until the runner empties ${code('RUNNER_TEMP')}.`
          .value;
  return failureSummary('aks-context', err, { where, inPlace: [file] });
}
