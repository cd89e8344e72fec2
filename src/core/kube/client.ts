import { accessSync, constants, statSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { delimiter, isAbsolute, resolve } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { ActionError, InputError } from '../errors.js';

/**
 * The one place where `@kubernetes/client-node` clients are built. client-node is heavy (about 5 MB
 * of minified code), so it is imported dynamically by `connectKube`, after the inputs were validated:
 * an input error never pays for evaluating it.
 *
 * The import is webpack-`eager`: ncc keeps client-node in the minified main file (its module code
 * only runs when `connectKube` asks for it) instead of an unminified 19.5 MB lazy chunk, which ncc
 * does not minify. Measured: 5.7 MB in one file instead of 0.6 + 19.5 MB.
 */

/** Field manager of every write the actions make, so `managedFields` show who changed an object. */
export const FIELD_MANAGER = 'ccloud-dr-actions';

/** Where the kubeconfig comes from, after validation by `resolveKubeconfig`. */
export interface KubeTarget {
  /** Absolute path(s) to kubeconfig files; several are merged like `KUBECONFIG=a:b`. */
  kubeconfigPaths: string[];
  /** Name of the input that gave them (for error messages). */
  input: string;
}

/** The clients an action uses; all share one KubeConfig (credentials, TLS, server). */
export interface KubeClients {
  lib: typeof K8s;
  config: K8s.KubeConfig;
  core: K8s.CoreV1Api;
  apps: K8s.AppsV1Api;
  /** Server URL of the current context, for messages. */
  server: string;
}

const AKS_HINT = 'run the aks-context action earlier in the job (it exports KUBECONFIG), or pass the path of a kubeconfig file';

/**
 * Validates the kubeconfig input (a path; default env `KUBECONFIG`) without reading its content:
 * the file must exist and be readable. Pure apart from `fs` checks; no network.
 */
export function resolveKubeconfig(value: string | undefined, env: NodeJS.ProcessEnv = process.env, input = 'kubeconfig', cwd = process.cwd()): KubeTarget {
  const fromEnv = !value;
  const raw = value || env.KUBECONFIG || '';
  if (!raw) {
    throw new InputError(input, 'was not set and the KUBECONFIG environment variable is empty', `the path of a kubeconfig file: ${AKS_HINT}`);
  }
  const base = env.GITHUB_WORKSPACE || cwd;
  const paths = raw
    .split(delimiter)
    .filter((p) => p.trim() !== '')
    .map((p) => (isAbsolute(p.trim()) ? p.trim() : resolve(base, p.trim())));
  for (const path of paths) {
    const shown = fromEnv ? `KUBECONFIG entry '${path}'` : `'${path}'`;
    let problem: string | undefined;
    try {
      if (!statSync(path).isFile()) problem = 'is not a file';
      else accessSync(path, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problem ??= code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code ?? (err as Error).message})`;
    }
    if (problem) throw new InputError(input, `points to ${shown}, which ${problem}`, `a readable kubeconfig file: ${AKS_HINT}`);
  }
  return { kubeconfigPaths: paths, input };
}

/** Loads client-node, reads the kubeconfig and builds the API clients. */
export async function connectKube(target: KubeTarget): Promise<KubeClients> {
  const lib = await import('@kubernetes/client-node');
  const config = new lib.KubeConfig();
  try {
    for (const [i, path] of target.kubeconfigPaths.entries()) {
      if (i === 0) {
        config.loadFromFile(path);
      } else {
        const more = new lib.KubeConfig();
        more.loadFromFile(path);
        config.mergeConfig(more, true);
      }
    }
  } catch (err) {
    throw new ActionError(`the kubeconfig could not be read: ${(err as Error).message}`, {
      where: `input '${target.input}': ${target.kubeconfigPaths.join(delimiter)}`,
      fix: `check the file is a valid kubeconfig; ${AKS_HINT}`,
      cause: err,
    });
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new ActionError('the kubeconfig has no current context with a cluster', {
      where: `input '${target.input}': ${target.kubeconfigPaths.join(delimiter)}`,
      fix: 'set `current-context` in the file to a context that names a cluster',
    });
  }
  return { lib, config, core: config.makeApiClient(lib.CoreV1Api), apps: config.makeApiClient(lib.AppsV1Api), server: cluster.server };
}

/** A Kubernetes `Status` object as returned in error bodies. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ message?: string; field?: string }> };
}

/** HTTP status of a client-node failure (ApiException `code`, or a watch error's `statusCode`), if any. */
export function errorStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** Parses an ApiException body (raw response text) into a Status, when it is one. */
export function parseStatus(err: unknown): KubeStatus | undefined {
  const body = (err as { body?: unknown })?.body;
  if (body && typeof body === 'object') return body as KubeStatus;
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns a client-node failure into an ActionError saying what was attempted on which object, the
 * server's own `Status.message`, and what to do. `what` reads like `read ConfigMap clients/kafka-proxy-config`.
 */
export function kubeError(err: unknown, what: string, server?: string): ActionError {
  if (err instanceof ActionError) return err;
  const code = errorStatus(err);
  if (code === undefined) {
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const netCode = (err as { code?: string })?.code ?? cause?.code;
    const detail = netCode === 'ECONNREFUSED' ? 'connection refused' : (cause?.message ?? (err as Error)?.message ?? String(err));
    return new ActionError(`could not ${what}: ${detail}`, {
      where: server ? `Kubernetes API ${server}` : undefined,
      fix: 'check the cluster is reachable from the runner (for a private AKS cluster, run on a runner inside its network) and that the kubeconfig points at it',
      cause: err,
    });
  }
  const status = parseStatus(err);
  const causes = (status?.details?.causes ?? []).map((c) => c.message).filter(Boolean);
  // client-node gives some answers (a 401) no body: then the status line is all there is to say.
  const text = status?.message
    ? `could not ${what}: ${status.message}${causes.length && !status.message.includes(causes[0]!) ? ` (${causes.join('; ')})` : ''} (HTTP ${code}${status.reason ? ` ${status.reason}` : ''})`
    : `could not ${what}: HTTP ${code}${STATUS_CODES[code] ? ` ${STATUS_CODES[code]}` : ''}`;
  return new ActionError(text, { where: server ? `Kubernetes API ${server}` : undefined, fix: fixFor(code), cause: err });
}

function fixFor(code: number): string | undefined {
  switch (code) {
    case 401:
      return 'the credentials in the kubeconfig were refused: they may have expired; re-run the aks-context step to get fresh ones';
    case 403:
      return 'the identity in the kubeconfig lacks the RBAC permission for this: grant it a Role (or ClusterRole) allowing this verb on this resource in this namespace';
    case 404:
      return 'check the name and the namespace';
    case 409:
      return 'someone else changed the object at the same time; re-run the step';
    case 422:
      return 'the server refused the object as invalid; fix the manifest';
    default:
      return code >= 500 ? 'the Kubernetes API server failed; re-run the step, and check the cluster health if it persists' : undefined;
  }
}
