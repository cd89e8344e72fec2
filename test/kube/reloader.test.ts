import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { LAST_RELOADED_FROM, configMapHash, parseReloadSource, reloadMarker, secretHash } from '../../src/core/kube/reloader.js';
import { deployment, deploymentRolledOut, namespace, sleep, startFixture, waitFor, type KubeFixture } from './helpers.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ podReadyDelayMs: 20 });
});
afterAll(() => f.emu.close());

type Container = { name: string; env?: Array<{ name: string; value?: string }> };
type Dep = {
  metadata: { generation: number; annotations?: Record<string, string>; managedFields?: Array<{ manager: string }> };
  spec: { paused?: boolean; template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: Container[] } } };
  status?: Record<string, unknown>;
};
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const get = (ns: string, name: string, kind = 'Deployment') => f.emu.get(kind, ns, name) as Dep;
const envOf = (d: Dep, name: string) => d.spec.template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === name)?.value;
const configMap = (ns: string, name: string, data: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
  data,
});
const usesConfigMap = (cm: string) => [{ name: 'app', image: 'client:1', envFrom: [{ configMapRef: { name: cm } }] }];

/**
 * Reloader's hash of the data these tests write: the SHA-1 of the `key=value` entries, sorted and
 * joined by `;`, computed outside this code (`printf 'a=2' | sha1sum`), so the emulator's Reloader is
 * held to fixed values rather than to the function it uses.
 */
const HASH: Record<string, string> = {
  'bootstrap.servers=west:9092': '6da48cf3b9a8199566d4724cbc4196e76b123db3',
  'upstream=west': 'd39a92b513c16fb0d0854eb32bd60d5569ed5bc7',
  'a=2': 'd6dbf8a400e3e00c352f9ceeca960bdf64ab6377',
  'a=3': 'bff5d5f052701168ee2d574f817e7877e19e39d0',
  'n=1': '01ea4b6bd17ee603696dd6e63b08b3ba75b78dce',
  'n=2': '2091fb295870e9f79b6d8a10d0f6046b091e6fe5',
  'key=K2;secret=S1': 'ebbc372a0b8ad7ba37282ea5a004191165214a73',
};
const hashOf = (entries: string) => {
  const hash = HASH[entries];
  if (!hash) throw new Error(`no literal hash for '${entries}': add it to HASH (printf '${entries}' | sha1sum)`);
  return hash;
};

/** Replaces a ConfigMap's data and returns the hash the core rules compute for what the server stored. */
async function setData(ns: string, name: string, data: Record<string, string>): Promise<string> {
  await f.core.patchNamespacedConfigMap({ name, namespace: ns, body: { data } }, merge);
  return configMapHash({ data: (await f.core.readNamespacedConfigMap({ name, namespace: ns })).data });
}

/**
 * A Deployment reloaded by its own ConfigMap: changing that ConfigMap and waiting for its reload
 * proves Reloader has handled every change made before it (changes are handled in order).
 */
function sentinel(ns: string): () => Promise<void> {
  f.emu.apply([configMap(ns, 'sentinel', { n: '0' }), deployment('sentinel', ns, { annotations: { 'configmap.reloader.stakater.com/reload': 'sentinel' } })]);
  let n = 0;
  return async () => {
    const entries = `n=${++n}`;
    expect(await setData(ns, 'sentinel', { n: String(n) })).toBe(hashOf(entries));
    await waitFor('the sentinel reload', () => envOf(get(ns, 'sentinel'), 'STAKATER_SENTINEL_CONFIGMAP') === hashOf(entries));
  };
}

describe('Reloader controller (env-vars strategy)', () => {
  it('auto: a data change patches STAKATER_<NAME>_CONFIGMAP with the hash as fieldManager Reloader, records Reloaded, and the pods restart with the new data', async () => {
    const ns = namespace(f.emu);
    f.emu.apply([
      configMap(ns, 'kafka', { 'bootstrap.servers': 'east:9092' }),
      deployment('producer', ns, { replicas: 2, annotations: { 'reloader.stakater.com/auto': 'true' }, containers: usesConfigMap('kafka') }),
    ]);
    await waitFor('first rollout', () => deploymentRolledOut(get(ns, 'producer')));
    const started: string[] = [];
    const off = f.emu.onPod((event, pod, mounted) => {
      if (event === 'started' && pod.namespace === ns) started.push(mounted.env['bootstrap.servers']);
    });
    const hash = hashOf('bootstrap.servers=west:9092');
    expect(await setData(ns, 'kafka', { 'bootstrap.servers': 'west:9092' })).toBe(hash);
    const d = await waitFor('the env var', () => (envOf(get(ns, 'producer'), 'STAKATER_KAFKA_CONFIGMAP') === hash ? get(ns, 'producer') : undefined));
    expect(d.metadata.generation).toBe(2);
    expect(d.metadata.managedFields?.map((m) => m.manager)).toContain('Reloader');
    await waitFor(
      'rollout of the reload',
      () => deploymentRolledOut(get(ns, 'producer')) && get(ns, 'producer').metadata.annotations?.['deployment.kubernetes.io/revision'] === '2',
    );
    off();
    expect(started).toEqual(['west:9092', 'west:9092']);
    const events = await f.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Reloaded' });
    expect(events.items.map((e) => [e.type, e.message, e.source?.component, e.involvedObject.name])).toEqual([
      [
        'Normal',
        `Changes detected in 'kafka' of type 'CONFIGMAP' in namespace '${ns}', Updated 'producer' of type 'Deployment' in namespace '${ns}'`,
        'reloader-configmaps',
        'producer',
      ],
    ]);
  });

  it('named reload list: the proxy ConfigMap rolls producer and consumer (anchored regex: "kafka" alone does not match)', async () => {
    const ns = namespace(f.emu);
    const reload = (v: string) => ({ 'configmap.reloader.stakater.com/reload': v });
    f.emu.apply([
      configMap(ns, 'kafka-proxy-config', { upstream: 'east' }),
      deployment('producer', ns, { annotations: reload('kafka-proxy-config') }),
      deployment('consumer', ns, { annotations: reload('other, kafka-proxy-.*') }),
      deployment('unanchored', ns, { annotations: reload('kafka') }),
    ]);
    const flush = sentinel(ns);
    const hash = hashOf('upstream=west');
    expect(await setData(ns, 'kafka-proxy-config', { upstream: 'west' })).toBe(hash);
    await flush();
    // A named reload needs no reference in the pod spec: the variable goes into containers[0].
    expect(envOf(get(ns, 'producer'), 'STAKATER_KAFKA_PROXY_CONFIG_CONFIGMAP')).toBe(hash);
    expect(envOf(get(ns, 'consumer'), 'STAKATER_KAFKA_PROXY_CONFIG_CONFIGMAP')).toBe(hash);
    expect(get(ns, 'unanchored').metadata.generation).toBe(1);
  });

  it('search + match: only ConfigMaps marked match reload search workloads', async () => {
    const ns = namespace(f.emu);
    f.emu.apply([
      configMap(ns, 'matched', { a: '1' }, { 'reloader.stakater.com/match': 'true' }),
      configMap(ns, 'unmarked', { a: '1' }),
      deployment('searcher', ns, {
        annotations: { 'reloader.stakater.com/search': 'true' },
        containers: [{ name: 'app', image: 'i:1', envFrom: [{ configMapRef: { name: 'matched' } }, { configMapRef: { name: 'unmarked' } }] }],
      }),
    ]);
    const flush = sentinel(ns);
    await setData(ns, 'unmarked', { a: '2' });
    await flush();
    expect(get(ns, 'searcher').metadata.generation).toBe(1);
    expect(await setData(ns, 'matched', { a: '2' })).toBe(hashOf('a=2'));
    await waitFor('search reload', () => envOf(get(ns, 'searcher'), 'STAKATER_MATCHED_CONFIGMAP') === hashOf('a=2'));
  });

  it('typed auto: secret.reloader.stakater.com/auto reloads on the Secret holding the API key, not on the ConfigMap', async () => {
    const ns = namespace(f.emu);
    f.emu.apply([
      configMap(ns, 'kafka', { 'bootstrap.servers': 'east:9092' }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-key', namespace: ns }, stringData: { key: 'K1', secret: 'S1' } },
      deployment('producer', ns, {
        annotations: { 'secret.reloader.stakater.com/auto': 'true' },
        containers: [
          {
            name: 'app',
            image: 'i:1',
            envFrom: [{ configMapRef: { name: 'kafka' } }],
            env: [{ name: 'KEY', valueFrom: { secretKeyRef: { name: 'api-key', key: 'key' } } }],
          },
        ],
      }),
    ]);
    const flush = sentinel(ns);
    await setData(ns, 'kafka', { 'bootstrap.servers': 'west:9092' });
    await flush();
    expect(get(ns, 'producer').metadata.generation).toBe(1);
    await f.core.patchNamespacedSecret({ name: 'api-key', namespace: ns, body: { stringData: { key: 'K2' } } }, merge);
    const s = await f.core.readNamespacedSecret({ name: 'api-key', namespace: ns });
    const hash = hashOf('key=K2;secret=S1');
    expect(secretHash({ data: s.data })).toBe(hash);
    await waitFor('secret reload', () => envOf(get(ns, 'producer'), 'STAKATER_API_KEY_SECRET') === hash);
    const events = await f.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Reloaded,involvedObject.name=producer' });
    expect(events.items[0].source?.component).toBe('reloader-secrets');
  });

  it('ignores: the ignore annotation, the exclude list, unreferenced ConfigMaps under auto, label-only and identical-data writes, other namespaces, creates and deletes', async () => {
    const ns = namespace(f.emu);
    const other = namespace(f.emu);
    f.emu.apply([
      configMap(ns, 'ignored', { a: '1' }, { 'reloader.stakater.com/ignore': 'true' }),
      configMap(ns, 'excluded', { a: '1' }),
      configMap(ns, 'unreferenced', { a: '1' }),
      configMap(ns, 'kafka', { a: '1' }),
      configMap(other, 'kafka', { a: '1' }),
      deployment('auto', ns, {
        annotations: { 'reloader.stakater.com/auto': 'true', 'configmaps.exclude.reloader.stakater.com/reload': 'excluded' },
        containers: [
          { name: 'app', image: 'i:1', envFrom: ['ignored', 'excluded', 'kafka', 'later'].map((name) => ({ configMapRef: { name, optional: true } })) },
        ],
      }),
    ]);
    const flush = sentinel(ns);
    const flushOther = sentinel(other);
    await setData(ns, 'ignored', { a: '2' });
    await setData(ns, 'excluded', { a: '2' });
    await setData(ns, 'unreferenced', { a: '2' });
    await f.core.patchNamespacedConfigMap({ name: 'kafka', namespace: ns, body: { metadata: { labels: { relabelled: 'yes' } } } }, merge);
    await setData(ns, 'kafka', { a: '1' });
    await setData(other, 'kafka', { a: '2' });
    f.emu.apply(configMap(ns, 'later', { a: '1' }));
    await f.core.deleteNamespacedConfigMap({ name: 'kafka', namespace: ns });
    await flush();
    await flushOther();
    expect(get(ns, 'auto').metadata.generation).toBe(1);
    expect((await f.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Reloaded,involvedObject.name=auto' })).items).toEqual([]);
  });

  it('reloads StatefulSets and DaemonSets too', async () => {
    const ns = namespace(f.emu);
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: usesConfigMap('kafka') } };
    f.emu.apply([
      configMap(ns, 'kafka', { a: '1' }),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: ns, annotations: { 'reloader.stakater.com/auto': 'true' } },
        spec: { serviceName: 'db', selector: { matchLabels: { app: 'x' } }, template },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: ns, annotations: { 'reloader.stakater.com/auto': 'true' } },
        spec: { selector: { matchLabels: { app: 'x' } }, template },
      },
    ]);
    const hash = hashOf('a=2');
    expect(await setData(ns, 'kafka', { a: '2' })).toBe(hash);
    await waitFor('StatefulSet reloaded', () => envOf(get(ns, 'db', 'StatefulSet'), 'STAKATER_KAFKA_CONFIGMAP') === hash);
    await waitFor('DaemonSet reloaded', () => envOf(get(ns, 'agent', 'DaemonSet'), 'STAKATER_KAFKA_CONFIGMAP') === hash);
  });

  it('pause-period: pauses the Deployment before patching it, then resumes it after the period', async () => {
    const ns = namespace(f.emu);
    f.emu.apply([
      configMap(ns, 'kafka', { a: '1' }),
      deployment('producer', ns, {
        annotations: { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': '400ms' },
        containers: usesConfigMap('kafka'),
      }),
    ]);
    await waitFor('first rollout', () => deploymentRolledOut(get(ns, 'producer')));
    const hash = hashOf('a=2');
    expect(await setData(ns, 'kafka', { a: '2' })).toBe(hash);
    const paused = await waitFor('paused with the env var', () => {
      const d = get(ns, 'producer');
      return d.spec.paused && envOf(d, 'STAKATER_KAFKA_CONFIGMAP') === hash ? d : undefined;
    });
    expect(paused.metadata.annotations?.['deployment.reloader.stakater.com/paused-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(f.emu.list('ReplicaSet', ns)).toHaveLength(1);
    const resumed = await waitFor('resumed and rolled', () => {
      const d = get(ns, 'producer');
      return !d.spec.paused && deploymentRolledOut(d) && f.emu.list('ReplicaSet', ns).length === 2 ? d : undefined;
    });
    expect(resumed.metadata.annotations?.['deployment.reloader.stakater.com/paused-at']).toBeUndefined();
  });

  it('can be switched off: changes made meanwhile roll nothing, even after it is switched back on', async () => {
    const ns = namespace(f.emu);
    f.emu.apply([
      configMap(ns, 'kafka', { a: '1' }),
      deployment('producer', ns, { annotations: { 'reloader.stakater.com/auto': 'true' }, containers: usesConfigMap('kafka') }),
    ]);
    const flush = sentinel(ns);
    f.emu.setReloader(false);
    try {
      await setData(ns, 'kafka', { a: '2' });
      await sleep(100);
      expect(get(ns, 'producer').metadata.generation).toBe(1);
    } finally {
      f.emu.setReloader(true);
    }
    await flush();
    expect(get(ns, 'producer').metadata.generation).toBe(1);
    const hash = hashOf('a=3');
    expect(await setData(ns, 'kafka', { a: '3' })).toBe(hash);
    await waitFor('reload after switching on', () => envOf(get(ns, 'producer'), 'STAKATER_KAFKA_CONFIGMAP') === hash);
  });

  it('writes nothing when the container already holds the hash (NotUpdated)', async () => {
    const ns = namespace(f.emu);
    const hash = hashOf('a=2');
    f.emu.apply([
      configMap(ns, 'kafka', { a: '1' }),
      deployment('producer', ns, {
        annotations: { 'reloader.stakater.com/auto': 'true' },
        containers: [{ name: 'app', image: 'i:1', envFrom: [{ configMapRef: { name: 'kafka' } }], env: [{ name: 'STAKATER_KAFKA_CONFIGMAP', value: hash }] }],
      }),
    ]);
    const flush = sentinel(ns);
    await setData(ns, 'kafka', { a: '2' });
    await flush();
    expect(get(ns, 'producer').metadata.generation).toBe(1);
  });
});

describe('Reloader controller (annotations strategy)', () => {
  it('writes last-reloaded-from on the pod template, recognised by reloadMarker', async () => {
    const g = await startFixture({ reloader: { strategy: 'annotations' }, podReadyDelayMs: 20 });
    try {
      const ns = namespace(g.emu);
      g.emu.apply([
        configMap(ns, 'kafka', { a: '1' }),
        deployment('producer', ns, { annotations: { 'reloader.stakater.com/auto': 'true' }, containers: usesConfigMap('kafka') }),
      ]);
      await g.core.patchNamespacedConfigMap({ name: 'kafka', namespace: ns, body: { data: { a: '2' } } }, merge);
      const hash = hashOf('a=2');
      const d = await waitFor('annotation', () => {
        const x = g.emu.get('Deployment', ns, 'producer') as Dep;
        return x.spec.template.metadata?.annotations?.[LAST_RELOADED_FROM] ? x : undefined;
      });
      const value = d.spec.template.metadata?.annotations?.[LAST_RELOADED_FROM] as string;
      expect(value).toMatch(
        new RegExp(`^\\{"type":"CONFIGMAP","name":"kafka","namespace":"${ns}","hash":"${hash}","containerRefs":\\["app"\\],"observedAt":\\d+\\}$`),
      );
      expect(parseReloadSource(value)?.hash).toBe(hash);
      expect(reloadMarker(d.spec.template, { type: 'CONFIGMAP', name: 'kafka', namespace: ns, hash })).toEqual({ strategy: 'annotations', container: 'app' });
      expect(envOf(d, 'STAKATER_KAFKA_CONFIGMAP')).toBeUndefined();
      await waitFor('rollout', () => deploymentRolledOut(g.emu.get('Deployment', ns, 'producer') as Dep) && g.emu.list('ReplicaSet', ns).length === 2);
    } finally {
      await g.emu.close();
    }
  });

  it('starts switched off with reloader: false', async () => {
    const g = await startFixture({ reloader: false });
    try {
      const ns = namespace(g.emu);
      g.emu.apply([
        configMap(ns, 'kafka', { a: '1' }),
        deployment('producer', ns, { annotations: { 'reloader.stakater.com/auto': 'true' }, containers: usesConfigMap('kafka') }),
      ]);
      await g.core.patchNamespacedConfigMap({ name: 'kafka', namespace: ns, body: { data: { a: '2' } } }, merge);
      await sleep(150);
      expect((g.emu.get('Deployment', ns, 'producer') as Dep).metadata.generation).toBe(1);
    } finally {
      await g.emu.close();
    }
  });
});
