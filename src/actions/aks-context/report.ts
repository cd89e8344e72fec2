import { table } from '../../core/markdown.js';
import { formatDuration } from '../../core/time.js';
import type { PreparedKubeconfig } from './prepared.js';

/** Tokens closer than this to expiry get a warning: later steps would meet 401s. */
export const SHORT_TOKEN_MS = 15 * 60_000;

const AUTH_TEXT: Record<PreparedKubeconfig['auth'], string> = {
  'entra-token': 'Entra ID bearer token (no kubelogin needed)',
  'client-certificate': 'client certificate (local account)',
  token: 'bearer token',
  exec: 'exec plugin',
  other: 'as given',
};

/** Log lines (info and warnings) about the kubeconfig written; never a credential. */
export function describeKubeconfig(prepared: PreparedKubeconfig, path: string, now: number): { info: string[]; warnings: string[] } {
  const info = [
    `Wrote the kubeconfig of ${prepared.source} to ${path} (mode 0600); KUBECONFIG is set for the following steps`,
    `Context '${prepared.context}', server ${prepared.server}, authentication: ${AUTH_TEXT[prepared.auth]}`,
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
      `The kubeconfig's user runs the exec plugin '${prepared.execCommand ?? '?'}': it must be installed on the runner for later steps to connect.`,
    );
  return { info, warnings };
}

/** The job summary section. */
export function summaryOf(prepared: PreparedKubeconfig, path: string, keep: boolean): string {
  const rows: unknown[][] = [
    ['Source', prepared.source],
    ['Context', prepared.context],
    ['Server', prepared.server],
    ['Authentication', AUTH_TEXT[prepared.auth]],
  ];
  if (prepared.token) rows.push(['Token valid until', new Date(prepared.token.expiresOnTimestamp).toISOString()]);
  rows.push(['Kubeconfig', `\`${path}\` (${keep ? 'kept after the job' : 'removed by the post step'})`]);
  return `### aks-context\n\n${table(['Item', 'Value'], rows)}\n`;
}
