import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyRollout, type VerifySettings } from '../../src/actions/verify-rollout/verify.js';
import { ActionError } from '../../src/core/errors.js';
import { connectKube, resolveKubeconfig, type KubeClients } from '../../src/core/kube/client.js';
import { configMapHash } from '../../src/core/kube/reloader.js';
import { RESTARTED_AT } from '../../src/core/kube/restart.js';
import { systemClock } from '../../src/core/time.js';
import { CollectionWatch } from '../../src/actions/verify-rollout/watch.js';
import type { Workload } from '../../src/core/kube/workload.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { deployment, kafkaProxyConfig, noProxyClients, noProxyConfig, proxyClients, secretClients, settled, WEST } from './clients.js';

const quiet = { info: () => {}, warning: () => {}, debug: () => {} };
const base = (more: Partial<VerifySettings>): VerifySettings => ({
  namespaces: ['clients'],
  timeoutMs: 20_000,
  graceMs: 5_000,
  restartIfNotReloaded: false,
  clock: systemClock,
  logger: quiet,
  mask: () => {},
  ...more,
});
const proxyConfig = { kind: 'ConfigMap' as const, name: 'kafka-proxy-config' };

/** Requests by kind: plain GETs, watches, writes. */
function counts(kube: KubeEmulator) {
  const r = kube.requests();
  return {
    gets: r.filter((x) => x.method === 'GET' && !x.watch).map((x) => x.path),
    watches: r.filter((x) => x.watch).map((x) => x.path),
    writes: r.filter((x) => x.method !== 'GET').map((x) => `${x.method} ${x.path}`),
  };
}

describe('verify-rollout with Reloader (env-vars strategy)', () => {
  let kube: KubeEmulator;
  let clients: KubeClients;
  beforeAll(async () => {
    // Rollouts take a few hundred ms, so a verification started right after a change sees them in progress.
    kube = await startKube({ podReadyDelayMs: 100 });
    kube.apply([
      ...proxyClients('clients'),
      ...noProxyClients('nproxy-clients'),
      ...secretClients('vault'),
      ...proxyClients('clients-b'),
      ...proxyClients('crash', { replicas: 1 }),
    ]);
    kube.apply([...proxyClients('deadline', { replicas: 1, progressDeadlineSeconds: 1 })]);
    await settled(kube, ['clients', 'nproxy-clients', 'vault', 'clients-b', 'crash', 'deadline']);
    clients = await connectKube(resolveKubeconfig(kube.kubeconfigPath));
  });
  afterAll(async () => kube.close());

  it('proxy clients: both Deployments rolled with the new hash; one watch per namespace and kind, no per-workload request', async () => {
    kube.apply(kafkaProxyConfig('clients', WEST));
    kube.resetRequests();
    const report = await verifyRollout(clients, base({ resource: proxyConfig }));
    expect(report.ok).toBe(true);
    expect(report.hashes.clients).toBe(configMapHash(kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as { data: Record<string, string> }));
    expect(report.workloads.map((w) => [w.name, w.result, w.strategy]).sort()).toEqual([
      ['java-cloud-consumer', 'rolled', 'env-vars'],
      ['java-cloud-producer', 'rolled', 'env-vars'],
    ]);
    for (const w of report.workloads) expect(w.seconds).toBeGreaterThan(0);
    const c = counts(kube);
    expect(c.gets.sort()).toEqual([
      '/api/v1/namespaces/clients/configmaps/kafka-proxy-config',
      '/apis/apps/v1/namespaces/clients/daemonsets',
      '/apis/apps/v1/namespaces/clients/deployments',
      '/apis/apps/v1/namespaces/clients/statefulsets',
      // What Reloader also rolls, to report (not verify): Jobs and CronJobs.
      '/apis/batch/v1/namespaces/clients/cronjobs',
      '/apis/batch/v1/namespaces/clients/jobs',
    ]);
    expect(c.watches).toEqual(['/apis/apps/v1/namespaces/clients/deployments']);
    expect(c.writes).toEqual([]);
  });

  it('a re-run with unchanged data passes at once: already current, no watch at all', async () => {
    kube.resetRequests();
    const report = await verifyRollout(clients, base({ resource: proxyConfig }));
    expect(report.workloads.map((w) => w.result)).toEqual(['already-current', 'already-current']);
    expect(counts(kube).watches).toEqual([]);
    expect(counts(kube).gets).toHaveLength(6);
  });

  it('requests grow with namespaces x kinds, not with workloads: 6 workloads cost what 2 do', async () => {
    kube.apply(
      [deployment('clients-b', 'extra-1'), deployment('clients-b', 'extra-2'), deployment('clients-b', 'extra-3'), deployment('clients-b', 'extra-4')].map(
        (d) => ({
          ...d,
          metadata: { ...(d as { metadata: object }).metadata, annotations: { 'configmap.reloader.stakater.com/reload': 'kafka-proxy-config' } },
        }),
      ),
    );
    await settled(kube, ['clients-b']);
    kube.apply(kafkaProxyConfig('clients-b', WEST));
    kube.resetRequests();
    const report = await verifyRollout(clients, base({ namespaces: ['clients-b'], resource: proxyConfig }));
    expect(report.workloads).toHaveLength(6);
    expect(report.workloads.every((w) => w.result === 'rolled')).toBe(true);
    const c = counts(kube);
    expect(c.gets).toHaveLength(6);
    expect(c.watches).toEqual(['/apis/apps/v1/namespaces/clients-b/deployments']);
  });

  it('several namespaces in one run', async () => {
    kube.apply([
      kafkaProxyConfig('clients', { ...WEST, CCLOUD_URL: 'west-2.kafka.local:9092' }),
      kafkaProxyConfig('clients-b', { ...WEST, CCLOUD_URL: 'west-2.kafka.local:9092' }),
    ]);
    kube.resetRequests();
    const report = await verifyRollout(clients, base({ namespaces: ['clients', 'clients-b'], resource: proxyConfig }));
    expect(report.ok).toBe(true);
    expect(report.workloads).toHaveLength(8);
    expect(Object.keys(report.hashes).sort()).toEqual(['clients', 'clients-b']);
    expect(counts(kube).gets).toHaveLength(12);
    expect(counts(kube).watches.sort()).toEqual(['/apis/apps/v1/namespaces/clients-b/deployments', '/apis/apps/v1/namespaces/clients/deployments']);
  });

  it('no-proxy clients: search/match selects the producer, auto the consumer', async () => {
    kube.apply([
      noProxyConfig('nproxy-clients', 'java-cloud-producer-noproxy-config', WEST, true),
      noProxyConfig('nproxy-clients', 'java-cloud-consumer-noproxy-config', WEST, false),
    ]);
    const producer = await verifyRollout(
      clients,
      base({ namespaces: ['nproxy-clients'], resource: { kind: 'ConfigMap', name: 'java-cloud-producer-noproxy-config' } }),
    );
    const consumer = await verifyRollout(
      clients,
      base({ namespaces: ['nproxy-clients'], resource: { kind: 'ConfigMap', name: 'java-cloud-consumer-noproxy-config' } }),
    );
    expect(producer.workloads.map((w) => [w.name, w.result])).toEqual([['java-cloud-producer-noproxy', expect.stringMatching(/rolled|already-current/)]]);
    expect(consumer.workloads.map((w) => [w.name, w.result])).toEqual([['java-cloud-consumer-noproxy', expect.stringMatching(/rolled|already-current/)]]);
  });

  it('a Secret holding the API key, its values masked as they are read', async () => {
    kube.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ccloud-api-key', namespace: 'vault' },
      type: 'Opaque',
      stringData: { username: WEST.CCLOUD_APIKEY, password: WEST.CCLOUD_PASSWD },
    });
    const masked: string[] = [];
    const report = await verifyRollout(
      clients,
      base({ namespaces: ['vault'], resource: { kind: 'Secret', name: 'ccloud-api-key' }, mask: (v) => masked.push(v) }),
    );
    expect(report.workloads.map((w) => [w.name, w.result, w.strategy])).toEqual([['java-cloud-streams', 'rolled', 'env-vars']]);
    expect(masked.sort()).toEqual([WEST.CCLOUD_APIKEY, WEST.CCLOUD_PASSWD].sort());
  });

  it('explicit workloads without a ConfigMap: only their rollout is checked', async () => {
    const report = await verifyRollout(clients, base({ workloads: [{ namespace: 'clients', kind: 'Deployment', name: 'java-cloud-producer' }] }));
    expect(report.workloads.map((w) => [w.name, w.result, w.strategy])).toEqual([['java-cloud-producer', 'already-current', 'none']]);
  });

  it('a crash-looping new version fails once, with the reason, while the healthy one passes', async () => {
    kube.setPodFault('crash', 'java-cloud-producer', 'CrashLoopBackOff');
    kube.apply(kafkaProxyConfig('crash', WEST));
    const report = await verifyRollout(clients, base({ namespaces: ['crash'], resource: proxyConfig, timeoutMs: 1500 }));
    expect(report.ok).toBe(false);
    const producer = report.workloads.find((w) => w.name === 'java-cloud-producer')!;
    const consumer = report.workloads.find((w) => w.name === 'java-cloud-consumer')!;
    expect(consumer.result).toBe('rolled');
    expect(producer).toMatchObject({ result: 'failed', strategy: 'env-vars', seconds: null });
    expect(producer.reason).toMatch(/^Waiting for deployment "java-cloud-producer" rollout to finish/);
    const details = producer.details!.join('\n');
    expect(details).toMatch(/pod java-cloud-producer-[a-z0-9]+-[a-z0-9]+: container \S+ CrashLoopBackOff/);
    expect(details).toContain('recent events:');
    expect(details).toContain('BackOff');
    kube.setPodFault('crash', 'java-cloud-producer', null);
  });

  it('ProgressDeadlineExceeded fails before the timeout, naming ImagePullBackOff', async () => {
    kube.setPodFault('deadline', 'java-cloud-consumer', 'ImagePullBackOff');
    kube.apply(kafkaProxyConfig('deadline', WEST));
    const started = Date.now();
    const report = await verifyRollout(clients, base({ namespaces: ['deadline'], resource: proxyConfig, timeoutMs: 30_000 }));
    expect(Date.now() - started).toBeLessThan(15_000);
    const consumer = report.workloads.find((w) => w.name === 'java-cloud-consumer')!;
    expect(consumer).toMatchObject({ result: 'failed', reason: 'deployment "java-cloud-consumer" exceeded its progress deadline' });
    expect(consumer.details!.join('\n')).toMatch(/(ImagePullBackOff|ErrImagePull)/);
  });

  it('refuses to start when there is nothing to verify', async () => {
    await expect(verifyRollout(clients, base({ resource: { kind: 'ConfigMap', name: 'nope' } }))).rejects.toThrow(
      'ConfigMap nope does not exist in namespace clients',
    );
    kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unused', namespace: 'clients' }, data: { a: '1' } });
    const err = (await verifyRollout(clients, base({ resource: { kind: 'ConfigMap', name: 'unused' } })).catch((e: ActionError) => e)) as ActionError;
    expect(err.describe()).toContain('no workload in namespace clients is rolled by Reloader for ConfigMap unused');
    await expect(verifyRollout(clients, base({ workloads: [{ namespace: 'clients', kind: 'StatefulSet', name: 'ghost' }] }))).rejects.toThrow(
      'StatefulSet ghost does not exist in namespace clients',
    );
  });
});

describe('verify-rollout without Reloader', () => {
  let kube: KubeEmulator;
  let clients: KubeClients;
  beforeAll(async () => {
    kube = await startKube({ podReadyDelayMs: 30, reloader: false });
    kube.apply([...proxyClients('clients'), ...proxyClients('paused', { replicas: 1 })]);
    await settled(kube, ['clients', 'paused']);
    clients = await connectKube(resolveKubeconfig(kube.kubeconfigPath));
  });
  afterAll(async () => kube.close());

  it('fails after reload-grace, saying Reloader did not act and what to do', async () => {
    kube.apply(kafkaProxyConfig('clients', WEST));
    kube.resetRequests();
    const report = await verifyRollout(clients, base({ resource: proxyConfig, graceMs: 300 }));
    expect(report.ok).toBe(false);
    expect(report.durationMs).toBeLessThan(5000);
    for (const w of report.workloads) {
      expect(w.result).toBe('failed');
      expect(w.reason).toContain('Reloader did not roll it within reload-grace (0s): its pod template has neither STAKATER_KAFKA_PROXY_CONFIG_CONFIGMAP=');
      expect(w.reason).toContain('Set restart-if-not-reloaded: true');
    }
    expect(counts(kube).writes).toEqual([]);
  });

  it('with restart-if-not-reloaded: restarts like kubectl rollout restart, verifies, and a re-run is current at once', async () => {
    kube.resetRequests();
    const report = await verifyRollout(clients, base({ resource: proxyConfig, graceMs: 200, restartIfNotReloaded: true }));
    expect(report.workloads.map((w) => [w.name, w.result, w.strategy]).sort()).toEqual([
      ['java-cloud-consumer', 'restarted', 'restart'],
      ['java-cloud-producer', 'restarted', 'restart'],
    ]);
    expect(counts(kube).writes.sort()).toEqual([
      'PATCH /apis/apps/v1/namespaces/clients/deployments/java-cloud-consumer',
      'PATCH /apis/apps/v1/namespaces/clients/deployments/java-cloud-producer',
    ]);
    const d = kube.get('Deployment', 'clients', 'java-cloud-producer') as Workload;
    expect(d.spec?.template?.metadata?.annotations?.[RESTARTED_AT]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    kube.resetRequests();
    const rerun = await verifyRollout(clients, base({ resource: proxyConfig, graceMs: 200, restartIfNotReloaded: true }));
    expect(rerun.workloads.map((w) => w.result)).toEqual(['already-current', 'already-current']);
    expect(counts(kube).writes).toEqual([]);
  });

  it('refuses to restart a paused Deployment, as kubectl does', async () => {
    const d = kube.get('Deployment', 'paused', 'java-cloud-producer') as Workload;
    kube.apply({ ...d, spec: { ...d.spec, paused: true } });
    kube.apply(kafkaProxyConfig('paused', WEST));
    const report = await verifyRollout(clients, base({ namespaces: ['paused'], resource: proxyConfig, graceMs: 200, restartIfNotReloaded: true }));
    const producer = report.workloads.find((w) => w.name === 'java-cloud-producer')!;
    expect(producer.result).toBe('failed');
    expect(producer.reason).toContain("can't restart paused deployment (run rollout resume first)");
    expect(report.workloads.find((w) => w.name === 'java-cloud-consumer')!.result).toBe('restarted');
  });
});

describe('watches', () => {
  let kube: KubeEmulator;
  let clients: KubeClients;
  beforeAll(async () => {
    kube = await startKube({ podReadyDelayMs: 400, reloader: { strategy: 'annotations' }, eventHistory: 5 });
    kube.apply(proxyClients('clients', { replicas: 1 }));
    await settled(kube, ['clients']);
    clients = await connectKube(resolveKubeconfig(kube.kubeconfigPath));
  });
  afterAll(async () => kube.close());

  it('annotations strategy, and watches that end (client inactivity, server timeout) resume without losing the rollout', async () => {
    kube.apply(kafkaProxyConfig('clients', WEST));
    const report = await verifyRollout(clients, base({ resource: proxyConfig, watch: { inactivityMs: 150 } }));
    expect(report.workloads.map((w) => [w.result, w.strategy])).toEqual([
      ['rolled', 'annotations'],
      ['rolled', 'annotations'],
    ]);
    // Pods take 400 ms to become ready: the 150 ms inactivity timeout fires during the rollout.
    expect(report.watch.timeouts).toBeGreaterThanOrEqual(1);
    // Every watch but the last (stopped when done) ended one way or another and was resumed.
    const w = report.watch;
    expect(w.failures).toBe(0);
    expect(w.watches).toBe(w.timeouts + w.closed + w.gone + 1);
  });

  it('a 410 Gone (resourceVersion too old) re-lists and resumes', async () => {
    // Enough Deployment events to push resourceVersion 1 out of the emulator's 5-event history.
    for (let i = 0; i < 4; i++) kube.apply(deployment('clients', `churn-${i}`, { replicas: 1 }));
    // Until the controllers are done with them: a status update during the re-list would expire its resourceVersion
    // too (a second, real 410, seen on a loaded machine), and this test is about the one provoked here.
    await settled(kube, ['clients']);
    const seen: string[] = [];
    const watch = new CollectionWatch(clients, {
      namespace: 'clients',
      kind: 'Deployment',
      resourceVersion: '1',
      clock: systemClock,
      logger: quiet,
      onObject: (o, type) => seen.push(`${type} ${o.metadata.name}`),
      onFatal: (e) => seen.push(`fatal ${e.message}`),
    });
    watch.start();
    const end = Date.now() + 5000;
    while (watch.stats.relists < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await watch.stop();
    expect(watch.stats).toMatchObject({ gone: 1, relists: 1, failures: 0 });
    expect(seen).toEqual(expect.arrayContaining(['MODIFIED java-cloud-producer', 'MODIFIED churn-3']));
  });
});
