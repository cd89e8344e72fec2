/**
 * The drill on the real local control plane (`npm run drill -- --kube real`): kube-apiserver, the real
 * controllers and scheduler, kwok playing the kubelet of two nodes, and Stakater Reloader when a binary is given
 * (RELOADER_BIN) or the stand-in otherwise. Confluent stays emulated.
 *
 * A simulated client starts when kwok marks its pod Ready, and reads the configuration the pod's spec references
 * (ConfigMaps and Secrets through env, envFrom and volumes) from the API at that moment, as the kubelet resolves it
 * when the containers start; a pod stops being a client when its deletion starts.
 */
import type { KubeApi } from '../kube/api.js';
import { resolveMounted } from '../kube/mounted.js';
import type { Pod } from '../kube/types.js';
import { apiCall, apiRequest, watchStream, type ApiTarget, type WatchEvent } from '../real/kube/http.js';
import { startRealKube, type RealKube } from '../real/kube/index.js';
import { readFileSync } from 'node:fs';
import type { DrillKube, PodListener } from './kube.js';

type Obj = {
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    deletionTimestamp?: string;
    ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  };
  [key: string]: unknown;
};

const COLLECTIONS: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  Namespace: { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps', namespaced: true },
  Secret: { prefix: '/api/v1', plural: 'secrets', namespaced: true },
  ServiceAccount: { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  Service: { prefix: '/api/v1', plural: 'services', namespaced: true },
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  StatefulSet: { prefix: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
  DaemonSet: { prefix: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
};

function objectPath(o: Obj): string {
  const c = COLLECTIONS[String(o.kind)];
  if (!c) throw new Error(`drill --kube real: cannot apply a ${String(o.kind)} (known: ${Object.keys(COLLECTIONS).join(', ')})`);
  return c.namespaced
    ? `${c.prefix}/namespaces/${encodeURIComponent(o.metadata.namespace ?? 'default')}/${c.plural}/${encodeURIComponent(o.metadata.name)}`
    : `${c.prefix}/${c.plural}/${encodeURIComponent(o.metadata.name)}`;
}

const isReady = (pod: Pod) => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The ConfigMaps and Secrets a pod spec references. */
function references(pod: Pod): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) configMaps.add(s.configMap.name);
      if (s.secret?.name) secrets.add(s.secret.name);
    }
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
      if (from.secretRef?.name) secrets.add(from.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  return { configMaps, secrets };
}

export interface RealDrillKubeOptions {
  podReadyDelayMs: number;
  log?: (line: string) => void;
}

export async function startRealDrillKube(options: RealDrillKubeOptions): Promise<DrillKube> {
  const kube: RealKube = await startRealKube({ podReadyDelayMs: options.podReadyDelayMs, reloader: { strategy: 'env-vars' }, log: options.log });
  const admin: ApiTarget = { server: kube.server, ca: kube.ca, token: kube.token };
  const pods = new Map<string, Pod>();
  const listeners = new Set<PodListener>();
  /** Per pod uid: announced as started (and ready), and announced as deleted. */
  const announced = new Map<string, { started: boolean; deleted: boolean }>();
  const owners = new Map<string, string>();
  const abort = new AbortController();
  const log = options.log ?? (() => {});

  const emit = (event: Parameters<PodListener>[0], pod: Pod, owner: string, mounted: Parameters<PodListener>[2]) => {
    const ref = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', owner };
    for (const l of [...listeners]) {
      try {
        l(event, ref, mounted);
      } catch (err) {
        log(`an onPod listener threw on ${event} ${ref.namespace}/${ref.name}: ${(err as Error).message}`);
      }
    }
  };

  /** `Deployment/<name>` through the pod's ReplicaSet, or the pod's own controller. */
  const ownerOf = async (pod: Pod): Promise<string> => {
    const ref = (pod.metadata.ownerReferences ?? []).find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
    if (!ref) return `Pod/${pod.metadata.name}`;
    if (ref.kind !== 'ReplicaSet') return `${ref.kind}/${ref.name}`;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    const known = owners.get(key);
    if (known) return known;
    const rs = await apiRequest<Obj>(admin, 'GET', `/apis/apps/v1/namespaces/${pod.metadata.namespace}/replicasets/${ref.name}`).catch(() => undefined);
    const top = rs?.metadata.ownerReferences?.find((o) => o.controller);
    const owner = top ? `${top.kind}/${top.name}` : `ReplicaSet/${ref.name}`;
    owners.set(key, owner);
    return owner;
  };

  /** Reads what the pod references now, as the kubelet does when the containers start. */
  const mountedOf = async (pod: Pod) => {
    const ns = pod.metadata.namespace ?? 'default';
    const refs = references(pod);
    const read = async (plural: string, names: Set<string>) => {
      const found = new Map<string, Obj>();
      await Promise.all(
        [...names].map(async (name) => {
          const answer = await apiCall(admin, 'GET', `/api/v1/namespaces/${ns}/${plural}/${encodeURIComponent(name)}`);
          if (answer.status === 200) found.set(name, answer.json as Obj);
        }),
      );
      return found;
    };
    const [configMaps, secrets] = await Promise.all([read('configmaps', refs.configMaps), read('secrets', refs.secrets)]);
    const api = {
      find: (type: { kind: string }, _ns: string, name: string) => (type.kind === 'Secret' ? secrets : configMaps).get(name),
    } as unknown as KubeApi;
    return resolveMounted(api, pod).mounted;
  };

  const onEvent = async (e: WatchEvent<Pod>) => {
    const pod = e.object;
    const uid = pod.metadata.uid ?? '';
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (e.type === 'DELETED') pods.delete(key);
    else pods.set(key, pod);
    const state = announced.get(uid) ?? { started: false, deleted: false };
    announced.set(uid, state);
    const going = e.type === 'DELETED' || pod.metadata.deletionTimestamp !== undefined;
    if (going) {
      if (state.started && !state.deleted) {
        state.deleted = true;
        emit('deleted', pod, await ownerOf(pod), { configMaps: {}, secrets: {}, env: {} });
      }
      state.deleted = true;
      if (e.type === 'DELETED') announced.delete(uid);
      return;
    }
    if (state.started || !isReady(pod)) return;
    state.started = true;
    const [owner, mounted] = await Promise.all([ownerOf(pod), mountedOf(pod)]);
    if (state.deleted) return;
    emit('started', pod, owner, mounted);
    emit('ready', pod, owner, mounted);
  };

  // One list+watch of every pod, relisted when the watch ends or fails; events are handled in order.
  let queue: Promise<void> = Promise.resolve();
  let markReady: () => void = () => {};
  const watching = new Promise<void>((resolve) => (markReady = resolve));
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const list = await apiRequest<{ metadata: { resourceVersion: string }; items: Pod[] }>(admin, 'GET', '/api/v1/pods');
        for (const item of list.items) queue = queue.then(() => onEvent({ type: 'MODIFIED', object: item }));
        markReady();
        let rv = list.metadata.resourceVersion;
        let gone = false;
        await watchStream<Pod>(
          admin,
          `/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`,
          (e) => {
            if (e.type === 'ERROR') {
              gone = true;
              return;
            }
            rv = e.object.metadata.resourceVersion ?? rv;
            if (e.type !== 'BOOKMARK') queue = queue.then(() => onEvent(e)).catch((err: Error) => log(`pod event: ${err.message}`));
          },
          abort.signal,
        );
        if (gone) log('pod watch: resourceVersion too old; relisting');
      } catch (err) {
        if (abort.signal.aborted) return;
        log(`pod watch failed: ${(err as Error).message}; relisting in 500 ms`);
        await sleep(500);
      }
    }
  })();
  await watching;

  const reloader =
    kube.reloader === 'stakater'
      ? 'Stakater Reloader'
      : kube.reloader === 'stand-in'
        ? "the Reloader stand-in (the project's own Reloader rules through the real API: it proves nothing about Reloader itself)"
        : 'no Reloader';
  return {
    kind: 'real',
    description: `a real Kubernetes v1.36.3 control plane (kube-apiserver, controller-manager, scheduler, kwok nodes), started in ${(kube.startMs / 1000).toFixed(1)} s, with ${reloader}`,
    url: kube.server,
    token: kube.token,
    kubeconfig: () => readFileSync(kube.kubeconfigPath, 'utf8'),
    async apply(objects) {
      for (const o of objects as Obj[]) {
        await apiRequest(admin, 'PATCH', `${objectPath(o)}?fieldManager=drill&force=true`, { body: o, contentType: 'application/apply-patch+yaml' });
        if (o.kind !== 'Namespace') continue;
        // Pods cannot be created in a namespace before its default ServiceAccount exists.
        for (let i = 0; (await apiCall(admin, 'GET', `/api/v1/namespaces/${o.metadata.name}/serviceaccounts/default`)).status !== 200; i++) {
          if (i > 300) throw new Error(`drill --kube real: namespace ${o.metadata.name} got no default ServiceAccount`);
          await sleep(100);
        }
      }
    },
    get(kind, namespace, name) {
      if (kind !== 'Pod') throw new Error(`drill --kube real: only pods are read this way, not ${String(kind)}`);
      return pods.get(`${namespace}/${name}`);
    },
    list(kind, namespace) {
      if (kind !== 'Pod') throw new Error(`drill --kube real: only pods are listed this way, not ${String(kind)}`);
      return [...pods.values()].filter((p) => p.metadata.namespace === namespace);
    },
    onPod(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async deletePod(namespace, name) {
      const answer = await apiCall(admin, 'DELETE', `/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(name)}`);
      if (answer.status !== 200) throw new Error(`drill: deleting pod ${namespace}/${name} failed: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    },
    async close() {
      abort.abort();
      await loop;
      await queue.catch(() => {});
      await kube.stop();
    },
  };
}
