import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeApi } from './api.js';
import { DaemonSetController } from './daemonset-controller.js';
import { DeploymentController } from './deployment-controller.js';
import { EventRecorder } from './events.js';
import { kubeconfigYaml } from './kubeconfig.js';
import type { MountedConfig } from './mounted.js';
import { Kubelet, type PodFault, type PodListener } from './pods.js';
import { bootstrapPolicy } from './rbac.js';
import { ReloaderController } from './reloader-controller.js';
import { ReplicaSetController } from './replicaset-controller.js';
import { resourceType } from './resources.js';
import { Scheduler } from './scheduler.js';
import { KubeServer, type RequestRecord, type TokenUser } from './server.js';
import { StatefulSetController } from './statefulset-controller.js';
import { Store } from './store.js';
import { clone, type KubeObject } from './types.js';

export type { MountedConfig } from './mounted.js';
export type { PodFault } from './pods.js';
export type { RequestRecord, TokenUser } from './server.js';

/** Options of startKube: Reloader, pod timing and a few knobs for tests. */
export interface KubeOptions {
  /** Reloader inside the emulator; default enabled with the env-vars strategy. `false` starts it switched off. */
  reloader?: false | { strategy?: 'env-vars' | 'annotations' };
  /** A new pod becomes ready this long after its containers start (default 50). */
  podReadyDelayMs?: number;
  /**
   * When set (or `users` is), every request needs `Authorization: Bearer <token>` (401 otherwise). These tokens are
   * superusers (group system:masters): everything is allowed.
   */
  tokens?: string[];
  /**
   * Tokens of users that RBAC authorizes, as kube-apiserver's RBAC authorizer does, over the Roles, ClusterRoles and
   * bindings stored in the emulator. Each is its username and groups, plus `system:authenticated` (and, for a username
   * `system:serviceaccount:<ns>:<name>`, `system:serviceaccounts` and `system:serviceaccounts:<ns>`). A refused
   * request is the apiserver's 403; discovery, health paths and SelfSubjectAccessReview are allowed to all of them
   * (the bootstrap ClusterRoles system:discovery, system:public-info-viewer and system:basic-user).
   */
  users?: TokenUser[];
  /** Port to listen on (default 0, ephemeral). */
  port?: number;
  /** Controllers' queue tick (default 10 ms). */
  tickMs?: number;
  /** Events kept per resource type for watches to resume from; older resourceVersions get 410 (default 10000). */
  eventHistory?: number;
  /** Names of the emulated nodes, which DaemonSets run on (default two). */
  nodes?: string[];
  /** Interval of BOOKMARK events on watches that allow them (default 60000, like the apiserver's minute). */
  bookmarkIntervalMs?: number;
}

/** Contract B: the running emulator. */
export interface KubeEmulator {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** A kubeconfig file written for it (mode 0600, removed by close()). */
  readonly kubeconfigPath: string;
  /** Kubeconfig YAML; with tokens, the user carries `token` (default: the first of `tokens`, else of `users`). */
  kubeconfig(options?: { token?: string }): string;
  /** Create-or-update of any served objects, with the API's validation and defaults; returns the stored objects. */
  apply(objects: object | object[]): object[];
  get(kind: string, namespace: string | undefined, name: string): object | undefined;
  list(kind: string, namespace?: string): object[];
  /** Switches the Reloader controller on or off (off: ConfigMap/Secret changes roll nothing). */
  setReloader(enabled: boolean): void;
  /** Pods created from now on for this workload (`name` or `Kind/name`) fail this way (null clears). */
  setPodFault(namespace: string, workload: string, fault: PodFault | null): void;
  /** Pod lifecycle, for simulated clients: `mounted` is the config the pod read when it started. */
  onPod(
    listener: (event: 'started' | 'ready' | 'deleted', pod: { namespace: string; name: string; owner: string }, mounted: MountedConfig) => void,
  ): () => void;
  requests(): Array<{ method: string; path: string; query: string; status: number; watch: boolean }>;
  resetRequests(): void;
  close(): Promise<void>;
}

const NAMESPACE = resourceType('Namespace');
const NODE = resourceType('Node');
const DEPLOYMENT = resourceType('Deployment');
/** Where Reloader's Helm chart installs it: its Deployment stands for the emulator's Reloader controller. */
const RELOADER_NAMESPACE = 'reloader';
const RELOADER_DEPLOYMENT = 'reloader-reloader';

/**
 * apply() replaces an existing object with the given one, like `kubectl replace`, except that the
 * annotations controllers own (`deployment.kubernetes.io/*`) are kept, as `kubectl apply` keeps them.
 */
function keepControllerAnnotations(obj: KubeObject, existing: KubeObject): KubeObject {
  const kept = Object.entries(existing.metadata.annotations ?? {}).filter(([k]) => k.startsWith('deployment.kubernetes.io/'));
  if (kept.length === 0) return obj;
  return { ...obj, metadata: { ...(obj.metadata ?? {}), annotations: { ...Object.fromEntries(kept), ...(obj.metadata?.annotations ?? {}) } } };
}

/** Starts the Kubernetes API emulator with its controllers (deployment, ReplicaSet, StatefulSet, DaemonSet, kubelet, Reloader). */
export async function startKube(options: KubeOptions = {}): Promise<KubeEmulator> {
  const store = new Store(options.eventHistory ?? 10_000);
  const api = new KubeApi(store);
  const scheduler = new Scheduler(options.tickMs ?? 10, Date.now, (err, controller, key) => {
    console.error(`kube emulator: controller ${controller} failed on ${key}: ${err.stack ?? err.message}`);
  });
  const events = new EventRecorder(api);
  const nodes = options.nodes ?? ['kube-node-1', 'kube-node-2'];
  const kubelet = new Kubelet(api, events, scheduler, { readyDelayMs: options.podReadyDelayMs ?? 50, nodes });
  const reloader = new ReloaderController(
    api,
    events,
    scheduler,
    options.reloader === false ? 'env-vars' : (options.reloader?.strategy ?? 'env-vars'),
    options.reloader !== false,
  );
  const controllers = [
    kubelet,
    new ReplicaSetController(api, events, scheduler),
    new DeploymentController(api, events, scheduler),
    new StatefulSetController(api, events, scheduler),
    new DaemonSetController(api, events, scheduler, nodes),
    reloader,
  ];
  for (const c of controllers) {
    scheduler.register(c);
    store.subscribe((e) => c.observe(e));
  }

  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    api.create(NAMESPACE, undefined, { metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
  // The apiserver's bootstrap RBAC policy, as a real cluster has it from its first start.
  for (const obj of bootstrapPolicy()) api.create(resourceType(String(obj.kind)), undefined, obj, { fieldManager: 'kube-apiserver' });
  nodes.forEach((node, i) => {
    const created = api.create(NODE, undefined, {
      metadata: { name: node, labels: { 'kubernetes.io/hostname': node, 'kubernetes.io/os': 'linux' } },
      spec: {},
    });
    const at = created.metadata.creationTimestamp;
    const status = {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.224.0.${i + 4}` },
        { type: 'Hostname', address: node },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.35.0',
        containerRuntimeVersion: 'containerd://2.0.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        osImage: 'Emulated Linux',
        kernelVersion: '6.8.0',
        kubeProxyVersion: '',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    };
    api.update(NODE, undefined, node, { ...created, status }, { subresource: 'status', fieldManager: 'kubelet' });
  });

  // Reloader as a cluster shows it: its Deployment (the chart's names and labels), one replica while the
  // controller is on, none while it is off, so a client can tell whether Reloader runs as on a real cluster.
  const reloaderLabels = { app: RELOADER_DEPLOYMENT, release: 'reloader', heritage: 'Helm', 'app.kubernetes.io/managed-by': 'Helm' };
  api.create(NAMESPACE, undefined, { metadata: { name: RELOADER_NAMESPACE, labels: { 'kubernetes.io/metadata.name': RELOADER_NAMESPACE } } });
  api.create(DEPLOYMENT, RELOADER_NAMESPACE, {
    metadata: { name: RELOADER_DEPLOYMENT, labels: reloaderLabels },
    spec: {
      replicas: options.reloader === false ? 0 : 1,
      selector: { matchLabels: { app: RELOADER_DEPLOYMENT } },
      template: {
        metadata: { labels: reloaderLabels },
        spec: { containers: [{ name: RELOADER_DEPLOYMENT, image: 'ghcr.io/stakater/reloader:v1.4.21' }] },
      },
    },
  });
  const scaleReloader = (replicas: number) => {
    const current = api.find(DEPLOYMENT, RELOADER_NAMESPACE, RELOADER_DEPLOYMENT) as { spec: { replicas?: number } } | undefined;
    if (!current || current.spec.replicas === replicas) return;
    api.update(DEPLOYMENT, RELOADER_NAMESPACE, RELOADER_DEPLOYMENT, { ...current, spec: { ...current.spec, replicas } } as never, { fieldManager: 'emulator' });
  };

  let address = '127.0.0.1:0';
  const server: KubeServer = new KubeServer(api, store, {
    tokens: options.tokens,
    users: options.users,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    serverAddress: () => address,
  });
  const http: Server = createServer((req, res) => server.handle(req, res));
  const sockets = new Set<Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'kube-emulator-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfig = (o: { token?: string } = {}) => kubeconfigYaml(url, o.token ?? options.tokens?.[0] ?? options.users?.[0]?.token);
  writeFileSync(kubeconfigPath, kubeconfig(), { mode: 0o600 });

  const toObjects = (input: object | object[]) => (Array.isArray(input) ? input : [input]) as KubeObject[];
  let closed = false;

  return {
    url,
    kubeconfigPath,
    kubeconfig,
    apply(objects) {
      const out: object[] = [];
      for (const obj of toObjects(objects)) {
        const type = resourceType(String(obj.kind ?? ''));
        const ns = type.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
        const name = obj.metadata?.name;
        const existing = name ? api.find(type, ns, name) : undefined;
        if (existing && name) out.push(api.update(type, ns, name, keepControllerAnnotations(obj, existing), { fieldManager: 'emulator-apply' }));
        else out.push(api.create(type, ns, obj, { fieldManager: 'emulator-apply' }));
      }
      return out;
    },
    get(kind, namespace, name) {
      const type = resourceType(kind);
      const found = api.find(type, type.namespaced ? (namespace ?? 'default') : undefined, name);
      return found ? clone(found) : undefined;
    },
    list(kind, namespace) {
      const type = resourceType(kind);
      return api.select(type, type.namespaced ? namespace : undefined).map((o) => clone(o));
    },
    setReloader(enabled) {
      reloader.enabled = enabled;
      scaleReloader(enabled ? 1 : 0);
    },
    setPodFault(namespace, workload, fault) {
      kubelet.setFault(namespace, workload, fault);
    },
    onPod(listener: PodListener) {
      return kubelet.onPod(listener);
    },
    requests() {
      return server.log.map((r: RequestRecord) => ({ ...r }));
    },
    resetRequests() {
      server.log.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      scheduler.stop();
      reloader.stop();
      server.endWatches();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
