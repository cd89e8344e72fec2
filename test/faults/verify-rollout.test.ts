import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapHash, envVarName } from '../../src/core/kube/reloader.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { faultProxy, hostile, injectedCommands, type FaultDecision, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { errorLines, findLeaks, runAction, type ActionRun } from '../helpers/run-action.js';
import { NORTH, until, WEST } from '../verify-rollout/clients.js';

/**
 * The fault matrix of verify-rollout: each test drives the bundled dist/verify-rollout/index.js as the runner
 * does, against the Kubernetes emulator, through a proxy that injects the fault (a hang, a 403, a 5xx burst,
 * hostile server text). Each checks the exit code, that the `timeout` input held as a deadline, that nothing
 * was written where nothing should change, that no server text became a workflow command, and that no
 * credential of the ConfigMap was shown.
 */

const CONFIG = 'client-config';
const ENV = envVarName(CONFIG, 'CONFIGMAP');
const RELOAD = 'configmap.reloader.stakater.com/reload';
type Cluster = typeof NORTH;

let kube: KubeEmulator;
let proxy: FaultProxy | undefined;
let nsCounter = 0;

beforeAll(async () => {
  kube = await startKube({ podReadyDelayMs: 150 });
});
afterAll(async () => kube.close());
afterEach(async () => {
  kube.setReloader(true);
  await proxy?.close();
  proxy = undefined;
});

/** A fresh namespace. */
function freshNamespace(prefix: string): string {
  const name = `${prefix}-${++nsCounter}`;
  kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** The clients' ConfigMap for a cluster: its credentials are what must never be shown. */
function clientConfig(namespace: string, c: Cluster, name = CONFIG): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { 'bootstrap.servers': c.CCLOUD_URL, 'sasl.username': c.CCLOUD_APIKEY, 'sasl.password': c.CCLOUD_PASSWD },
  };
}

/** A one-replica client Deployment reading the ConfigMap through envFrom, rolled by Reloader's named reload list. */
function client(
  namespace: string,
  name: string,
  o: { reload?: string; initContainers?: object[]; annotations?: Record<string, string>; config?: string } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, annotations: o.annotations ?? { [RELOAD]: o.reload ?? CONFIG } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(o.initContainers ? { initContainers: o.initContainers } : {}),
          containers: [{ name: 'app', image: `registry.local/${name}:1.0`, envFrom: [{ configMapRef: { name: o.config ?? CONFIG } }] }],
        },
      },
    },
  };
}

type Dep = {
  metadata: { generation: number };
  spec: {
    replicas: number;
    template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } };
  };
  status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
};
const dep = (namespace: string, name: string) => kube.get('Deployment', namespace, name) as Dep;
function rolledOut(namespace: string, name: string): boolean {
  const d = dep(namespace, name);
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= d.metadata.generation && s.updatedReplicas === 1 && s.availableReplicas === 1 && s.replicas === 1;
}
const envOf = (namespace: string, name: string) =>
  dep(namespace, name)
    .spec.template.spec.containers.flatMap((c) => c.env ?? [])
    .find((e) => e.name === ENV)?.value;
const hashOf = (c: Cluster) => configMapHash(clientConfig('x', c) as { data: Record<string, string> });

/** The `bootstrap.servers` each running pod of a Deployment read when it started (what it is connected to). */
function podConfigs(): { running: (owner: string) => string[]; stop: () => void } {
  const pods = new Map<string, { owner: string; cluster: string }>();
  const stop = kube.onPod((event, pod, mounted) => {
    const key = `${pod.namespace}/${pod.name}`;
    if (event === 'deleted') pods.delete(key);
    else if (event === 'started') pods.set(key, { owner: `${pod.namespace}/${pod.owner}`, cluster: mounted.env['bootstrap.servers'] ?? '' });
  });
  return { running: (owner) => [...pods.values()].filter((p) => p.owner === owner).map((p) => p.cluster), stop };
}

/** Starts a fault proxy in front of the emulator and writes a kubeconfig pointing at it. */
async function through(rule?: (req: ProxiedRequest, n: number) => FaultDecision): Promise<{ proxy: FaultProxy; kubeconfig: string }> {
  proxy = await faultProxy(kube.url, rule);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'fault-kube-')), 'kubeconfig');
  writeFileSync(kubeconfig, kube.kubeconfig().split(kube.url).join(proxy.url), { mode: 0o600 });
  return { proxy, kubeconfig };
}

/** Event lists get one more event about `workload` whose message is hostile text. */
function withHostileEvent(namespace: string, workload: string) {
  return (req: ProxiedRequest): FaultDecision => {
    if (req.method !== 'GET' || !req.path.startsWith(`/api/v1/namespaces/${namespace}/events`) || req.path.includes('watch=')) return 'pass';
    return {
      rewrite: (body) => {
        const list = JSON.parse(body) as { items: object[] };
        list.items.push({
          metadata: { name: `${workload}.hostile`, namespace },
          involvedObject: { kind: 'Deployment', name: workload, namespace },
          reason: 'Hostile',
          message: hostile(),
          type: 'Warning',
          count: 1,
          lastTimestamp: new Date().toISOString(),
        });
        return JSON.stringify(list);
      },
    };
  };
}

interface Timed extends ActionRun {
  ms: number;
}

async function verify(kubeconfig: string, inputs: Record<string, string>, limitMs = 40_000): Promise<Timed> {
  const started = Date.now();
  const run = await runAction('verify-rollout', { inputs: { kubeconfig, ...inputs }, timeoutMs: limitMs });
  return { ...run, ms: Date.now() - started };
}

const rows = (run: ActionRun) =>
  (JSON.parse(run.outputs.workloads ?? '[]') as Array<{ name: string; result: string; strategy: string | null; reason: string }>).sort((a, b) =>
    a.name.localeCompare(b.name),
  );

/** What every run must hold: the deadline, no write unless expected, no injected command, no credential shown. */
function expectSafe(run: Timed, o: { timeoutS: number; mutating?: string[] }): void {
  expect(run.ms).toBeLessThan((o.timeoutS + 5) * 1000);
  expect((proxy?.mutating() ?? []).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(o.mutating ?? []);
  expect(injectedCommands(run.stdout)).toEqual([]);
  const visible = run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expect(findLeaks(visible, [NORTH.CCLOUD_PASSWD, WEST.CCLOUD_PASSWD, NORTH.CCLOUD_APIKEY, WEST.CCLOUD_APIKEY])).toEqual([]);
}

describe('verify-rollout fault matrix (bundled action, Kubernetes emulator, fault proxy)', () => {
  it('1: a switch out and back is not verified by a stale marker when a later restart put the pods on other data', async () => {
    const ns = freshNamespace('flip');
    const pods = podConfigs();
    try {
      kube.apply([clientConfig(ns, WEST), client(ns, 'producer')]);
      await until(() => rolledOut(ns, 'producer'), 'the first rollout');
      // Switch to north with Reloader working: the template gets STAKATER_CLIENT_CONFIG_CONFIGMAP=<north hash>.
      kube.apply(clientConfig(ns, NORTH));
      await until(() => envOf(ns, 'producer') === hashOf(NORTH) && rolledOut(ns, 'producer'), 'Reloader rolling to north');
      // Reloader stops acting; switch to west and let verify-rollout restart the workload.
      kube.setReloader(false);
      kube.apply(clientConfig(ns, WEST));
      const { kubeconfig: direct } = await through();
      const restart = await verify(direct, { namespace: ns, configmap: CONFIG, timeout: '20s', 'reload-grace': '500ms', 'restart-if-not-reloaded': 'true' });
      expect(rows(restart).map((r) => [r.name, r.result])).toEqual([['producer', 'restarted']]);
      await until(() => rolledOut(ns, 'producer') && pods.running(`${ns}/Deployment/producer`).length === 1, 'the restart');
      expect(envOf(ns, 'producer')).toBe(hashOf(NORTH));
      await proxy!.close();
      // Switch back to north. Reloader is back, but the variable already holds the north hash: it rolls nothing.
      kube.setReloader(true);
      kube.apply(clientConfig(ns, NORTH));
      await new Promise((r) => setTimeout(r, 300));
      expect(pods.running(`${ns}/Deployment/producer`)).toEqual([WEST.CCLOUD_URL]);

      const { kubeconfig } = await through(withHostileEvent(ns, 'producer'));
      const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s', 'reload-grace': '2s' });
      expect(run.code).toBe(1);
      const error = errorLines(run).join('\n');
      expect(error).toContain(`${ns}/Deployment/producer`);
      expect(error).toContain(`restarted for ConfigMap ${CONFIG} at hash ${hashOf(WEST)}`);
      expect(rows(run).map((r) => [r.name, r.result])).toEqual([['producer', 'failed']]);
      expect(pods.running(`${ns}/Deployment/producer`)).toEqual([WEST.CCLOUD_URL]);
      expectSafe(run, { timeoutS: 10 });

      // Allowed to restart, it restarts the workload onto north and only then says so.
      await proxy!.close();
      const { kubeconfig: again } = await through();
      const fixed = await verify(again, { namespace: ns, configmap: CONFIG, timeout: '10s', 'reload-grace': '1s', 'restart-if-not-reloaded': 'true' });
      expect(errorLines(fixed)).toEqual([]);
      expect(fixed.code).toBe(0);
      expect(rows(fixed).map((r) => [r.name, r.result, r.strategy])).toEqual([['producer', 'restarted', 'restart']]);
      expectSafe(fixed, { timeoutS: 10, mutating: [`PATCH /apis/apps/v1/namespaces/${ns}/deployments/producer`] });
      await until(() => pods.running(`${ns}/Deployment/producer`).length === 1, 'the old pod gone');
      expect(pods.running(`${ns}/Deployment/producer`)).toEqual([NORTH.CCLOUD_URL]);
    } finally {
      pods.stop();
    }
  });

  it('2: a Reloader hash collision is announced on the ConfigMap and the old marker is then no proof', async () => {
    const ns = freshNamespace('collide');
    kube.apply([{ ...clientConfig(ns, NORTH), data: { a: 'b', c: 'd' } }, client(ns, 'producer')]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    kube.apply({ ...clientConfig(ns, NORTH), data: { a: 'x' } });
    kube.apply({ ...clientConfig(ns, NORTH), data: { a: 'b', c: 'd' } });
    const hash = configMapHash({ data: { a: 'b', c: 'd' } });
    await until(() => envOf(ns, 'producer') === hash && rolledOut(ns, 'producer'), 'Reloader rolling to {a: b, c: d}');
    // Different data, same Reloader hash (`a=b;c=d`): Reloader sees no change. swap-configmap writes it with the
    // collision recorded (its restart is in test/faults/kube-client.test.ts); here no restart happened.
    expect(configMapHash({ data: { a: 'b;c=d' } })).toBe(hash);
    const swapped = kube.apply({
      ...clientConfig(ns, NORTH),
      metadata: { name: CONFIG, namespace: ns, annotations: { 'ccloud-dr-actions/hash-collision': JSON.stringify({ hash, data: 'sha256:unknown' }) } },
      data: { a: 'b;c=d' },
    });
    expect(swapped).toHaveLength(1);
    const { kubeconfig } = await through(withHostileEvent(ns, 'producer'));
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s', 'reload-grace': '1s' });
    expect(run.code).toBe(1);
    const error = errorLines(run).join('\n');
    expect(error).toContain(`${ns}/Deployment/producer`);
    expect(error).toContain('collision');
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([['producer', 'failed']]);
    expectSafe(run, { timeoutS: 10 });
  });

  it('3a: the ConfigMap deleted while waiting fails the step at once, naming it', async () => {
    const ns = freshNamespace('gone');
    kube.apply([clientConfig(ns, NORTH), client(ns, 'producer')]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    kube.setReloader(false);
    kube.apply(clientConfig(ns, WEST));
    const { kubeconfig } = await through(withHostileEvent(ns, 'producer'));
    const deleting = setTimeout(() => void fetch(`${kube.url}/api/v1/namespaces/${ns}/configmaps/${CONFIG}`, { method: 'DELETE' }), 1500);
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s', 'reload-grace': '9s' });
    clearTimeout(deleting);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain(`ConfigMap ${CONFIG} was deleted from namespace ${ns}`);
    // Noticed within a few seconds of the deletion, not at reload-grace (9 s) or the timeout.
    expect(run.ms).toBeLessThan(8000);
    expectSafe(run, { timeoutS: 10 });
  });

  it('3b: a forbidden workload listing fails, naming the permission, instead of verifying nothing', async () => {
    const ns = freshNamespace('forbid');
    kube.apply([clientConfig(ns, NORTH), client(ns, 'producer')]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    const { kubeconfig } = await through((req) =>
      req.method === 'GET' && req.path.startsWith(`/apis/apps/v1/namespaces/${ns}/statefulsets`)
        ? {
            status: 403,
            body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: hostile() }),
          }
        : 'pass',
    );
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s' });
    expect(run.code).toBe(1);
    const error = errorLines(run).join('\n');
    expect(error).toContain(`list statefulsets (API group apps) in namespace ${ns}`);
    expect(run.outputs.workloads).toBeUndefined();
    expectSafe(run, { timeoutS: 10 });
  });

  it('3c: a burst of 5xx answers while waiting is retried with backoff until the deadline', async () => {
    const ns = freshNamespace('burst');
    kube.apply([
      clientConfig(ns, NORTH),
      client(ns, 'producer'),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'ledger', namespace: ns, annotations: { [RELOAD]: CONFIG } },
        spec: {
          replicas: 1,
          serviceName: 'ledger',
          updateStrategy: { type: 'RollingUpdate' },
          selector: { matchLabels: { app: 'ledger' } },
          template: {
            metadata: { labels: { app: 'ledger' } },
            spec: { containers: [{ name: 'app', image: 'registry.local/ledger:1.0', envFrom: [{ configMapRef: { name: CONFIG } }] }] },
          },
        },
      },
    ]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    // Without Reloader: the StatefulSet is rolled by hand (current at once, its revision names made hostile on the
    // wire), the Deployment waits for reload-grace and is restarted while the watches get 503 for 8 s.
    kube.setReloader(false);
    kube.apply(clientConfig(ns, WEST));
    const sts = kube.get('StatefulSet', ns, 'ledger') as { spec: { template: { spec: { containers: Array<{ env?: object[] }> } } } };
    sts.spec.template.spec.containers[0].env = [{ name: ENV, value: hashOf(WEST) }];
    kube.apply(sts);
    await until(() => {
      // Settled, observed generation included: under load the controller's status can trail the revisions, and the
      // StatefulSet must already be current when verify-rollout starts for this case to mean what it says.
      const s = kube.get('StatefulSet', ns, 'ledger') as {
        metadata: { generation?: number };
        status?: { readyReplicas?: number; updatedReplicas?: number; observedGeneration?: number; currentRevision?: string; updateRevision?: string };
      };
      return (
        s.status?.readyReplicas === 1 &&
        s.status.updatedReplicas === 1 &&
        s.status.observedGeneration === s.metadata.generation &&
        s.status.currentRevision === s.status.updateRevision
      );
    }, 'the StatefulSet rollout');
    let burstFrom = 0;
    const { kubeconfig } = await through((req) => {
      if (req.method !== 'GET' || !req.path.includes(`/namespaces/${ns}/`)) return 'pass';
      if (req.path.includes('watch=true') && burstFrom === 0) burstFrom = req.at;
      if (burstFrom && req.at - burstFrom < 8000) return { status: 503, body: JSON.stringify({ kind: 'Status', code: 503, message: hostile() }) };
      if (req.path.startsWith(`/apis/apps/v1/namespaces/${ns}/statefulsets`) && !req.path.includes('watch=')) {
        return {
          rewrite: (body) => body.replace(/"(currentRevision|updateRevision)":"[^"]*"/g, (_m, field: string) => `"${field}":${JSON.stringify(hostile())}`),
        };
      }
      return 'pass';
    });
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '20s', 'reload-grace': '3s', 'restart-if-not-reloaded': 'true' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([
      ['ledger', 'already-current'],
      ['producer', 'restarted'],
    ]);
    // The burst was outlasted by retrying, well before the deadline.
    expect(run.ms).toBeGreaterThan(8000);
    expectSafe(run, { timeoutS: 20, mutating: [`PATCH /apis/apps/v1/namespaces/${ns}/deployments/producer`] });
  });

  it('4a: a Kubernetes API that accepts and never answers cannot hold the step past its timeout', async () => {
    const ns = freshNamespace('hang');
    kube.apply([clientConfig(ns, NORTH), client(ns, 'producer')]);
    const { kubeconfig } = await through(() => ({ hang: true }));
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s' }, 20_000);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('did not answer');
    expectSafe(run, { timeoutS: 10 });
  });

  it('4b: a watch whose connection never answers ends at the deadline', async () => {
    const ns = freshNamespace('hangwatch');
    kube.apply([clientConfig(ns, NORTH), client(ns, 'producer')]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    kube.setReloader(false);
    kube.apply(clientConfig(ns, WEST));
    const { kubeconfig } = await through((req) => (req.path.includes('watch=true') ? { hang: true } : 'pass'));
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '5s', 'reload-grace': '4s' }, 20_000);
    expect(run.code).toBe(1);
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([['producer', 'failed']]);
    expectSafe(run, { timeoutS: 5 });
  });

  it('4c: a restart PATCH that never answers ends at the deadline', async () => {
    const ns = freshNamespace('hangpatch');
    kube.apply([clientConfig(ns, NORTH), client(ns, 'producer')]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    kube.setReloader(false);
    kube.apply(clientConfig(ns, WEST));
    const { kubeconfig } = await through((req) => (req.method === 'PATCH' ? { hang: true } : 'pass'));
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '6s', 'reload-grace': '1s', 'restart-if-not-reloaded': 'true' }, 20_000);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('did not answer');
    // The PATCH was sent (and never answered): the only write.
    expectSafe(run, { timeoutS: 6, mutating: [`PATCH /apis/apps/v1/namespaces/${ns}/deployments/producer`] });
  });

  it('15: reload patterns are Go RE2 (POSIX classes, Unicode classes), and a pattern Go rejects is a Reloader crash', async () => {
    const ns = freshNamespace('re2');
    kube.apply([
      clientConfig(ns, NORTH, 'kafka-config'),
      client(ns, 'alnum-client', { reload: 'kafka-[[:alnum:]]+', config: 'kafka-config' }),
      client(ns, 'letters-client', { reload: 'kafka-\\pL+', config: 'kafka-config' }),
      client(ns, 'repeat-client', { reload: 'a{1001},kafka-config', config: 'kafka-config' }),
    ]);
    await until(() => ['alnum-client', 'letters-client', 'repeat-client'].every((n) => rolledOut(ns, n)), 'the first rollouts');
    kube.apply(clientConfig(ns, WEST, 'kafka-config'));
    const { kubeconfig } = await through(withHostileEvent(ns, 'repeat-client'));
    const run = await verify(kubeconfig, { namespace: ns, configmap: 'kafka-config', timeout: '10s' });
    expect(run.code).toBe(1);
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([
      ['alnum-client', expect.stringMatching(/^(rolled|already-current)$/)],
      ['letters-client', expect.stringMatching(/^(rolled|already-current)$/)],
      ['repeat-client', 'failed'],
    ]);
    const error = errorLines(run).join('\n');
    expect(error).toContain(`${ns}/Deployment/repeat-client: Reloader will crash on this annotation`);
    expect(error).toContain('a{1001}');
    expectSafe(run, { timeoutS: 10 });
  });

  it('16: Jobs and CronJobs that Reloader rolls for the object are reported by name as not verified', async () => {
    const ns = freshNamespace('batch');
    const podSpec = {
      restartPolicy: 'Never',
      containers: [{ name: 'app', image: 'registry.local/report:1.0', envFrom: [{ configMapRef: { name: CONFIG } }] }],
    };
    kube.apply([
      clientConfig(ns, NORTH),
      client(ns, 'producer'),
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly-report', namespace: ns, annotations: { [RELOAD]: CONFIG } },
        spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: podSpec } } } },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'backfill', namespace: ns, annotations: { 'reloader.stakater.com/auto': 'true' } },
        spec: { template: { spec: podSpec } },
      },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'unrelated', namespace: ns }, spec: { template: { spec: podSpec } } },
    ]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    kube.apply(clientConfig(ns, WEST));
    const { kubeconfig } = await through();
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
    expect(warnings.join('\n')).toContain(`${ns}/CronJob/nightly-report`);
    expect(warnings.join('\n')).toContain(`${ns}/Job/backfill`);
    expect(warnings.join('\n')).not.toContain('unrelated');
    expect(run.summary).toContain('CronJob/nightly-report');
    expectSafe(run, { timeoutS: 10 });

    // Without list permission on batch, it is a warning naming the permission; the verification itself passes.
    await proxy!.close();
    kube.apply(clientConfig(ns, NORTH));
    const { kubeconfig: forbidden } = await through((req) =>
      req.path.startsWith(`/apis/batch/v1/namespaces/${ns}/`)
        ? { status: 403, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: hostile() }) }
        : 'pass',
    );
    const again = await verify(forbidden, { namespace: ns, configmap: CONFIG, timeout: '10s' });
    expect(errorLines(again)).toEqual([]);
    expect(again.code).toBe(0);
    const warned = again.stdout.split('\n').filter((l) => l.startsWith('::warning'));
    expect(warned.join('\n')).toContain(`list jobs (API group batch) in namespace ${ns}`);
    expectSafe(again, { timeoutS: 10 });
  });

  it('17: a marker in an init container is no proof: Reloader writes markers only into containers[]', async () => {
    const ns = freshNamespace('init');
    kube.setReloader(false);
    kube.apply([
      clientConfig(ns, WEST),
      client(ns, 'producer', { initContainers: [{ name: 'wait', image: 'busybox:1.36', env: [{ name: ENV, value: hashOf(WEST) }] }] }),
    ]);
    await until(() => rolledOut(ns, 'producer'), 'the first rollout');
    const { kubeconfig } = await through(withHostileEvent(ns, 'producer'));
    const run = await verify(kubeconfig, { namespace: ns, configmap: CONFIG, timeout: '10s', 'reload-grace': '1s' });
    expect(run.code).toBe(1);
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([['producer', 'failed']]);
    expect(errorLines(run).join('\n')).toContain('Reloader did not roll it within reload-grace');
    expectSafe(run, { timeoutS: 10 });
  });
});
