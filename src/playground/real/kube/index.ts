import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { apiRequest, ApiStatusError, type ApiTarget } from './http.js';
import { realKubeconfigYaml } from './kubeconfig.js';
import { Component, freePort, OWNER_FILE, portInUse, removeStaleDirs, runBuildScript, waitFor } from './processes.js';
import { startReloaderStandIn, type ReloaderStandIn } from './reloader-stand-in.js';

/** Options of startRealKube. */
export interface RealKubeOptions {
  /** Folder with the binaries (default: the one `tools/kube/build.sh --print-bin-dir` names). */
  binDir?: string;
  /** Run `tools/kube/build.sh` when a binary is missing (default true; false fails naming the command). */
  build?: boolean;
  /** Names of the kwok nodes (default kube-node-1, kube-node-2, like the emulator). */
  nodes?: string[];
  /** A healthy pod turns Ready this long after its containers start (default 200; per pod: annotation `pod-ready.stage.kwok.x-k8s.io/delay`). */
  podReadyDelayMs?: number;
  /** A deleted pod disappears this long after its deletionTimestamp is set (default 100). */
  podDeleteDelayMs?: number;
  /**
   * Reloader, default `{ strategy: 'env-vars' }`; `false` starts none. Stakater Reloader runs when a
   * binary is found (`binary`, else `$RELOADER_BIN`, else `<binDir>/reloader`); otherwise the in-process
   * stand-in (reloader-stand-in.ts) runs and says so.
   */
  reloader?: false | { strategy?: 'env-vars' | 'annotations'; binary?: string; args?: string[] };
  /**
   * More kube-apiserver flags, after the launcher's own (a repeated flag wins): e.g.
   * `--etcd-compaction-interval=2s`, or `--audit-policy-file` and `--audit-log-path` to count requests.
   */
  apiServerArgs?: string[];
  /** Readiness deadline of each component (default 90 s: a cold kube-apiserver on 2 busy cores is slow). */
  readyTimeoutMs?: number;
  /** Keep the logs folder after stop() (default false: the whole temp folder is removed). */
  keepLogs?: boolean;
  /** Progress lines (default: console.log with a `real kube:` prefix). */
  log?: (line: string) => void;
}

/** A started control plane. */
export interface RealKube {
  /** Admin kubeconfig (mode 0600): the server, its CA, the admin token (group system:masters). */
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:PORT`. */
  readonly server: string;
  readonly token: string;
  /** PEM of the API server's self-signed CA. */
  readonly ca: string;
  /** `<tmp>/logs`, one `<component>.log` each. */
  readonly logDir: string;
  readonly binDir: string;
  /** Which Reloader runs: `stakater` (the binary), `stand-in`, or `none`. */
  readonly reloader: 'stakater' | 'stand-in' | 'none';
  /** Milliseconds from the call to nodes Ready and Reloader watching. */
  readonly startMs: number;
  readonly components: Array<{ name: string; pid: number | undefined; logPath: string }>;
  stop(): Promise<void>;
}

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok'] as const;

/**
 * Controllers of kube-controller-manager that this playground runs: no cloud, node IPAM, volumes or
 * certificates. node-lifecycle-controller removes the `node.kubernetes.io/not-ready` taint the
 * admission chain puts on every new Node; taint-eviction-controller stays off, so a late kwok
 * heartbeat on a busy machine can taint a node but never evicts its pods.
 */
export const CONTROLLERS = [
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'garbage-collector-controller',
  'namespace-controller',
  'node-lifecycle-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'disruption-controller',
  'pod-garbage-collector-controller',
  'ttl-after-finished-controller',
  'replicationcontroller-controller',
  'resourcequota-controller',
  'service-cidr-controller',
];

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BUILD_SCRIPT = join(REPO, 'tools/kube/build.sh');
const STAGES = join(dirname(fileURLToPath(import.meta.url)), 'stages/stages.yaml');
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
/** The same service-account issuer as kwokctl and kubeadm. */
const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/**
 * The Stakater Reloader binary the launcher runs, or undefined for the stand-in: `binary` when given,
 * else `$RELOADER_BIN`, else `<binDir>/reloader` when it exists.
 */
export function reloaderBinary(binDir: string, binary?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return binary ?? (env.RELOADER_BIN || undefined) ?? (existsSync(join(binDir, 'reloader')) ? join(binDir, 'reloader') : undefined);
}

/** The bin folder build.sh writes to (its cache key encodes the versions). */
export function defaultBinDir(): string {
  const out = spawnSync('bash', [BUILD_SCRIPT, '--print-bin-dir'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${BUILD_SCRIPT} --print-bin-dir failed: ${out.stderr}`);
  return out.stdout.trim();
}

export function missingBinaries(binDir: string): string[] {
  return BINARIES.filter((b) => {
    try {
      accessSync(join(binDir, b), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** kwok's --config: the Stages of stages/stages.yaml with the delays from the options. */
function kwokConfig(options: RealKubeOptions): string {
  const docs = parseAllDocuments(readFileSync(STAGES, 'utf8')).map(
    (d) => d.toJSON() as { metadata: { name: string }; spec: { delay?: { durationMilliseconds?: number } } },
  );
  const delays: Record<string, number | undefined> = { 'pod-ready': options.podReadyDelayMs, 'pod-delete': options.podDeleteDelayMs };
  for (const doc of docs) {
    const ms = delays[doc.metadata.name];
    if (ms !== undefined && doc.spec.delay) doc.spec.delay.durationMilliseconds = ms;
  }
  return docs.map((d) => stringify(d)).join('---\n');
}

/** The ClusterRole of Reloader's Helm chart (v1.4, cluster-wide, no HA, no Argo/OpenShift), bound to the user `reloader`. */
function reloaderRbac(): object[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'reloader-role' },
      rules: [
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['list', 'get', 'watch'] },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments', 'daemonsets', 'statefulsets'], verbs: ['list', 'get', 'update', 'patch'] },
        { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['list', 'get'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete', 'list', 'get'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'reloader-role-binding' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reloader-role' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'reloader' }],
    },
  ];
}

/** A kwok node as a kubelet would register it; kwok (annotation selector) fills its status. */
function nodeObject(name: string, i: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: `10.224.0.${i + 4}` },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

const TMP_PREFIX = 'real-kube-';

async function ok(fn: () => Promise<unknown>): Promise<boolean> {
  await fn();
  return true;
}

/**
 * Starts a real Kubernetes control plane on 127.0.0.1, every port chosen free at start: etcd,
 * kube-apiserver (self-signed serving cert, static tokens, RBAC), kube-controller-manager,
 * kube-scheduler, kwok playing the kubelet of `nodes`, and Reloader. Waits for each with a deadline;
 * on failure prints the tail of that component's log, stops everything and rejects.
 */
export async function startRealKube(options: RealKubeOptions = {}): Promise<RealKube> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(`real kube: ${line}`));
  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  const binDir = options.binDir ?? defaultBinDir();
  let missing = missingBinaries(binDir);
  if (missing.length > 0) {
    if (options.build === false) throw new Error(`missing ${missing.join(', ')} in ${binDir}: build them with 'bash tools/kube/build.sh'`);
    log(`missing ${missing.join(', ')} in ${binDir}: running tools/kube/build.sh (a cold build takes tens of minutes)`);
    await runBuildScript(BUILD_SCRIPT, log);
    missing = missingBinaries(binDir);
    if (missing.length > 0) throw new Error(`tools/kube/build.sh finished but ${missing.join(', ')} are still missing in ${binDir}`);
  }
  const bin = (name: string) => join(binDir, name);

  removeStaleDirs(TMP_PREFIX, log);
  const dir = mkdtempSync(join(tmpdir(), TMP_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  const logDir = join(dir, 'logs');
  const pki = join(dir, 'pki');
  const config = join(dir, 'config');
  for (const d of [logDir, pki, config]) mkdirSync(d, { recursive: true, mode: 0o700 });
  log(`logs in ${logDir}`);

  const components: Component[] = [];
  let standIn: ReloaderStandIn | undefined;
  let stopped = false;
  let keepLogs = options.keepLogs ?? false;
  const killAll = () => {
    for (const c of components) c.kill();
  };
  process.once('exit', killAll);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await standIn?.stop();
    for (const c of [...components].reverse()) await c.stop();
    process.removeListener('exit', killAll);
    if (keepLogs) {
      // Only the logs stay; without owner.pid a later start leaves the folder alone.
      for (const d of ['etcd', 'pki', 'config', 'kubeconfig', OWNER_FILE]) rmSync(join(dir, d), { recursive: true, force: true });
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const start = (name: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const c = new Component(name, bin(name), args, join(logDir, `${name}.log`), env);
    components.push(c);
    return c;
  };

  let current: Component | undefined;
  try {
    // Credentials: one RSA key for service-account tokens, static bearer tokens for each client.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(join(pki, 'sa.key'), privateKey, { mode: 0o600 });
    writeFileSync(join(pki, 'sa.pub'), publicKey, { mode: 0o600 });
    const token = () => randomBytes(24).toString('hex');
    const users = {
      admin: { token: token(), user: 'admin', groups: 'system:masters' },
      'kube-controller-manager': { token: token(), user: 'system:kube-controller-manager', groups: '' },
      'kube-scheduler': { token: token(), user: 'system:kube-scheduler', groups: '' },
      kwok: { token: token(), user: 'kwok-controller', groups: 'system:masters' },
      reloader: { token: token(), user: 'reloader', groups: '' },
    };
    writeFileSync(
      join(config, 'tokens.csv'),
      Object.values(users)
        .map((u, i) => `${u.token},${u.user},uid-${i},"${u.groups}"`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );

    // etcd
    const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
    current = start('etcd', [
      '--name=real-kube',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=real-kube=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--auto-compaction-retention=1',
      '--quota-backend-bytes=1073741824',
    ]);
    const etcd = { server: `http://127.0.0.1:${etcdClient}` };
    await waitFor('etcd', () => apiRequest<{ health: string }>(etcd, 'GET', '/health', { timeoutMs: 2000 }).then((h) => h.health === 'true'), {
      timeoutMs,
      component: current,
    });
    log(`etcd ready on 127.0.0.1:${etcdClient} (${Date.now() - started} ms)`);

    // kube-apiserver
    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    current = start('kube-apiserver', [
      `--etcd-servers=${etcd.server}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${pki}`,
      `--token-auth-file=${join(config, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=${SA_ISSUER}`,
      `--service-account-key-file=${join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--profiling=false',
      ...(options.apiServerArgs ?? []),
    ]);
    const caPath = join(pki, 'apiserver.crt');
    await waitFor('kube-apiserver certificate', async () => existsSync(caPath) && readFileSync(caPath, 'utf8').includes('END CERTIFICATE'), {
      timeoutMs,
      component: current,
    });
    const ca = readFileSync(caPath, 'utf8');
    const admin: ApiTarget = { server, ca, token: users.admin.token };
    await waitFor('kube-apiserver /readyz', () => ok(() => apiRequest(admin, 'GET', '/readyz', { timeoutMs: 5000 })), {
      timeoutMs,
      intervalMs: 200,
      component: current,
    });
    log(`kube-apiserver ready at ${server} (${Date.now() - started} ms)`);

    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, realKubeconfigYaml(server, ca, users.admin.token, 'admin'), { mode: 0o600 });
    const kubeconfigOf = (name: keyof typeof users) => {
      const path = join(config, `${name}.kubeconfig`);
      writeFileSync(path, realKubeconfigYaml(server, ca, users[name].token, users[name].user), { mode: 0o600 });
      return path;
    };

    // Objects kwok and Reloader need before they start.
    for (const obj of reloaderRbac()) {
      const kind = (obj as { kind: string }).kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      await apiRequest(admin, 'POST', `/apis/rbac.authorization.k8s.io/v1/${kind}`, { body: obj });
    }
    const nodes = options.nodes ?? ['kube-node-1', 'kube-node-2'];
    for (const [i, name] of nodes.entries()) await apiRequest(admin, 'POST', '/api/v1/nodes', { body: nodeObject(name, i) });

    // kube-controller-manager
    const kcmKubeconfig = kubeconfigOf('kube-controller-manager');
    const kcmPort = await freePort();
    current = start('kube-controller-manager', [
      `--kubeconfig=${kcmKubeconfig}`,
      `--authentication-kubeconfig=${kcmKubeconfig}`,
      `--authorization-kubeconfig=${kcmKubeconfig}`,
      // No client CA is configured, so kube-system/extension-apiserver-authentication never exists: don't look it up.
      '--authentication-skip-lookup=true',
      '--bind-address=127.0.0.1',
      `--secure-port=${kcmPort}`,
      '--leader-elect=false',
      `--controllers=${CONTROLLERS.join(',')}`,
      `--service-account-private-key-file=${join(pki, 'sa.key')}`,
      `--root-ca-file=${caPath}`,
      '--use-service-account-credentials=true',
      '--cluster-name=real-kube',
      '--profiling=false',
    ]);
    const kcm = current;

    // kube-scheduler (ignores --kubeconfig when --config is given: the kubeconfig goes in the file)
    const schedKubeconfig = kubeconfigOf('kube-scheduler');
    const schedPort = await freePort();
    writeFileSync(
      join(config, 'kube-scheduler.yaml'),
      stringify({
        apiVersion: 'kubescheduler.config.k8s.io/v1',
        kind: 'KubeSchedulerConfiguration',
        clientConnection: { kubeconfig: schedKubeconfig },
        leaderElection: { leaderElect: false },
      }),
    );
    current = start('kube-scheduler', [
      `--config=${join(config, 'kube-scheduler.yaml')}`,
      `--authentication-kubeconfig=${schedKubeconfig}`,
      `--authorization-kubeconfig=${schedKubeconfig}`,
      '--authentication-skip-lookup=true',
      '--bind-address=127.0.0.1',
      `--secure-port=${schedPort}`,
    ]);
    const scheduler = current;

    current = kcm;
    await waitFor(
      'kube-controller-manager /healthz',
      () => ok(() => apiRequest({ server: `https://127.0.0.1:${kcmPort}` }, 'GET', '/healthz', { timeoutMs: 2000 })),
      {
        timeoutMs,
        component: kcm,
      },
    );
    // Pods cannot be created in a namespace before its `default` ServiceAccount exists.
    await waitFor('ServiceAccount default/default', () => ok(() => apiRequest(admin, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')), {
      timeoutMs,
      component: kcm,
    });
    log(`kube-controller-manager ready (${Date.now() - started} ms)`);
    current = scheduler;
    await waitFor('kube-scheduler /healthz', () => ok(() => apiRequest({ server: `https://127.0.0.1:${schedPort}` }, 'GET', '/healthz', { timeoutMs: 2000 })), {
      timeoutMs,
      component: scheduler,
    });
    log(`kube-scheduler ready (${Date.now() - started} ms)`);

    // kwok, out of cluster, managing only the nodes annotated kwok.x-k8s.io/node=fake
    writeFileSync(join(config, 'kwok.yaml'), kwokConfig(options));
    const kwokPort = await freePort();
    current = start('kwok', [
      `--kubeconfig=${kubeconfigOf('kwok')}`,
      `--config=${join(config, 'kwok.yaml')}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--server-address=127.0.0.1:${kwokPort}`,
      '--cidr=10.244.0.0/16',
      '--node-ip=10.224.0.1',
    ]);
    await waitFor('kwok /healthz', () => ok(() => apiRequest({ server: `http://127.0.0.1:${kwokPort}` }, 'GET', '/healthz', { timeoutMs: 2000 })), {
      timeoutMs,
      component: current,
    });
    await waitFor(
      `nodes ${nodes.join(', ')} Ready and untainted`,
      async () => {
        const list = await apiRequest<{
          items: Array<{
            metadata: { name: string };
            spec?: { taints?: Array<{ key: string }> };
            status?: { conditions?: Array<{ type: string; status: string }> };
          }>;
        }>(admin, 'GET', '/api/v1/nodes');
        // Ready, and node-lifecycle-controller has lifted the not-ready taint, so pods can be scheduled.
        const ready = new Set(
          list.items
            .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
            .filter((n) => !n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready'))
            .map((n) => n.metadata.name),
        );
        return nodes.every((n) => ready.has(n));
      },
      { timeoutMs, component: current },
    );
    log(`kwok ready, nodes ${nodes.join(', ')} Ready (${Date.now() - started} ms)`);

    // Reloader
    let reloader: RealKube['reloader'] = 'none';
    if (options.reloader !== false) {
      const strategy = options.reloader?.strategy ?? 'env-vars';
      const binary = reloaderBinary(binDir, options.reloader?.binary);
      const reloaderTarget: ApiTarget = { server, ca, token: users.reloader.token };
      if (binary) {
        // v1.4.21 serves metrics and /live on the hard-coded ":9090" (constants.DefaultHttpListenAddr), all interfaces, no flag.
        if (await portInUse(9090)) throw new Error('port 9090 is taken: Stakater Reloader always listens on :9090 (only one Reloader can run at a time)');
        current = new Component('reloader', binary, [`--reload-strategy=${strategy}`, ...(options.reloader?.args ?? [])], join(logDir, 'reloader.log'), {
          KUBECONFIG: kubeconfigOf('reloader'),
        });
        components.push(current);
        const c = current;
        await waitFor(
          'reloader watching configMaps and secrets',
          async () => /resource type: configMaps/.test(c.tail(200)) && /resource type: secrets/.test(c.tail(200)),
          {
            timeoutMs,
            component: c,
          },
        );
        reloader = 'stakater';
        log(`Stakater Reloader ready (${binary}, --reload-strategy=${strategy}) (${Date.now() - started} ms)`);
      } else {
        const standInLog = join(logDir, 'reloader-stand-in.log');
        writeFileSync(standInLog, '');
        const append = (line: string) => writeFileSync(standInLog, `${new Date().toISOString()} ${line}\n`, { flag: 'a' });
        standIn = startReloaderStandIn(reloaderTarget, { strategy, log: append });
        const deadline = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`reloader stand-in: not watching after ${timeoutMs} ms`)), timeoutMs).unref(),
        );
        await Promise.race([standIn.ready, deadline]);
        reloader = 'stand-in';
        log(
          `no Reloader binary (the Go module proxy does not serve github.com/stakater/Reloader): the in-process stand-in runs instead, strategy ${strategy}, log ${standInLog} (${Date.now() - started} ms)`,
        );
      }
    }

    if (reloader !== 'none') {
      // Reloader runs beside the cluster (a host process here), where its Helm chart would run it as a Deployment:
      // the chart's Deployment, with its names and labels, stands for it in the cluster, so a client checks that
      // Reloader runs the way it would on AKS (kwok makes its pod ready). It exists only while a Reloader runs.
      const labels = { app: 'reloader-reloader', release: 'reloader', heritage: 'Helm', 'app.kubernetes.io/managed-by': 'Helm' };
      await apiRequest(admin, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'reloader' } } });
      await apiRequest(admin, 'POST', '/apis/apps/v1/namespaces/reloader/deployments', {
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'reloader-reloader', labels },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'reloader-reloader' } },
            template: { metadata: { labels }, spec: { containers: [{ name: 'reloader-reloader', image: 'ghcr.io/stakater/reloader:v1.4.21' }] } },
          },
        },
      });
    }

    const startMs = Date.now() - started;
    return {
      kubeconfigPath,
      server,
      token: users.admin.token,
      ca,
      logDir,
      binDir,
      reloader,
      startMs,
      components: components.map((c) => ({ name: c.name, pid: c.pid, logPath: c.logPath })),
      stop,
    };
  } catch (err) {
    const failed = current;
    const message = err instanceof ApiStatusError ? err.message : (err as Error).message;
    if (failed) log(`${failed.name} failed: ${message}\n--- last lines of ${failed.logPath}:\n${failed.tail(40)}\n---`);
    else log(`start failed: ${message}`);
    keepLogs = true;
    await stop();
    log(`logs kept in ${logDir}`);
    throw err;
  }
}
