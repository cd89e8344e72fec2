import { AppsV1Api, CoreV1Api, KubeConfig, Watch, type ApiException } from '@kubernetes/client-node';
import { startKube, type KubeEmulator, type KubeOptions } from '../../src/playground/kube/index.js';

/** An emulator plus client-node clients loaded from the kubeconfig file it wrote. */
export interface KubeFixture {
  emu: KubeEmulator;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  watch: Watch;
}

export async function startFixture(options: KubeOptions = {}): Promise<KubeFixture> {
  const emu = await startKube({ podReadyDelayMs: 20, ...options });
  const kc = new KubeConfig();
  kc.loadFromFile(emu.kubeconfigPath);
  return { emu, kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), watch: new Watch(kc) };
}

/**
 * Waits until `probe` returns a truthy value (checked every 10 ms, up to `ms`), returning it.
 * The bound is generous: it only fails a test whose awaited state never arrives.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, ms = 5000): Promise<NonNullable<T>> {
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
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The rejection of a client-node call, with its HTTP code and parsed Status body. */
export async function apiError(
  promise: Promise<unknown>,
): Promise<{ code: number; body: { reason?: string; message?: string; code?: number; kind?: string; details?: Record<string, unknown> } }> {
  try {
    await promise;
  } catch (err) {
    const e = err as ApiException<string>;
    if (typeof e.code !== 'number') throw err;
    // client-node gives a 401 an undefined body (the generated code documents no 401 schema).
    return { code: e.code, body: typeof e.body === 'string' ? (JSON.parse(e.body) as { reason?: string; message?: string }) : {} };
  }
  throw new Error('expected the call to fail, it succeeded');
}

let counter = 0;
/** A fresh namespace, created through the emulator. */
export function namespace(emu: KubeEmulator, prefix = 'ns'): string {
  const name = `${prefix}-${++counter}`;
  emu.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** A minimal Deployment manifest. */
export function deployment(
  name: string,
  namespace: string,
  extra: {
    replicas?: number;
    annotations?: Record<string, string>;
    podAnnotations?: Record<string, string>;
    containers?: object[];
    volumes?: object[];
    strategy?: object;
    progressDeadlineSeconds?: number;
    minReadySeconds?: number;
  } = {},
): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      ...(extra.strategy ? { strategy: extra.strategy } : {}),
      ...(extra.progressDeadlineSeconds ? { progressDeadlineSeconds: extra.progressDeadlineSeconds } : {}),
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      template: {
        metadata: { labels: { app: name }, ...(extra.podAnnotations ? { annotations: extra.podAnnotations } : {}) },
        spec: { containers: extra.containers ?? [{ name: 'app', image: 'busybox:1.36' }], ...(extra.volumes ? { volumes: extra.volumes } : {}) },
      },
    },
  };
}

/** kubectl's `rollout status` verdict for a Deployment (kubectl's polymorphichelpers/rollout_status.go). */
export function deploymentRolledOut(obj: object | undefined): boolean {
  if (!obj) return false;
  const d = obj as { metadata?: { generation?: number }; spec?: { replicas?: number }; status?: Record<string, unknown> };
  const s = (d.status ?? {}) as { observedGeneration?: number; updatedReplicas?: number; replicas?: number; availableReplicas?: number };
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return false;
  const replicas = d.spec?.replicas ?? 1;
  if ((s.updatedReplicas ?? 0) < replicas) return false;
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return false;
  if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)) return false;
  return true;
}
