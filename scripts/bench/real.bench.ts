// npm run bench -- real: verify-rollout side by side with `kubectl rollout status` on the real local control plane
// (src/playground/real/kube). 20 Deployments in 5 namespaces reload their namespace's ConfigMap; one change per
// namespace and the Reloader (Stakater's with RELOADER_BIN, else the stand-in) rolls all 20 through the real
// controllers. Once every Deployment carries the new hash, one verify-rollout run (all five namespaces) and 20
// `kubectl rollout status` processes (one per Deployment, as users run it) start together. Measured: from the moment
// the API emits the version that completes each rollout (an independent watch) to each tool noticing it, and the
// API requests each tool made (the apiserver's audit log, one identity per tool). Also the control plane's start
// time and the binaries' cold build time.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rolloutStatus } from '../../src/actions/verify-rollout/rollout-status.js';
import { configMapHash, reloadMarker } from '../../src/core/kube/reloader.js';
import type { Workload } from '../../src/core/kube/workload.js';
import { apiRequest, watchStream, type ApiTarget } from '../../src/playground/real/kube/http.js';
import { defaultBinDir, missingBinaries, startRealKube, type RealKube } from '../../src/playground/real/kube/index.js';
import { realKubeconfigYaml } from '../../src/playground/real/kube/kubeconfig.js';
import { parseCommandFile } from '../../test/helpers/run-action.js';
import { figure, fmt, median, repoRoot, runNode } from './lib.js';

const NAMESPACES = 5;
const PER_NAMESPACE = 4;
const REPLICAS = 2;
const RUNS = 3;
const STARTS = 3;
/** Long enough that both tools are watching before the first new pod is ready (kubectl starts in ~0.1 s, the action in ~0.4 s). */
const POD_READY_DELAY_MS = 2000;
const VERIFY = 'dist/verify-rollout/index.js';
const TOOLS = { verify: 'verify-rollout', kubectl: 'kubectl' } as const;
const BENCH_NS = 'bench';

const names = () => Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`);
const deploymentNames = () => Array.from({ length: PER_NAMESPACE }, (_, i) => `client-${i}`);
const configData = (ns: string, version: number) => ({ 'bootstrap.servers': `cluster-${version}.kafka.local:9092`, 'client.id': ns });
const userOf = (sa: string) => `system:serviceaccount:${BENCH_NS}:${sa}`;

/** Audit: every request of the two tools' identities, at Metadata level (one line per stage; counted by auditID). */
function auditPolicy(): string {
  return [
    'apiVersion: audit.k8s.io/v1',
    'kind: Policy',
    'omitStages: [RequestReceived]',
    'rules:',
    `  - level: Metadata`,
    `    users: ['${userOf(TOOLS.verify)}', '${userOf(TOOLS.kubectl)}']`,
    '  - level: None',
    '',
  ].join('\n');
}

async function apply(admin: ApiTarget, objects: Array<{ kind: string; metadata: { name: string; namespace?: string } }>): Promise<void> {
  const paths: Record<string, (o: { metadata: { name: string; namespace?: string } }) => string> = {
    Namespace: (o) => `/api/v1/namespaces/${o.metadata.name}`,
    ServiceAccount: (o) => `/api/v1/namespaces/${o.metadata.namespace}/serviceaccounts/${o.metadata.name}`,
    ConfigMap: (o) => `/api/v1/namespaces/${o.metadata.namespace}/configmaps/${o.metadata.name}`,
    Deployment: (o) => `/apis/apps/v1/namespaces/${o.metadata.namespace}/deployments/${o.metadata.name}`,
    ClusterRoleBinding: (o) => `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${o.metadata.name}`,
  };
  for (const o of objects) {
    await apiRequest(admin, 'PATCH', `${paths[o.kind](o)}?fieldManager=bench&force=true`, { body: o, contentType: 'application/apply-patch+yaml' });
    if (o.kind === 'Namespace') {
      for (let i = 0; ; i++) {
        try {
          await apiRequest(admin, 'GET', `/api/v1/namespaces/${o.metadata.name}/serviceaccounts/default`);
          break;
        } catch (err) {
          if (i > 300) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  }
}

async function world(kube: RealKube, admin: ApiTarget): Promise<{ kubeconfigs: Record<keyof typeof TOOLS, string>; dir: string }> {
  const objects: Array<{ kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } } & Record<string, unknown>> = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NS } },
  ];
  for (const sa of Object.values(TOOLS)) {
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: BENCH_NS } });
    // The built-in `view` role: read-only on workloads, ConfigMaps, pods and events (what both tools read).
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `bench-${sa}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: BENCH_NS }],
    });
  }
  for (const ns of names()) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'client-config', namespace: ns }, data: configData(ns, 0) });
    for (const name of deploymentNames()) {
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, annotations: { 'configmap.reloader.stakater.com/reload': 'client-config' } },
        spec: {
          replicas: REPLICAS,
          selector: { matchLabels: { app: name } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              terminationGracePeriodSeconds: 0,
              containers: [{ name: 'app', image: 'registry.local/client:1.0', envFrom: [{ configMapRef: { name: 'client-config' } }] }],
            },
          },
        },
      });
    }
  }
  await apply(admin, objects);
  const dir = mkdtempSync(join(tmpdir(), 'bench-real-'));
  const kubeconfigs = {} as Record<keyof typeof TOOLS, string>;
  for (const [tool, sa] of Object.entries(TOOLS) as Array<[keyof typeof TOOLS, string]>) {
    const answer = await apiRequest<{ status: { token: string } }>(admin, 'POST', `/api/v1/namespaces/${BENCH_NS}/serviceaccounts/${sa}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    kubeconfigs[tool] = join(dir, `${sa}.kubeconfig`);
    writeFileSync(kubeconfigs[tool], realKubeconfigYaml(kube.server, kube.ca, answer.status.token, userOf(sa)), { mode: 0o600 });
  }
  await allDone(admin, undefined, 300_000);
  return { kubeconfigs, dir };
}

/** Resolves when every Deployment carries `version`'s hash (or any, when undefined) and is rolled out. */
async function allDone(admin: ApiTarget, version: number | undefined, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const list = await apiRequest<{ items: Workload[] }>(admin, 'GET', '/apis/apps/v1/deployments');
    const ours = list.items.filter((d) => names().includes(d.metadata.namespace ?? ''));
    const done = ours.every((d) => {
      const hashed = version === undefined || reloadMarker(d.spec?.template, expected(d.metadata.namespace ?? '', version));
      return hashed && rolloutStatus('Deployment', d).done;
    });
    if (ours.length === NAMESPACES * PER_NAMESPACE && done) return;
    if (Date.now() > deadline) throw new Error(`the Deployments did not roll out within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const expected = (ns: string, version: number) => ({
  type: 'CONFIGMAP' as const,
  name: 'client-config',
  namespace: ns,
  hash: configMapHash({ data: configData(ns, version) }),
});

/**
 * An independent watch on every Deployment, stamping when the API emits, for each, the first version carrying the
 * new hash (`hashedAt`) and the first that completes its rollout by kubectl's rules (`completeAt`).
 */
function observer(admin: ApiTarget, version: number, fromRv: string) {
  const hashedAt = new Map<string, number>();
  const completeAt = new Map<string, number>();
  const abort = new AbortController();
  const done = watchStream<Workload>(
    admin,
    `/apis/apps/v1/deployments?watch=1&resourceVersion=${fromRv}`,
    (e) => {
      const at = Date.now();
      if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
      const d = e.object;
      const ns = d.metadata.namespace ?? '';
      if (!names().includes(ns)) return;
      const key = `${ns}/${d.metadata.name}`;
      if (!reloadMarker(d.spec?.template, expected(ns, version))) return;
      if (!hashedAt.has(key)) hashedAt.set(key, at);
      if (!completeAt.has(key) && rolloutStatus('Deployment', d).done && (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0))
        completeAt.set(key, at);
    },
    abort.signal,
  ).catch(() => {});
  return { hashedAt, completeAt, stop: async () => (abort.abort(), await done) };
}

interface Measured {
  /** Last completion (as the observer saw it) to each tool's last notice. */
  verifyLastMs: number;
  kubectlLastMs: number;
  /** Per Deployment: completion to notice. */
  verifyDelays: number[];
  kubectlDelays: number[];
  verifyRequests: Record<string, number>;
  kubectlRequests: Record<string, number>;
  rolloutMs: number;
}

/** kubectl rollout status for one Deployment; resolves with when its success line arrived. */
function kubectlRolloutStatus(kubectl: string, kubeconfig: string, ns: string, name: string): Promise<{ at: number; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['rollout', 'status', `deployment/${name}`, '-n', ns, '--timeout=5m'], {
      env: { PATH: process.env.PATH ?? '', HOME: dirname(kubeconfig), KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let at = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (!at && out.includes('successfully rolled out')) at = Date.now();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ at, code, out }));
  });
}

/** Requests per identity since `offset` of the audit log: unique auditIDs, by `verb resource`. */
function auditCounts(path: string, offset: number): Record<string, Record<string, number>> {
  const text = readFileSync(path, 'utf8').slice(offset);
  const seen = new Set<string>();
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { auditID: string; user: { username: string }; verb: string; objectRef?: { resource?: string }; requestURI: string };
    if (seen.has(e.auditID)) continue;
    seen.add(e.auditID);
    const what = `${e.verb} ${e.objectRef?.resource ?? e.requestURI.split('?')[0]}`;
    const user = out[e.user.username] ?? (out[e.user.username] = {});
    user[what] = (user[what] ?? 0) + 1;
  }
  return out;
}

const total = (counts: Record<string, number> | undefined) => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

async function measure(kube: RealKube, admin: ApiTarget, kubeconfigs: Record<keyof typeof TOOLS, string>, audit: string, version: number): Promise<Measured> {
  const list = await apiRequest<{ metadata: { resourceVersion: string } }>(admin, 'GET', '/apis/apps/v1/deployments?limit=1');
  const watch = observer(admin, version, list.metadata.resourceVersion);
  const changedAt = Date.now();
  for (const ns of names()) {
    await apiRequest(admin, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/client-config?fieldManager=bench`, {
      body: { data: configData(ns, version) },
      contentType: 'application/merge-patch+json',
    });
  }
  // Both tools start once the Reloader has put the new hash on every Deployment (kubectl only follows the rollout of
  // the spec it reads: started earlier, it would report the old, finished rollout).
  const all = NAMESPACES * PER_NAMESPACE;
  while (watch.hashedAt.size < all) {
    if (Date.now() - changedAt > 120_000) throw new Error(`the Reloader put the new hash on ${watch.hashedAt.size} of ${all} Deployments in 2 minutes`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const offset = statSync(audit).size;
  const work = mkdtempSync(join(tmpdir(), 'bench-real-verify-'));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_ENV: join(work, 'env'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const kubectl = join(kube.binDir, 'kubectl');
  const [verify, ...statuses] = await Promise.all([
    runNode([join(repoRoot, VERIFY)], {
      ...files,
      RUNNER_TEMP: work,
      INPUT_NAMESPACE: names().join(','),
      INPUT_CONFIGMAP: 'client-config',
      INPUT_TIMEOUT: '5m',
      INPUT_KUBECONFIG: kubeconfigs.verify,
    }),
    ...names().flatMap((ns) => deploymentNames().map((name) => kubectlRolloutStatus(kubectl, kubeconfigs.kubectl, ns, name))),
  ]);
  await watch.stop();
  if (verify.code !== 0) throw new Error(`verify-rollout exited ${verify.code}:\n${verify.stdout.slice(-3000)}`);
  const failed = statuses.filter((s) => s.code !== 0 || !s.at);
  if (failed.length) throw new Error(`kubectl rollout status failed ${failed.length} times:\n${failed[0].out}`);
  // The audit log backend writes in batches shortly after each request ends.
  await new Promise((r) => setTimeout(r, 1500));
  const counts = auditCounts(audit, offset);
  const rows = JSON.parse(parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')).workloads) as Array<{
    namespace: string;
    name: string;
    noticedAt?: string;
  }>;
  rmSync(work, { recursive: true, force: true });
  const lastComplete = Math.max(...watch.completeAt.values());
  const verifyDelays = rows.map((r) => Date.parse(r.noticedAt ?? '') - (watch.completeAt.get(`${r.namespace}/${r.name}`) ?? NaN));
  let i = 0;
  const kubectlDelays: number[] = [];
  for (const ns of names()) for (const name of deploymentNames()) kubectlDelays.push(statuses[i++].at - (watch.completeAt.get(`${ns}/${name}`) ?? NaN));
  return {
    verifyLastMs: Math.max(...rows.map((r) => Date.parse(r.noticedAt ?? ''))) - lastComplete,
    kubectlLastMs: Math.max(...statuses.map((s) => s.at)) - lastComplete,
    verifyDelays,
    kubectlDelays,
    verifyRequests: counts[userOf(TOOLS.verify)] ?? {},
    kubectlRequests: counts[userOf(TOOLS.kubectl)] ?? {},
    rolloutMs: lastComplete - changedAt,
  };
}

function coldBuild(): void {
  const bin = defaultBinDir();
  const file = join(dirname(bin), 'build-times.txt');
  if (!existsSync(file)) {
    figure('cold build (tools/kube/build.sh)', 'not recorded', undefined);
    console.log(
      '    the binaries in the cache were built before build.sh recorded its own timing; a cold build takes about 12 minutes on the 2-core machine (tools/kube/README.md)',
    );
    return;
  }
  const text = readFileSync(file, 'utf8');
  const totalS = Number(/^total=(\d+)/m.exec(text)?.[1]);
  const header = text.split('\n')[0].replace(/^#\s*/, '');
  figure('cold build (tools/kube/build.sh)', `${(totalS / 60).toFixed(1)} min`, undefined);
  console.log(`    cached: build.sh's own timing (${header})`);
}

export default async function bench(): Promise<void> {
  const named = process.argv.slice(2).includes('real');
  const bin = defaultBinDir();
  if (!named && missingBinaries(bin).length) {
    console.log('  skipped: the control plane binaries are not built (bash tools/kube/build.sh, or npm run bench -- real builds them)');
    return;
  }
  if (!existsSync(join(repoRoot, VERIFY))) throw new Error(`${VERIFY} is missing: run \`npm run build -- verify-rollout\` first`);
  console.log(
    `  ${NAMESPACES} namespaces x ${PER_NAMESPACE} Deployments (${REPLICAS} replicas, maxSurge 1, maxUnavailable 0), kwok pods ready ${POD_READY_DELAY_MS} ms after start; one verify-rollout run vs one kubectl rollout status per Deployment; ${RUNS} runs, medians`,
  );
  coldBuild();

  const dir = mkdtempSync(join(tmpdir(), 'bench-real-audit-'));
  const policy = join(dir, 'policy.yaml');
  const audit = join(dir, 'audit.log');
  writeFileSync(policy, auditPolicy());
  writeFileSync(audit, '');
  const starts: number[] = [];
  const kube = await startRealKube({
    podReadyDelayMs: POD_READY_DELAY_MS,
    apiServerArgs: [`--audit-policy-file=${policy}`, `--audit-log-path=${audit}`, '--audit-log-mode=batch', '--audit-log-batch-max-wait=200ms'],
    log: () => {},
  });
  starts.push(kube.startMs);
  const runs: Measured[] = [];
  try {
    const admin: ApiTarget = { server: kube.server, ca: kube.ca, token: kube.token };
    console.log(
      `  Reloader: ${kube.reloader === 'stakater' ? 'Stakater Reloader (RELOADER_BIN)' : kube.reloader === 'stand-in' ? 'the stand-in (no Reloader binary: the Go module proxy refuses github.com/stakater/Reloader)' : 'none'}`,
    );
    const { kubeconfigs, dir: kdir } = await world(kube, admin);
    try {
      for (let v = 1; v <= RUNS; v++) {
        runs.push(await measure(kube, admin, kubeconfigs, audit, v));
        await allDone(admin, v, 120_000);
      }
    } finally {
      rmSync(kdir, { recursive: true, force: true });
    }
  } finally {
    await kube.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (let i = 1; i < STARTS; i++) {
    const k = await startRealKube({ log: () => {} });
    starts.push(k.startMs);
    await k.stop();
  }

  figure('npm run real:kube start (to nodes Ready and Reloader watching)', `${(median(starts) / 1000).toFixed(1)} s`, undefined);
  console.log(`    ${starts.map((s) => `${(s / 1000).toFixed(1)} s`).join(', ')}`);
  figure('rollout of the 20 Deployments (change to last completion)', fmt.ms(median(runs.map((r) => r.rolloutMs))), undefined);
  const verifyLast = median(runs.map((r) => r.verifyLastMs));
  const kubectlLast = median(runs.map((r) => r.kubectlLastMs));
  figure('verify-rollout: last completion to its notice', fmt.ms(verifyLast), '≤ 100 ms', verifyLast <= 100);
  figure('kubectl rollout status: last completion to its notice', fmt.ms(kubectlLast), undefined);
  console.log(
    `    per run: verify-rollout ${runs.map((r) => fmt.ms(r.verifyLastMs)).join(', ')}; kubectl ${runs.map((r) => fmt.ms(r.kubectlLastMs)).join(', ')}`,
  );
  figure('verify-rollout no later than kubectl', `${fmt.ms(verifyLast)} vs ${fmt.ms(kubectlLast)}`, 'verify ≤ kubectl', verifyLast <= kubectlLast);
  const per = (k: 'verifyDelays' | 'kubectlDelays') => runs.flatMap((r) => r[k]);
  const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
  console.log(
    `    per Deployment, completion to notice: verify-rollout median ${fmt.ms(median(per('verifyDelays')))}, p90 ${fmt.ms(p(per('verifyDelays'), 0.9))}, max ${fmt.ms(Math.max(...per('verifyDelays')))}; kubectl median ${fmt.ms(median(per('kubectlDelays')))}, p90 ${fmt.ms(p(per('kubectlDelays'), 0.9))}, max ${fmt.ms(Math.max(...per('kubectlDelays')))}`,
  );
  const verifyReq = median(runs.map((r) => total(r.verifyRequests)));
  const kubectlReq = median(runs.map((r) => total(r.kubectlRequests)));
  figure('API requests: verify-rollout (one run)', String(verifyReq), `< kubectl's ${kubectlReq}`, verifyReq < kubectlReq);
  figure('API requests: kubectl rollout status (20 processes)', String(kubectlReq), undefined);
  console.log(
    `    per run: verify-rollout ${runs.map((r) => total(r.verifyRequests)).join(', ')}; kubectl ${runs.map((r) => total(r.kubectlRequests)).join(', ')}`,
  );
  const breakdown = (c: Record<string, number>) =>
    Object.entries(c)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
  console.log(`    verify-rollout (last run): ${breakdown(runs.at(-1)!.verifyRequests)}`);
  console.log(`    kubectl (last run): ${breakdown(runs.at(-1)!.kubectlRequests)}`);
}
