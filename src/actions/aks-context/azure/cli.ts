import { execFile, type ExecFileException } from 'node:child_process';
import { ActionError } from '../../../core/errors.js';

/**
 * The subscription the az CLI is set to (`az account show`): what azure/login selected. Only used
 * on the az CLI route when `subscription-id` is not given, as `az aks get-credentials` would.
 */
export async function azCurrentSubscription(timeoutMs = 30_000): Promise<{ id: string; tenantId?: string }> {
  const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error: ExecFileException | null }>((resolve) => {
    execFile('az', ['account', 'show', '--output', 'json'], { timeout: timeoutMs, encoding: 'utf8', cwd: '/' }, (err, out, errOut) =>
      resolve({ stdout: out, stderr: errOut, error: err }),
    );
  });
  const fix = 'Set `subscription-id`, or run azure/login (with `subscription-id`) before this step';
  if (error?.code === 'ENOENT')
    throw new ActionError('No Azure credential was given and the az CLI is not installed', {
      fix: 'Give `client-id` + `tenant-id` (OIDC, with `permissions: id-token: write`), or `creds`, or run azure/login before this step',
    });
  if (error) throw new ActionError(`az account show failed: ${stderr.trim().split('\n')[0] || error.message}`, { fix });
  try {
    const account = JSON.parse(stdout) as { id?: unknown; tenantId?: unknown };
    if (typeof account.id === 'string' && account.id) return { id: account.id, tenantId: typeof account.tenantId === 'string' ? account.tenantId : undefined };
  } catch {
    // fall through to the error below
  }
  throw new ActionError('az account show printed no subscription id', { fix });
}
