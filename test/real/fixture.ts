import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolloutStatus } from '../../src/actions/verify-rollout/rollout-status.js';
import { WORKLOAD_KINDS, type Workload } from '../../src/core/kube/workload.js';
import { apiCall, apiRequest, type ApiAnswer, type ApiTarget, type RequestOptions } from '../../src/playground/real/kube/http.js';
import { defaultBinDir, reloaderBinary, startRealKube, type RealKube, type RealKubeOptions } from '../../src/playground/real/kube/index.js';
import { realKubeconfigYaml } from '../../src/playground/real/kube/kubeconfig.js';

/**
 * What the suites of test/real share: a real control plane (src/playground/real/kube) started for one
 * suite, with an admin client (server-side apply, get, list, delete), the built kubectl, ServiceAccount
 * kubeconfigs, and waits on the rules kubectl uses.
 */

/** Which Reloader rolls workloads on the real control plane, decided before it starts (test names say it). */
export function reloaderInUse(): 'Stakater Reloader' | 'Reloader stand-in' {
  return reloaderBinary(defaultBinDir()) ? 'Stakater Reloader' : 'Reloader stand-in';
}

/** The API path of a kind's collection or object (the kinds the suites use). */
const KINDS: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  Namespace: { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  Node: { prefix: '/api/v1', plural: 'nodes', namespaced: false },
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps', namespaced: true },
  Secret: { prefix: '/api/v1', plural: 'secrets', namespaced: true },
  Pod: { prefix: '/api/v1', plural: 'pods', namespaced: true },
  Event: { prefix: '/api/v1', plural: 'events', namespaced: true },
  ServiceAccount: { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  ReplicaSet: { prefix: '/apis/apps/v1', plural: 'replicasets', namespaced: true },
  StatefulSet: { prefix: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
  DaemonSet: { prefix: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
  Role: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles', namespaced: true },
  RoleBinding: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
  ClusterRole: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
};

export function pathOf(kind: string, namespace: string | undefined, name?: string): string {
  const k = KINDS[kind];
  if (!k) throw new Error(`test/real/fixture.ts knows no kind '${kind}'`);
  const base = k.namespaced ? `${k.prefix}/namespaces/${encodeURIComponent(namespace ?? 'default')}/${k.plural}` : `${k.prefix}/${k.plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: Array<{ kind: string; name: string; uid: string }>;
  };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/** A started control plane with admin helpers. */
export class RealFixture {
  readonly admin: ApiTarget;
  private readonly work = mkdtempSync(join(tmpdir(), 'real-test-'));
  private files = 0;

  constructor(readonly kube: RealKube) {
    this.admin = { server: kube.server, ca: kube.ca, token: kube.token };
  }

  get kubectlPath(): string {
    return join(this.kube.binDir, 'kubectl');
  }

  /** A file in the fixture's temp folder (removed by close()). */
  file(name: string, content: string, mode = 0o600): string {
    const path = join(this.work, `${++this.files}-${name}`);
    writeFileSync(path, content, { mode });
    return path;
  }

  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return apiRequest<T>(this.admin, method, path, options);
  }

  call(method: string, path: string, options?: RequestOptions): Promise<ApiAnswer> {
    return apiCall(this.admin, method, path, options);
  }

  /**
   * Create-or-update of each object by server-side apply (`kubectl apply --server-side --force-conflicts`),
   * in the order given. After a Namespace, waits for its `default` ServiceAccount: pods cannot be created before it.
   */
  async apply(objects: object | object[], fieldManager = 'real-tests'): Promise<Obj[]> {
    const out: Obj[] = [];
    for (const o of Array.isArray(objects) ? (objects as Obj[]) : [objects as Obj]) {
      const kind = String(o.kind);
      const path = `${pathOf(kind, o.metadata.namespace, o.metadata.name)}?fieldManager=${fieldManager}&force=true`;
      out.push(await this.request<Obj>('PATCH', path, { body: o, contentType: 'application/apply-patch+yaml' }));
      if (kind === 'Namespace') await this.waitFor(`ServiceAccount ${o.metadata.name}/default`, () => this.get('ServiceAccount', o.metadata.name, 'default'));
    }
    return out;
  }

  async get<T extends Obj = Obj>(kind: string, namespace: string | undefined, name: string): Promise<T | undefined> {
    const answer = await this.call('GET', pathOf(kind, namespace, name));
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new Error(`GET ${kind} ${namespace}/${name}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer.json as T;
  }

  async list<T extends Obj = Obj>(kind: string, namespace?: string, query = ''): Promise<T[]> {
    const list = await this.request<{ items: T[] }>('GET', `${pathOf(kind, namespace)}${query ? `?${query}` : ''}`);
    return list.items.map((i) => ({ ...i, kind }));
  }

  async remove(kind: string, namespace: string | undefined, name: string): Promise<void> {
    const answer = await this.call('DELETE', pathOf(kind, namespace, name));
    if (answer.status !== 200 && answer.status !== 202 && answer.status !== 404) throw new Error(`DELETE ${kind} ${namespace}/${name}: HTTP ${answer.status}`);
  }

  /** A strategic merge patch (or another patch type) of one object. */
  patch(kind: string, namespace: string | undefined, name: string, body: unknown, contentType = 'application/strategic-merge-patch+json'): Promise<Obj> {
    return this.request<Obj>('PATCH', `${pathOf(kind, namespace, name)}?fieldManager=real-tests`, { body, contentType });
  }

  /** Polls `probe` every 100 ms until it returns something truthy; fails naming `what` after `ms`. */
  async waitFor<T>(what: string, probe: () => T | Promise<T>, ms = 60_000): Promise<NonNullable<T>> {
    const deadline = Date.now() + ms;
    let last: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value) return value as NonNullable<T>;
        last = value;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Workloads of the namespaces whose rollout is not complete by kubectl's rules (`Kind ns/name: message`). */
  async notRolledOut(namespaces: string[]): Promise<string[]> {
    const pending: string[] = [];
    for (const namespace of namespaces) {
      for (const kind of WORKLOAD_KINDS) {
        for (const w of await this.list<Obj>(kind, namespace)) {
          const status = rolloutStatus(kind, w as unknown as Workload);
          if (!status.done || status.error) pending.push(`${kind} ${namespace}/${w.metadata.name}: ${status.message}`);
        }
      }
    }
    return pending;
  }

  /** Waits until every Deployment, StatefulSet and DaemonSet of the namespaces has rolled out (kubectl rules). */
  async settled(namespaces: string[], ms = 90_000): Promise<void> {
    let pending: string[] = [];
    await this.waitFor(
      `the rollouts in ${namespaces.join(', ')} (${pending.join('; ')})`,
      async () => {
        pending = await this.notRolledOut(namespaces);
        return pending.length === 0;
      },
      ms,
    );
  }

  /** The built kubectl with the admin kubeconfig (or another one). */
  kubectl(args: string[], options: { kubeconfig?: string; input?: string; timeoutMs?: number } = {}): Promise<CommandRun> {
    return runCommand(this.kubectlPath, args, { KUBECONFIG: options.kubeconfig ?? this.kube.kubeconfigPath }, options.input, options.timeoutMs);
  }

  /** A kubeconfig for a ServiceAccount, with a token from the TokenRequest API (as `kubectl create token`). */
  async serviceAccountKubeconfig(namespace: string, name: string): Promise<{ path: string; token: string; user: string }> {
    const answer = await this.request<{ status: { token: string } }>('POST', `${pathOf('ServiceAccount', namespace, name)}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const user = `system:serviceaccount:${namespace}:${name}`;
    const token = answer.status.token;
    return { path: this.file(`${namespace}-${name}.kubeconfig`, realKubeconfigYaml(this.kube.server, this.kube.ca, token, user)), token, user };
  }

  /** The last lines of a component's log, for a failing test's message. */
  logTail(component: string, lines = 30): string {
    const c = this.kube.components.find((x) => x.name === component);
    if (!c || !existsSync(c.logPath)) return '(no log)';
    return readFileSync(c.logPath, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  }

  async close(): Promise<void> {
    await this.kube.stop();
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** Runs a command with a clean environment (PATH, HOME and `env`), collecting its output. */
export function runCommand(command: string, args: string[], env: Record<string, string>, input?: string, timeoutMs = 120_000): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
    child.stdin.end(input ?? '');
  });
}

/** Starts a control plane for one suite (quiet: progress lines only on failure). */
export async function startReal(options: RealKubeOptions = {}): Promise<RealFixture> {
  const lines: string[] = [];
  try {
    const kube = await startRealKube({ build: false, log: (line) => lines.push(line), ...options });
    return new RealFixture(kube);
  } catch (err) {
    throw new Error(`the real control plane did not start: ${(err as Error).message}\n${lines.join('\n')}`, { cause: err });
  }
}
