// npm run bench -- kube: the bundled verify-rollout against the Kubernetes emulator. 200 Deployments across 20
// namespaces (one ConfigMap per namespace, 10 Deployments reloading it), all rolled by Reloader after one change
// each; one verify-rollout run covers the 20 namespaces (`namespace: ns-00,...,ns-19`), in a child process as
// the runner starts it. Also the cold start and size of both bundles.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapHash, reloadMarker } from '../../src/core/kube/reloader.js';
import { rolloutStatus } from '../../src/actions/verify-rollout/rollout-status.js';
import type { Workload } from '../../src/core/kube/workload.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { parseCommandFile } from '../../test/helpers/run-action.js';
import { bundleBytes, coldStart, figure, fmt, median, repoRoot, runNode } from './lib.js';

const NAMESPACES = 20;
const PER_NAMESPACE = 10;
const RUNS = 3;
/** Long enough that the child is watching before the first new pod is ready (its start takes ~0.3 s). */
const POD_READY_DELAY_MS = 2000;
const BUNDLES = { 'swap-configmap': 'dist/swap-configmap/index.js', 'verify-rollout': 'dist/verify-rollout/index.js' };

interface Measured {
  wallMs: number;
  rssKb: number;
  requests: number;
  gets: number;
  watches: number;
  workloads: number;
  rolled: number;
  /** Per workload: noticedAt minus the moment its last new pod became ready (emulator controllers included). */
  delays: number[];
  /** The action's last notice minus the last pod ready over the whole change. */
  lastDelayMs: number;
  /** Per workload: noticedAt minus the moment the API emitted the version that completes the rollout. */
  actionDelays: number[];
  /** The action's last notice minus the last completing version emitted by the API. */
  lastActionDelayMs: number;
  /** New pods whose mounted config held the new data when they started. */
  podsOnNewConfig: number;
  podsReady: number;
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `ns-${String(i).padStart(2, '0')}`);

function configData(namespace: string, version: number): Record<string, string> {
  return { 'bootstrap.servers': `cluster-${version}.kafka.local:9092`, 'client.id': namespace };
}

function configMap(namespace: string, version: number): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'client-config', namespace }, data: configData(namespace, version) };
}

/**
 * An independent observer in the bench process: one cluster-wide watch on Deployments that stamps
 * the moment the API emits, for each Deployment, the first version carrying the new hash with a
 * complete rollout (kubectl rules). The action receives the same bytes on its own watches; the
 * difference between its `noticedAt` and this stamp is the action's own detection delay.
 */
async function completionObserver(kube: KubeEmulator, version: number): Promise<{ completeAt: Map<string, number>; stop: () => void }> {
  const list = (await (await fetch(`${kube.url}/apis/apps/v1/deployments`)).json()) as { metadata: { resourceVersion: string } };
  const controller = new AbortController();
  const response = await fetch(`${kube.url}/apis/apps/v1/deployments?watch=true&resourceVersion=${list.metadata.resourceVersion}`, {
    signal: controller.signal,
  });
  const completeAt = new Map<string, number>();
  const hashes = new Map<string, string>();
  const hashOf = (ns: string) => hashes.get(ns) ?? hashes.set(ns, configMapHash({ data: configData(ns, version) })).get(ns)!;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const at = Date.now();
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          const event = JSON.parse(line) as { type: string; object: Workload };
          const d = event.object;
          const ns = d.metadata.namespace ?? '';
          const key = `${ns}/Deployment/${d.metadata.name}`;
          if (completeAt.has(key) || event.type === 'BOOKMARK') continue;
          const marker = reloadMarker(d.spec?.template, { type: 'CONFIGMAP', name: 'client-config', namespace: ns, hash: hashOf(ns) });
          if (marker && rolloutStatus('Deployment', d).done && (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)) completeAt.set(key, at);
        }
      }
    } catch {
      // aborted by stop()
    }
  })();
  return { completeAt, stop: () => controller.abort() };
}

async function world(namespaces: number, perNamespace: number): Promise<KubeEmulator> {
  const kube = await startKube({ podReadyDelayMs: POD_READY_DELAY_MS });
  const objects: object[] = [];
  for (const ns of names(namespaces)) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, configMap(ns, 0));
    for (let i = 0; i < perNamespace; i++) {
      const name = `client-${String(i).padStart(2, '0')}`;
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, annotations: { 'configmap.reloader.stakater.com/reload': 'client-config' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'app', image: 'registry.local/client:1.0', envFrom: [{ configMapRef: { name: 'client-config' } }] }] },
          },
        },
      });
    }
  }
  kube.apply(objects);
  await rolledOut(kube, names(namespaces));
  return kube;
}

async function rolledOut(kube: KubeEmulator, namespaces: string[]): Promise<void> {
  type D = {
    metadata: { generation: number };
    spec: { replicas: number };
    status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
  };
  const done = () =>
    namespaces.every((ns) =>
      (kube.list('Deployment', ns) as D[]).every(
        (d) =>
          (d.status?.observedGeneration ?? 0) >= d.metadata.generation &&
          d.status?.updatedReplicas === d.spec.replicas &&
          d.status?.availableReplicas === d.spec.replicas &&
          d.status?.replicas === d.spec.replicas,
      ),
    );
  const end = Date.now() + 120_000;
  while (!done()) {
    if (Date.now() > end) throw new Error('the initial rollout did not finish within 2 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Changes every namespace's ConfigMap, then runs verify-rollout over all namespaces in one child process. */
async function measure(kube: KubeEmulator, namespaces: number, version: number): Promise<Measured> {
  const nsList = names(namespaces);
  const lastReady = new Map<string, number>();
  let podsReady = 0;
  let podsOnNewConfig = 0;
  const stop = kube.onPod((event, pod, mounted) => {
    if (event !== 'ready') return;
    const at = Date.now();
    lastReady.set(`${pod.namespace}/${pod.owner}`, at);
    podsReady++;
    if (mounted.configMaps['client-config']?.['bootstrap.servers'] === `cluster-${version}.kafka.local:9092`) podsOnNewConfig++;
  });
  const work = mkdtempSync(join(tmpdir(), 'bench-kube-'));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_ENV: join(work, 'env'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const observer = await completionObserver(kube, version);
  kube.apply(nsList.map((ns) => configMap(ns, version)));
  kube.resetRequests();
  const run = await runNode([join(repoRoot, BUNDLES['verify-rollout'])], {
    ...files,
    RUNNER_TEMP: work,
    INPUT_NAMESPACE: nsList.join(','),
    INPUT_CONFIGMAP: 'client-config',
    INPUT_TIMEOUT: '3m',
    INPUT_KUBECONFIG: kube.kubeconfigPath,
  });
  stop();
  observer.stop();
  if (run.code !== 0) throw new Error(`verify-rollout exited ${run.code}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
  const requests = kube.requests();
  const rows = JSON.parse(parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')).workloads) as Array<{
    namespace: string;
    kind: string;
    name: string;
    result: string;
    noticedAt?: string;
  }>;
  const delays: number[] = [];
  const actionDelays: number[] = [];
  for (const r of rows) {
    if (!r.noticedAt) continue;
    const key = `${r.namespace}/${r.kind}/${r.name}`;
    const ready = lastReady.get(key);
    if (ready !== undefined) delays.push(Date.parse(r.noticedAt) - ready);
    const complete = observer.completeAt.get(key);
    if (complete !== undefined) actionDelays.push(Date.parse(r.noticedAt) - complete);
  }
  const lastNotice = Math.max(...rows.map((r) => (r.noticedAt ? Date.parse(r.noticedAt) : 0)));
  return {
    wallMs: run.ms,
    rssKb: run.maxRssKb,
    requests: requests.length,
    gets: requests.filter((r) => !r.watch && r.method === 'GET').length,
    watches: requests.filter((r) => r.watch).length,
    workloads: rows.length,
    rolled: rows.filter((r) => r.result === 'rolled').length,
    delays,
    lastDelayMs: lastNotice - Math.max(...lastReady.values()),
    actionDelays,
    lastActionDelayMs: lastNotice - Math.max(...observer.completeAt.values()),
    podsOnNewConfig,
    podsReady,
  };
}

/** A re-run with unchanged data: every workload already current, no watch. */
async function rerun(kube: KubeEmulator, namespaces: number): Promise<{ ms: number; rssKb: number; requests: number; current: number }> {
  const work = mkdtempSync(join(tmpdir(), 'bench-kube-'));
  const output = join(work, 'output');
  writeFileSync(output, '');
  kube.resetRequests();
  const run = await runNode([join(repoRoot, BUNDLES['verify-rollout'])], {
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: work,
    INPUT_NAMESPACE: names(namespaces).join(','),
    INPUT_CONFIGMAP: 'client-config',
    INPUT_KUBECONFIG: kube.kubeconfigPath,
  });
  if (run.code !== 0) throw new Error(`verify-rollout re-run exited ${run.code}:\n${run.stdout.slice(-2000)}`);
  const rows = JSON.parse(parseCommandFile(readFileSync(output, 'utf8')).workloads) as Array<{ result: string }>;
  return { ms: run.ms, rssKb: run.maxRssKb, requests: kube.requests().length, current: rows.filter((r) => r.result === 'already-current').length };
}

export default async function bench(): Promise<void> {
  for (const bundle of Object.values(BUNDLES)) {
    if (!existsSync(join(repoRoot, bundle))) throw new Error(`${bundle} is missing: run \`npm run build -- swap-configmap verify-rollout\` first`);
  }
  const total = NAMESPACES * PER_NAMESPACE;
  console.log(
    `  ${NAMESPACES} namespaces x ${PER_NAMESPACE} Deployments (1 replica), pods ready ${POD_READY_DELAY_MS} ms after start; one verify-rollout run over all namespaces; ${RUNS} runs, medians`,
  );
  const kube = await world(NAMESPACES, PER_NAMESPACE);
  const runs: Measured[] = [];
  let again: Awaited<ReturnType<typeof rerun>>;
  try {
    for (let i = 1; i <= RUNS; i++) runs.push(await measure(kube, NAMESPACES, i));
    again = await rerun(kube, NAMESPACES);
  } finally {
    await kube.close();
  }
  const m = (pick: (r: Measured) => number) => median(runs.map(pick));
  const actionDelays = runs.flatMap((r) => r.actionDelays);
  const endToEnd = runs.flatMap((r) => r.delays);
  figure(
    'workloads verified (rolled), every run',
    `${Math.min(...runs.map((r) => r.rolled))} of ${total}`,
    `${total}`,
    runs.every((r) => r.rolled === total),
  );
  figure('new pods that started on the new config', `${m((r) => r.podsOnNewConfig)} of ${m((r) => r.podsReady)} ready`);
  figure(`verify-rollout wall time (pods need ${POD_READY_DELAY_MS} ms)`, fmt.ms(m((r) => r.wallMs)));
  figure('API requests (GETs + watches)', `${m((r) => r.requests)} (${m((r) => r.gets)} + ${m((r) => r.watches)})`);
  // Per namespace: the ConfigMap, a list of each kind Reloader rolls (Deployments, StatefulSets and DaemonSets to verify;
  // Jobs and CronJobs to name as not verified) and one watch of the kinds being verified.
  figure('requests per namespace', (m((r) => r.requests) / NAMESPACES).toFixed(1), '1 get + 5 lists + 1 watch = 7', m((r) => r.requests) / NAMESPACES <= 7);
  figure('peak RSS of verify-rollout', fmt.mb(m((r) => r.rssKb)), '≤ 150 MB', m((r) => r.rssKb) <= 150 * 1024);
  figure('detection delay: last completing version -> noticed', fmt.ms(m((r) => r.lastActionDelayMs)), '≤ 100 ms', m((r) => r.lastActionDelayMs) <= 100);
  figure('  per workload, median / max (all runs)', `${fmt.ms(median(actionDelays))} / ${fmt.ms(Math.max(...actionDelays))}`);
  figure('end to end: last pod ready -> noticed (+ controllers)', fmt.ms(m((r) => r.lastDelayMs)));
  figure('  per workload, median / max (all runs)', `${fmt.ms(median(endToEnd))} / ${fmt.ms(Math.max(...endToEnd))}`);
  figure(
    're-run, unchanged data: wall / requests / RSS',
    `${fmt.ms(again.ms)} / ${again.requests} / ${fmt.mb(again.rssKb)} (${again.current} already current)`,
  );

  // Scaling: halve the namespaces, or halve the workloads per namespace, and compare request counts.
  const scaled: Array<[string, Measured]> = [];
  for (const [namespaces, perNamespace] of [
    [NAMESPACES / 2, PER_NAMESPACE],
    [NAMESPACES, PER_NAMESPACE / 2],
  ] as const) {
    const small = await world(namespaces, perNamespace);
    try {
      scaled.push([`${namespaces} ns x ${perNamespace}`, await measure(small, namespaces, 1)]);
    } finally {
      await small.close();
    }
  }
  const full = m((r) => r.requests);
  for (const [label, r] of scaled)
    figure(`${label}: requests / peak RSS / rolled`, `${r.requests} (${r.gets} + ${r.watches}) / ${fmt.mb(r.rssKb)} / ${r.rolled} of ${r.workloads}`);
  const [halfNs, halfWl] = scaled.map(([, r]) => r.requests);
  figure(
    'requests vs 20 x 10: half the namespaces / half the workloads',
    `${(halfNs / full).toFixed(2)}x / ${(halfWl / full).toFixed(2)}x`,
    '0.5x / 1.0x',
    halfNs / full <= 0.55 && Math.abs(halfWl / full - 1) < 0.05,
  );

  for (const [name, bundle] of Object.entries(BUNDLES)) {
    const cold = await coldStart(bundle, {}, 7);
    figure(
      `${name} cold start (input error) vs node -e 0`,
      `${fmt.ms(cold.bundleMs)} vs ${fmt.ms(cold.bareMs)} = ${fmt.ratio(cold.ratio)}`,
      '≤ 6×',
      cold.ratio <= 6,
    );
    const bytes = bundleBytes(`dist/${name}`);
    figure(`${name} bundle size (all chunks)`, fmt.bytes(bytes), '≤ 6 MB', bytes <= 6 * 1024 * 1024);
  }
}
