/**
 * The Kubernetes side of a drill, whichever runs it: the project's emulator (the default, in this process) or
 * the real local control plane (`npm run drill -- --kube real`, src/playground/real/kube). The drill only needs
 * this much: apply the client manifests, read pods, follow them starting and stopping with the configuration
 * they read, delete one, and a kubeconfig for the workflows.
 */
import { randomBytes } from 'node:crypto';
import { startKube, type KubeEmulator, type MountedConfig } from '../kube/index.js';

export type PodLifecycle = 'started' | 'ready' | 'deleted';
export type PodListener = (event: PodLifecycle, pod: { namespace: string; name: string; owner: string }, mounted: MountedConfig) => void;

export interface DrillKube {
  /** `emulator` or `real`. */
  readonly kind: 'emulator' | 'real';
  /** One line for the log and the report: what runs Kubernetes, and which Reloader. */
  readonly description: string;
  /** The API server's URL. */
  readonly url: string;
  /** The bearer token of the kubeconfig (a secret of the playground). */
  readonly token: string;
  /** A kubeconfig the workflows use (the KUBECONFIG secret). */
  kubeconfig(): string;
  /** Creates or updates the objects, in order (namespaces first). */
  apply(objects: object[]): Promise<void>;
  /** A pod as last seen (only pods: what the simulated clients read). */
  get(kind: 'Pod', namespace: string, name: string): object | undefined;
  list(kind: 'Pod', namespace: string): object[];
  /** Pod lifecycle: `mounted` is the configuration the pod read when its containers started. */
  onPod(listener: PodListener): () => void;
  /** Deletes a pod, as `kubectl delete pod` does. */
  deletePod(namespace: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/** The emulator behind the drill's interface; `emulator` is there for tests that steer it (pod faults, direct writes). */
export interface EmulatedDrillKube extends DrillKube {
  readonly kind: 'emulator';
  readonly emulator: KubeEmulator;
  /** The ServiceAccount the adoption guide binds the Role to: its username, and a kubeconfig that authenticates as it (RBAC applies). */
  readonly operator: { username: string; token: string; kubeconfig(): string };
}

export async function startEmulatedDrillKube(options: { podReadyDelayMs: number; tickMs: number }): Promise<EmulatedDrillKube> {
  const token = `drill-${randomBytes(18).toString('base64url')}`;
  const operatorToken = `drill-sa-${randomBytes(18).toString('base64url')}`;
  const username = 'system:serviceaccount:ci:ccloud-dr-actions';
  const emulator = await startKube({
    podReadyDelayMs: options.podReadyDelayMs,
    tickMs: options.tickMs,
    tokens: [token],
    users: [{ token: operatorToken, username }],
  });
  return {
    kind: 'emulator',
    description: "the project's Kubernetes emulator, with its Reloader",
    url: emulator.url,
    token,
    emulator,
    operator: { username, token: operatorToken, kubeconfig: () => emulator.kubeconfig({ token: operatorToken }) },
    kubeconfig: () => emulator.kubeconfig({ token }),
    apply: async (objects) => void emulator.apply(objects),
    get: (kind, namespace, name) => emulator.get(kind, namespace, name),
    list: (kind, namespace) => emulator.list(kind, namespace),
    onPod: (listener) => emulator.onPod(listener),
    async deletePod(namespace, name) {
      const response = await fetch(`${emulator.url}/api/v1/namespaces/${namespace}/pods/${encodeURIComponent(name)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(`drill: deleting pod ${namespace}/${name} failed: HTTP ${response.status} ${await response.text()}`);
    },
    close: () => emulator.close(),
  };
}
