import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rolloutStatus } from '../../src/actions/verify-rollout/rollout-status.js';
import { LAST_RELOADED_FROM, parseReloadSource } from '../../src/core/kube/reloader.js';
import { WORKLOAD_KINDS, type Workload } from '../../src/core/kube/workload.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { call, ok, until, type Target } from './differential/corpus.js';
import { startReal, type RealFixture } from './fixture.js';

/**
 * Reloader side by side: the same objects and annotations (reload lists, auto and typed auto, search + match,
 * ignore, exclude lists, regexes, StatefulSets and DaemonSets) on the emulator with its Reloader and on the real
 * control plane with Stakater Reloader itself; after the same changes, both must have rolled the same workloads,
 * writing the same env vars or annotation values and recording the same Events.
 *
 * Needs the real Reloader (RELOADER_BIN=/path/to/reloader, v1.4.21): the Go module proxy refuses
 * github.com/stakater/Reloader, so it cannot be built here. Without it the suite is skipped, loudly.
 */

const RELOADER_BIN = process.env.RELOADER_BIN;
const SKIP_REASON =
  process.env.REAL_RELOADER_SKIP_REASON ??
  'RELOADER_BIN is not set and github.com/stakater/Reloader@v1.4.21 cannot be built here: the Go module proxy refuses it (403 Forbidden: This module version is not available.)';

type J = Record<string, unknown>;
type Strategy = 'env-vars' | 'annotations';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (namespace: string, name: string, data: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  data,
});
const secret = (namespace: string, name: string, data: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  stringData: data,
});
/** A workload of one container that reads the given ConfigMaps and Secrets through envFrom. */
function workload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  namespace: string,
  name: string,
  annotations: Record<string, string>,
  refs: { cms?: string[]; secrets?: string[] } = {},
): J {
  const template = {
    metadata: { labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'app',
          image: `registry.local/${name}:1.0`,
          envFrom: [...(refs.cms ?? []).map((c) => ({ configMapRef: { name: c } })), ...(refs.secrets ?? []).map((s) => ({ secretRef: { name: s } }))],
        },
      ],
    },
  };
  const spec: J = { selector: { matchLabels: { app: name } }, template };
  if (kind !== 'DaemonSet') spec.replicas = 1;
  if (kind === 'StatefulSet') spec.serviceName = name;
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace, annotations }, spec };
}

interface Scenario {
  name: string;
  objects(namespace: string): J[];
  /** The changes Reloader reacts to (or, for the ignore cases, must not). */
  changes(namespace: string): J[];
}

const RELOAD = 'configmap.reloader.stakater.com/reload';
const SCENARIOS: Scenario[] = [
  {
    name: 'auto: a referenced ConfigMap rolls the workload',
    objects: (n) => [
      cm(n, 'kafka', { 'bootstrap.servers': 'east:9092' }),
      workload('Deployment', n, 'producer', { 'reloader.stakater.com/auto': 'true' }, { cms: ['kafka'] }),
    ],
    changes: (n) => [cm(n, 'kafka', { 'bootstrap.servers': 'west:9092' })],
  },
  {
    name: 'named reload lists, anchored regexes ("kafka" alone matches nothing)',
    objects: (n) => [
      cm(n, 'kafka-proxy-config', { upstream: 'east' }),
      workload('Deployment', n, 'producer', { [RELOAD]: 'kafka-proxy-config' }),
      workload('Deployment', n, 'consumer', { [RELOAD]: 'other, kafka-proxy-.*' }),
      workload('Deployment', n, 'unanchored', { [RELOAD]: 'kafka' }),
    ],
    changes: (n) => [cm(n, 'kafka-proxy-config', { upstream: 'west' })],
  },
  {
    name: 'search + match: only the ConfigMap marked match rolls the search workload',
    objects: (n) => [
      cm(n, 'marked', { a: '1' }, { 'reloader.stakater.com/match': 'true' }),
      cm(n, 'unmarked', { b: '1' }),
      workload('Deployment', n, 'searcher', { 'reloader.stakater.com/search': 'true' }, { cms: ['marked', 'unmarked'] }),
    ],
    changes: (n) => [cm(n, 'unmarked', { b: '2' }), cm(n, 'marked', { a: '2' }, { 'reloader.stakater.com/match': 'true' })],
  },
  {
    name: 'typed auto: secret.reloader.stakater.com/auto rolls on the Secret, not on the ConfigMap',
    objects: (n) => [
      cm(n, 'settings', { a: '1' }),
      secret(n, 'ccloud-api-key', { key: 'K1', secret: 'S1' }),
      workload('Deployment', n, 'streams', { 'secret.reloader.stakater.com/auto': 'true' }, { cms: ['settings'], secrets: ['ccloud-api-key'] }),
    ],
    changes: (n) => [cm(n, 'settings', { a: '2' }), secret(n, 'ccloud-api-key', { key: 'K2', secret: 'S1' })],
  },
  {
    name: 'ignore and exclude: an ignored ConfigMap and an excluded one roll nothing; the other one does',
    objects: (n) => [
      cm(n, 'ignored', { a: '1' }, { 'reloader.stakater.com/ignore': 'true' }),
      cm(n, 'excluded', { b: '1' }),
      cm(n, 'watched', { c: '1' }),
      workload(
        'Deployment',
        n,
        'app',
        { 'reloader.stakater.com/auto': 'true', 'configmaps.exclude.reloader.stakater.com/reload': 'excluded' },
        { cms: ['ignored', 'excluded', 'watched'] },
      ),
    ],
    changes: (n) => [cm(n, 'ignored', { a: '2' }, { 'reloader.stakater.com/ignore': 'true' }), cm(n, 'excluded', { b: '2' }), cm(n, 'watched', { c: '2' })],
  },
  {
    name: 'StatefulSets and DaemonSets',
    objects: (n) => [
      cm(n, 'shared', { a: '1' }),
      workload('StatefulSet', n, 'ledger', { [RELOAD]: 'shared' }, { cms: ['shared'] }),
      workload('DaemonSet', n, 'agent', { 'reloader.stakater.com/auto': 'true' }, { cms: ['shared'] }),
    ],
    changes: (n) => [cm(n, 'shared', { a: '2' })],
  },
];

function pathOf(o: J): string {
  const meta = o.metadata as { name: string; namespace?: string };
  const kind = String(o.kind);
  if (kind === 'Namespace') return `/api/v1/namespaces/${meta.name}`;
  const plural = { ConfigMap: 'configmaps', Secret: 'secrets', Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' }[kind];
  const prefix = kind === 'ConfigMap' || kind === 'Secret' ? '/api/v1' : '/apis/apps/v1';
  return `${prefix}/namespaces/${meta.namespace}/${plural}/${meta.name}`;
}

/** Server-side apply on either server, as `kubectl apply --server-side`. */
async function apply(t: Target, objects: J[]): Promise<void> {
  for (const o of objects) await ok(t, 'PATCH', `${pathOf(o)}?fieldManager=side-by-side&force=true`, o, 'application/apply-patch+yaml');
}

async function rolledOut(t: Target, namespace: string): Promise<boolean> {
  for (const kind of WORKLOAD_KINDS) {
    const plural = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' }[kind];
    for (const w of (await ok(t, 'GET', `/apis/apps/v1/namespaces/${namespace}/${plural}`)).items as Workload[]) {
      const s = rolloutStatus(kind, w);
      if (!s.done || s.error) return false;
    }
  }
  return true;
}

/**
 * Changes that roll nothing leave nothing to wait for: a sentinel Deployment reloaded by its own ConfigMap and one by
 * its own Secret are changed last, and once both rolled, Reloader has handled what came before (one queue per type).
 */
async function flush(t: Target, namespace: string, n: number): Promise<void> {
  await apply(t, [cm(namespace, 'sentinel', { n: String(n) }), secret(namespace, 'sentinel', { n: String(n) })]);
  await until(`${t.name}: the sentinels of ${namespace} rolled`, async () => {
    const d = await ok(t, 'GET', `/apis/apps/v1/namespaces/${namespace}/deployments/sentinel`);
    return (d.metadata as { generation: number }).generation >= 1 + 2 * n ? true : undefined;
  });
}

/** What Reloader wrote, per workload: the generation, its env vars and the last-reloaded-from source; and its Events. */
async function observed(t: Target, namespace: string): Promise<J> {
  const out: J = {};
  for (const kind of WORKLOAD_KINDS) {
    const plural = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' }[kind];
    for (const w of (await ok(t, 'GET', `/apis/apps/v1/namespaces/${namespace}/${plural}`)).items as Workload[]) {
      if (w.metadata.name === 'sentinel') continue;
      const template = w.spec?.template;
      const env = (template?.spec?.containers ?? []).flatMap((c) =>
        (c.env ?? []).filter((e) => e.name.startsWith('STAKATER_')).map((e) => `${c.name}:${e.name}=${e.value}`),
      );
      const from = template?.metadata?.annotations?.[LAST_RELOADED_FROM];
      const source = from ? parseReloadSource(from) : undefined;
      out[`${kind}/${w.metadata.name}`] = {
        generation: w.metadata.generation,
        env,
        lastReloadedFrom: source ? { type: source.type, name: source.name, namespace: source.namespace, hash: source.hash } : null,
      };
    }
  }
  const events = (await call(t, 'GET', `/api/v1/namespaces/${namespace}/events?fieldSelector=reason%3DReloaded`)).body as { items: J[] };
  out.events = events.items
    .map((e) => `${String(e.type)} ${String((e.source as J | undefined)?.component ?? e.reportingComponent)} ${String(e.message)}`)
    .filter((m) => !m.includes("'sentinel'"))
    .sort();
  return out;
}

/** Without the real Reloader the suites are reported as skipped, their names saying why. */
const maybe = RELOADER_BIN ? describe : describe.skip;

function sideBySide(strategy: Strategy): void {
  maybe(`Reloader side by side (${strategy}): the emulator's Reloader and Stakater Reloader${RELOADER_BIN ? '' : ` (SKIPPED: ${SKIP_REASON})`}`, () => {
    let emulator: KubeEmulator;
    let real: RealFixture;
    let targets: Target[];
    beforeAll(async () => {
      [emulator, real] = await Promise.all([
        startKube({ podReadyDelayMs: 100, reloader: { strategy } }),
        startReal({ reloader: { strategy, binary: RELOADER_BIN } }),
      ]);
      if (real.kube.reloader !== 'stakater') throw new Error(`expected Stakater Reloader on the real control plane, got ${real.kube.reloader}`);
      targets = [
        { name: 'emulator', api: { server: emulator.url }, kubeconfigPath: emulator.kubeconfigPath, kubectl: real.kubectlPath },
        { name: 'real', api: real.admin, kubeconfigPath: real.kube.kubeconfigPath, kubectl: real.kubectlPath },
      ];
    }, 180_000);
    afterAll(async () => {
      await emulator?.close();
      await real?.close();
    });

    it.each(SCENARIOS.map((s, i) => [s.name, s, i] as const))('%s: the same workloads rolled, with the same values', async (_name, scenario, i) => {
      const namespace = `reloader-${strategy === 'env-vars' ? 'e' : 'a'}-${i}`;
      const results = await Promise.all(
        targets.map(async (t) => {
          await apply(t, [ns(namespace)]);
          await apply(t, [
            cm(namespace, 'sentinel', { n: '0' }),
            secret(namespace, 'sentinel', { n: '0' }),
            workload('Deployment', namespace, 'sentinel', { [RELOAD]: 'sentinel', 'secret.reloader.stakater.com/reload': 'sentinel' }),
            ...scenario.objects(namespace),
          ]);
          await until(`${t.name}: the first rollouts in ${namespace}`, async () => ((await rolledOut(t, namespace)) ? true : undefined), 90_000);
          await apply(t, scenario.changes(namespace));
          await flush(t, namespace, 1);
          await until(`${t.name}: the reloads in ${namespace} rolled out`, async () => ((await rolledOut(t, namespace)) ? true : undefined), 90_000);
          return observed(t, namespace);
        }),
      );
      const [onEmulator, onReal] = results;
      // Something was rolled (every scenario has at least one workload Reloader must roll), and identically.
      expect(Object.values(onReal).some((w) => (w as { generation?: number }).generation === 2)).toBe(true);
      expect(onEmulator).toEqual(onReal);
    });
  });
}

sideBySide('env-vars');
sideBySide('annotations');
if (!RELOADER_BIN) {
  // Loud, in the suite's own output too (globalSetup already printed it before the suites ran).
  console.warn(`SKIPPED test/real/reloader.test.ts (Reloader side by side): ${SKIP_REASON}. Set RELOADER_BIN=/path/to/reloader (v1.4.21) to run it.`);
}
