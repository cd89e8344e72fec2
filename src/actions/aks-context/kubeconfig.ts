import { parseDocument, stringify } from 'yaml';
import { ActionError } from '../../core/errors.js';
import { kubeconfigText } from './text.js';

/**
 * Pure kubeconfig handling for aks-context: parse and check, list the credential values to mask,
 * spot an Entra ID (kubelogin / `auth-provider: azure`) user, and swap it for a bearer token.
 * Uses the `yaml` package, not @kubernetes/client-node, to keep the action small and quick to start.
 */

/** The AKS server application Entra ID cluster tokens are issued for (same in every cloud). */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** The parts of a kubeconfig this code reads; everything else is kept as it was. */
export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Array<{ name: string; cluster?: Record<string, unknown> }>;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
  users?: Array<{ name: string; user?: KubeUser }>;
  'current-context'?: string;
  [key: string]: unknown;
}

export interface KubeUser {
  token?: string;
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  password?: string;
  exec?: { command?: string; args?: string[]; env?: Array<{ name: string; value: string }> | null; [key: string]: unknown };
  'auth-provider'?: { name?: string; config?: Record<string, string> };
  [key: string]: unknown;
}

/** A checked kubeconfig and what its current context points at. */
export interface ParsedKubeconfig {
  config: Kubeconfig;
  context: string;
  cluster: string;
  server: string;
  user: string;
}

/**
 * Parses kubeconfig YAML (or JSON) and checks the current context resolves to a cluster with a
 * server and to a user. Errors never quote the content (it holds credentials), only positions and names.
 */
export function parseKubeconfig(text: string, source: string): ParsedKubeconfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    // Position from the offset: the library's pretty messages quote the source line, which may hold a credential.
    const before = text.slice(0, first.pos[0]);
    const at = ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
    throw new ActionError(`${source} is not valid YAML${at} (${first.code})`, {
      fix: 'Pass the whole kubeconfig file content, e.g. `${{ secrets.KUBECONFIG }}`',
    });
  }
  const config = doc.toJS() as Kubeconfig | null;
  const fail = (problem: string) =>
    new ActionError(`${source} ${problem}`, {
      fix: 'Pass a complete kubeconfig (as written by `az aks get-credentials` or `kubectl config view --raw --minify`)',
    });
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw fail('is not a kubeconfig (expected a YAML mapping)');
  if (config.kind !== undefined && config.kind !== 'Config') throw fail(`has kind '${kubeconfigText(config.kind)}', not 'Config'`);
  const contextName = config['current-context'];
  if (!contextName) throw fail("has no 'current-context'");
  const context = config.contexts?.find((c) => c?.name === contextName)?.context;
  if (!context) throw fail(`has no context named '${kubeconfigText(contextName)}' (its current-context)`);
  const cluster = config.clusters?.find((c) => c?.name === context.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string' || !cluster.server)
    throw fail(`has no cluster '${kubeconfigText(context.cluster ?? '')}' with a server, for context '${kubeconfigText(contextName)}'`);
  const user = config.users?.find((u) => u?.name === context.user);
  if (!user) throw fail(`has no user '${kubeconfigText(context.user ?? '')}', for context '${kubeconfigText(contextName)}'`);
  return { config, context: contextName, cluster: String(context.cluster), server: cluster.server, user: String(context.user) };
}

/**
 * Whether an exec plugin flag carries a credential: `--client-secret`, `--password`, `--token`, `--api-key`,
 * `--access-token`... but not where one is kept or what kind it is (`--token-file`, `--secret-name`, `--client-id`).
 */
export function isSecretFlag(flag: string): boolean {
  const name = flag.replace(/^--?/, '').toLowerCase();
  if (!/(secret|passw(or)?d|pwd|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)/.test(name)) return false;
  return !/(file|path|dir|cache|type|url|endpoint|name|id|method|audience|expiry|lifetime|login)$/.test(name);
}

/** The values of secret flags in exec plugin arguments, as `--flag value` or `--flag=value`. */
function secretArgs(args: unknown): unknown[] {
  if (!Array.isArray(args)) return [];
  const found: unknown[] = [];
  args.forEach((arg, i) => {
    if (typeof arg !== 'string' || !arg.startsWith('-')) return;
    const eq = arg.indexOf('=');
    if (eq > 0) {
      if (isSecretFlag(arg.slice(0, eq))) found.push(arg.slice(eq + 1));
    } else if (isSecretFlag(arg) && typeof args[i + 1] === 'string' && !String(args[i + 1]).startsWith('--')) found.push(args[i + 1]);
  });
  return found;
}

/** Every credential value in the kubeconfig (all users), to mask before anything is logged. */
export function credentialValues(config: Kubeconfig): string[] {
  const values: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim().length >= 4) values.push(v);
  };
  for (const entry of config.users ?? []) {
    const user = entry?.user;
    if (!user) continue;
    add(user.token);
    add(user['client-certificate-data']);
    add(user['client-key-data']);
    add(user.password);
    for (const key of ['access-token', 'refresh-token', 'id-token', 'client-secret']) add(user['auth-provider']?.config?.[key]);
    // Every exec env value, whatever its name (a secret need not be called one), and the values of secret flags.
    for (const env of Array.isArray(user.exec?.env) ? user.exec.env : []) add(env?.value);
    for (const value of secretArgs(user.exec?.args)) add(value);
  }
  return [...new Set(values)];
}

/**
 * When the user is Entra ID login through kubelogin (exec) or the legacy `auth-provider: azure`,
 * the AKS server application id its tokens must be issued for; otherwise undefined.
 */
export function entraServerId(user: KubeUser | undefined): string | undefined {
  if (!user) return undefined;
  const exec = user.exec;
  if (exec && /(^|[/\\])kubelogin(\.exe)?$/.test(exec.command ?? '')) {
    const args = exec.args ?? [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--server-id') return args[i + 1] || AKS_SERVER_APP_ID;
      if (args[i].startsWith('--server-id=')) return args[i].slice('--server-id='.length) || AKS_SERVER_APP_ID;
    }
    return AKS_SERVER_APP_ID;
  }
  if (user['auth-provider']?.name === 'azure') return user['auth-provider'].config?.['apiserver-id'] || AKS_SERVER_APP_ID;
  return undefined;
}

/** The user of the current context. */
export function currentUser(parsed: ParsedKubeconfig): KubeUser | undefined {
  return parsed.config.users?.find((u) => u.name === parsed.user)?.user;
}

/** The kubeconfig with the current context's user replaced by a bearer token; the rest untouched. */
export function withTokenUser(parsed: ParsedKubeconfig, token: string): string {
  const users = (parsed.config.users ?? []).map((u) => (u.name === parsed.user ? { name: u.name, user: { token } } : u));
  return stringify({ ...parsed.config, users });
}

/** How the written kubeconfig authenticates. */
export type KubeconfigAuth = 'entra-token' | 'client-certificate' | 'token' | 'exec' | 'other';

/** How a kubeconfig user authenticates (for the log and summary). */
export function describeUser(user: KubeUser | undefined): { auth: KubeconfigAuth; execCommand?: string } {
  if (!user) return { auth: 'other' };
  if (user.exec) return { auth: 'exec', execCommand: user.exec.command === undefined ? undefined : String(user.exec.command) };
  if (user['client-certificate-data'] || user['client-certificate']) return { auth: 'client-certificate' };
  if (user.token || user.tokenFile) return { auth: 'token' };
  return { auth: 'other' };
}
