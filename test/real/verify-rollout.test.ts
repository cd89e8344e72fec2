import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RESTARTED_AT } from '../../src/core/kube/restart.js';
import { configMapHash } from '../../src/core/kube/reloader.js';
import { loadManifests } from '../../src/playground/drill/topology.js';
import { errorLines, findLeaks, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js';
import { kafkaProxyConfig, NORTH, proxyClients, secretClients, WEST } from '../verify-rollout/clients.js';
import { apiProxy, proxyKubeconfig, type ApiProxy } from './api-proxy.js';
import { reloaderInUse, startReal, type Obj, type RealFixture } from './fixture.js';

/**
 * The bundled dist/verify-rollout/index.js, run as the runner runs it, against the real control plane:
 * the real deployment, ReplicaSet, StatefulSet and DaemonSet controllers, the real scheduler, kwok playing
 * the kubelet (a `:crashloop` or `:imagepullbackoff` image tag makes its pods fail that way), and Reloader.
 * Without a Reloader binary the stand-in applies the project's own Reloader rules through the real API, so
 * the tests that depend on a Reloader rolling say which one rolls in their names.
 */

type Row = { namespace: string; kind: string; name: string; strategy: string | null; seconds: number | null; result: string; reason: string };
const rows = (run: ActionRun) => (JSON.parse(run.outputs.workloads) as Row[]).sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
const visible = (run: ActionRun) =>
  run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
const RELOADER = reloaderInUse();

function counts(proxy: ApiProxy) {
  return {
    gets: proxy.requests.filter((r) => r.method === 'GET' && !r.watch).length,
    watches: proxy.requests.filter((r) => r.watch).map((r) => r.path),
    writes: proxy.writes(),
  };
}

/** Each suite: a control plane, a recording pass-through in front of it, and the action run through it. */
function world(options: Parameters<typeof startReal>[0]) {
  const w = {
    real: undefined as unknown as RealFixture,
    proxy: undefined as unknown as ApiProxy,
    kubeconfig: '',
    verify(inputs: Record<string, string>): Promise<ActionRun> {
      return runAction('verify-rollout', { inputs: { kubeconfig: w.kubeconfig, timeout: '90s', ...inputs }, timeoutMs: 120_000 });
    },
    async start(objects: object[], namespaces: string[]) {
      w.real = await startReal(options);
      await w.real.apply(objects);
      await w.real.settled(namespaces);
      w.proxy = await apiProxy(w.real.admin);
      w.kubeconfig = w.real.file('proxy.kubeconfig', proxyKubeconfig(w.proxy.url, w.real.kube.token));
    },
    async stop() {
      await w.proxy?.close();
      await w.real?.close();
    },
  };
  return w;
}

const north = { CCLOUD_URL: NORTH.CCLOUD_URL, CCLOUD_APIKEY: NORTH.CCLOUD_APIKEY, CCLOUD_PASSWD: NORTH.CCLOUD_PASSWD };

/** A StatefulSet and a DaemonSet that reload `app-config`, with two replicas / one pod per node. */
function statefulAndDaemon(namespace: string): object[] {
  const template = (app: string) => ({
    metadata: { labels: { app } },
    spec: {
      containers: [{ name: 'app', image: `registry.local/${app}:1.0`, envFrom: [{ configMapRef: { name: 'app-config' } }] }],
      terminationGracePeriodSeconds: 0,
    },
  });
  const annotations = { 'configmap.reloader.stakater.com/reload': 'app-config' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace }, data: { BOOTSTRAP: NORTH.CCLOUD_URL } },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'ledger', namespace, annotations },
      spec: { replicas: 2, serviceName: 'ledger', selector: { matchLabels: { app: 'ledger' } }, template: template('ledger') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-agent', namespace, annotations },
      spec: { selector: { matchLabels: { app: 'node-agent' } }, template: template('node-agent') },
    },
  ];
}

describe(`verify-rollout (bundled) on a real control plane, rolled by the ${RELOADER} (env-vars)`, () => {
  const w = world({});
  beforeAll(async () => {
    await w.start(
      [
        ...loadManifests(repoRoot, 'proxy', north),
        ...secretClients('vault'),
        ...proxyClients('crash', { replicas: 1 }),
        ...proxyClients('deadline', { replicas: 1, progressDeadlineSeconds: 2 }),
        ...statefulAndDaemon('stateful'),
      ],
      ['clients', 'vault', 'crash', 'deadline', 'stateful'],
    );
  });
  afterAll(() => w.stop());
  beforeEach(() => w.proxy.reset());

  it(`proxy clients after swap-configmap: the ${RELOADER} rolls both, verified with one watch and no per-workload request`, async () => {
    const swap = await runAction('swap-configmap', {
      inputs: { kubeconfig: w.kubeconfig, manifests: 'src/playground/manifests/proxy/kafka-proxy-config.yaml', target: 'west' },
      env: { GITHUB_WORKSPACE: repoRoot, ...WEST },
      cwd: repoRoot,
    });
    expect(errorLines(swap)).toEqual([]);
    w.proxy.reset();
    const run = await w.verify({ namespace: 'clients', configmap: 'kafka-proxy-config' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const hash = configMapHash((await w.real.get('ConfigMap', 'clients', 'kafka-proxy-config'))!);
    expect(rows(run).map((r) => [r.kind, r.name, r.result, r.strategy])).toEqual([
      ['Deployment', 'java-cloud-consumer', 'rolled', 'env-vars'],
      ['Deployment', 'java-cloud-producer', 'rolled', 'env-vars'],
    ]);
    expect(run.outputs.workloads).not.toContain('"seconds":null');
    expect(run.summary).toContain('### verify-rollout: 2 workloads verified');
    expect(run.summary).toContain(hash);
    // gets: the ConfigMap and the lists of Deployments, StatefulSets, DaemonSets, Jobs and CronJobs (the last two only
    // to name what Reloader would roll and verify-rollout does not verify).
    expect(counts(w.proxy)).toEqual({ gets: 6, watches: ['/apis/apps/v1/namespaces/clients/deployments'], writes: [] });
    // What verify-rollout saw is what kubectl rollout status says on the real server.
    for (const name of ['java-cloud-producer', 'java-cloud-consumer']) {
      const status = await w.real.kubectl(['rollout', 'status', `deployment/${name}`, '-n', 'clients', '--timeout=5s']);
      expect(status.stdout.trim()).toBe(`deployment "${name}" successfully rolled out`);
    }
    // And the pods running now carry the new hash in the env var Reloader wrote.
    const pods = await w.real.list<Obj>('Pod', 'clients', 'labelSelector=app%3Djava-cloud-producer');
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(2);
    for (const p of live) {
      const env = (p.spec as { containers: Array<{ env?: Array<{ name: string; value?: string }> }> }).containers.flatMap((c) => c.env ?? []);
      expect(env).toContainEqual({ name: 'STAKATER_KAFKA_PROXY_CONFIG_CONFIGMAP', value: hash });
    }
  });

  it('a re-run with unchanged data passes at once, without watching', async () => {
    const run = await w.verify({ namespace: 'clients', configmap: 'kafka-proxy-config' });
    expect(run.code).toBe(0);
    expect(rows(run).map((r) => r.result)).toEqual(['already-current', 'already-current']);
    expect(counts(w.proxy)).toEqual({ gets: 6, watches: [], writes: [] });
  });

  it(`a Secret holding the API key: rolled by the ${RELOADER}, verified, its values never shown`, async () => {
    await w.real.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ccloud-api-key', namespace: 'vault' },
      type: 'Opaque',
      stringData: { username: WEST.CCLOUD_APIKEY, password: WEST.CCLOUD_PASSWD },
    });
    const run = await w.verify({ namespace: 'vault', secret: 'ccloud-api-key' });
    expect(errorLines(run)).toEqual([]);
    expect(rows(run).map((r) => [r.name, r.result, r.strategy])).toEqual([['java-cloud-streams', 'rolled', 'env-vars']]);
    expect(run.stdout).toContain(`::add-mask::${WEST.CCLOUD_PASSWD}`);
    expect(findLeaks(visible(run), [WEST.CCLOUD_APIKEY, WEST.CCLOUD_PASSWD, NORTH.CCLOUD_PASSWD])).toEqual([]);
  });

  it(`a StatefulSet and a DaemonSet: rolled by the ${RELOADER} through the real controllers, verified by their own rules`, async () => {
    await w.real.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'stateful' }, data: { BOOTSTRAP: WEST.CCLOUD_URL } });
    const run = await w.verify({ namespace: 'stateful', configmap: 'app-config' });
    expect(errorLines(run)).toEqual([]);
    expect(rows(run).map((r) => [r.kind, r.name, r.result, r.strategy])).toEqual([
      ['DaemonSet', 'node-agent', 'rolled', 'env-vars'],
      ['StatefulSet', 'ledger', 'rolled', 'env-vars'],
    ]);
    expect(counts(w.proxy).watches.sort()).toEqual(['/apis/apps/v1/namespaces/stateful/daemonsets', '/apis/apps/v1/namespaces/stateful/statefulsets']);
    const sts = (await w.real.get('StatefulSet', 'stateful', 'ledger'))!;
    expect(sts.status).toMatchObject({ updatedReplicas: 2, readyReplicas: 2 });
    expect((sts.status as { currentRevision: string; updateRevision: string }).currentRevision).toBe((sts.status as { updateRevision: string }).updateRevision);
    const ds = (await w.real.get('DaemonSet', 'stateful', 'node-agent'))!;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 });
  });

  it('a crash-looping new version: fails once, naming the workload and CrashLoopBackOff, while the healthy one passes', async () => {
    // The new release of the consumer crash-loops (kwok's crashloop stage), and its config moves at the same time.
    await w.real.patch('Deployment', 'crash', 'java-cloud-consumer', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/java-cloud-consumer:crashloop' }] } } },
    });
    await w.real.apply(kafkaProxyConfig('crash', WEST));
    const run = await w.verify({ namespace: 'crash', configmap: 'kafka-proxy-config', timeout: '15s' });
    expect(run.code).toBe(1);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('verify-rollout: 1 of 2 workloads did not finish rolling out with the current configuration');
    expect(errors[0]).toContain('crash/Deployment/java-cloud-consumer: Waiting for deployment "java-cloud-consumer" rollout to finish');
    expect(errors[0]).toMatch(/pod java-cloud-consumer-[a-z0-9]+-[a-z0-9]+: container (app|kafka-proxy) CrashLoopBackOff/);
    expect(errors[0]).toContain('BackOff');
    expect(errors[0]).not.toContain('java-cloud-producer:');
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([
      ['java-cloud-consumer', 'failed'],
      ['java-cloud-producer', expect.stringMatching(/^(rolled|already-current)$/)],
    ]);
    expect(run.summary).toContain('### ❌ verify-rollout failed');
    expect(run.summary).toContain('- 1 of 2 workloads run with the current configuration: crash/Deployment/java-cloud-producer.');
  });

  it("ProgressDeadlineExceeded from the real deployment controller fails before the timeout, naming kwok's ImagePullBackOff", async () => {
    await w.real.patch('Deployment', 'deadline', 'java-cloud-consumer', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/java-cloud-consumer:imagepullbackoff' }] } } },
    });
    await w.real.apply(kafkaProxyConfig('deadline', WEST));
    const started = Date.now();
    const run = await w.verify({ namespace: 'deadline', configmap: 'kafka-proxy-config', timeout: '60s' });
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(run.code).toBe(1);
    const consumer = rows(run).find((r) => r.name === 'java-cloud-consumer')!;
    expect(consumer).toMatchObject({ result: 'failed', reason: 'deployment "java-cloud-consumer" exceeded its progress deadline' });
    expect(errorLines(run)[0]).toMatch(/(ImagePullBackOff|ErrImagePull)/);
  });
});

describe(`verify-rollout (bundled) on a real control plane, rolled by the ${RELOADER} (annotations)`, () => {
  const w = world({ reloader: { strategy: 'annotations' } });
  beforeAll(() => w.start(loadManifests(repoRoot, 'noproxy', north), ['nproxy-clients']));
  afterAll(() => w.stop());

  it(`no-proxy clients: search/match and auto, each verified by reloader.stakater.com/last-reloaded-from`, async () => {
    const west = { CCLOUD_URL: WEST.CCLOUD_URL, CCLOUD_APIKEY: WEST.CCLOUD_APIKEY, CCLOUD_PASSWD: WEST.CCLOUD_PASSWD };
    await w.real.apply(loadManifests(repoRoot, 'noproxy', west).filter((o) => o.kind === 'ConfigMap'));
    for (const [config, workload] of [
      ['java-cloud-producer-noproxy-config', 'java-cloud-producer-noproxy'],
      ['java-cloud-consumer-noproxy-config', 'java-cloud-consumer-noproxy'],
    ]) {
      const run = await w.verify({ namespace: 'nproxy-clients', configmap: config });
      expect(errorLines(run)).toEqual([]);
      expect(rows(run).map((r) => [r.name, r.result, r.strategy])).toEqual([[workload, expect.stringMatching(/^(rolled|already-current)$/), 'annotations']]);
      const d = (await w.real.get('Deployment', 'nproxy-clients', workload))!;
      const annotations = (d.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations ?? {};
      const hash = configMapHash((await w.real.get('ConfigMap', 'nproxy-clients', config))!);
      expect(JSON.parse(annotations['reloader.stakater.com/last-reloaded-from'])).toMatchObject({ type: 'CONFIGMAP', name: config, hash });
    }
  });
});

describe('verify-rollout (bundled) on a real control plane without Reloader', () => {
  const w = world({ reloader: false });
  beforeAll(async () => {
    await w.start([...proxyClients('clients'), ...proxyClients('paused', { replicas: 1 })], ['clients', 'paused']);
    await w.real.apply(kafkaProxyConfig('clients', WEST));
  });
  afterAll(() => w.stop());
  beforeEach(() => w.proxy.reset());

  it('fails after reload-grace, saying Reloader did not act and how to restart instead', async () => {
    const run = await w.verify({ namespace: 'clients', configmap: 'kafka-proxy-config', 'reload-grace': '1s' });
    expect(run.code).toBe(1);
    expect(Number(run.outputs.duration)).toBeLessThan(10);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('2 of 2 workloads did not finish');
    expect(errors[0]).toContain('Reloader did not roll it within reload-grace');
    expect(errors[0]).toContain('Set restart-if-not-reloaded: true');
    expect(counts(w.proxy).writes).toEqual([]);
  });

  it('restart-if-not-reloaded: restarts each like kubectl rollout restart, the real controller rolls it, and a re-run is current at once', async () => {
    const run = await w.verify({ namespace: 'clients', configmap: 'kafka-proxy-config', 'reload-grace': '1s', 'restart-if-not-reloaded': 'true' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(rows(run).map((r) => [r.name, r.result, r.strategy])).toEqual([
      ['java-cloud-consumer', 'restarted', 'restart'],
      ['java-cloud-producer', 'restarted', 'restart'],
    ]);
    expect(counts(w.proxy).writes.sort()).toEqual([
      'PATCH /apis/apps/v1/namespaces/clients/deployments/java-cloud-consumer 200',
      'PATCH /apis/apps/v1/namespaces/clients/deployments/java-cloud-producer 200',
    ]);
    const d = (await w.real.get('Deployment', 'clients', 'java-cloud-producer'))!;
    const template = (d.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template;
    expect(template.metadata.annotations?.[RESTARTED_AT]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(d.metadata.generation).toBe(2);
    expect(d.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2 });

    w.proxy.reset();
    const rerun = await w.verify({ namespace: 'clients', configmap: 'kafka-proxy-config', 'reload-grace': '1s', 'restart-if-not-reloaded': 'true' });
    expect(rows(rerun).map((r) => r.result)).toEqual(['already-current', 'already-current']);
    expect(counts(w.proxy).writes).toEqual([]);
  });

  it('refuses to restart a paused Deployment, as kubectl does, and restarts the others', async () => {
    await w.real.patch('Deployment', 'paused', 'java-cloud-producer', { spec: { paused: true } });
    await w.real.apply(kafkaProxyConfig('paused', WEST));
    const run = await w.verify({ namespace: 'paused', configmap: 'kafka-proxy-config', 'reload-grace': '1s', 'restart-if-not-reloaded': 'true' });
    expect(run.code).toBe(1);
    const producer = rows(run).find((r) => r.name === 'java-cloud-producer')!;
    expect(producer.result).toBe('failed');
    expect(producer.reason).toContain("can't restart paused deployment (run rollout resume first)");
    expect(rows(run).find((r) => r.name === 'java-cloud-consumer')!.result).toBe('restarted');
    expect(counts(w.proxy).writes).toEqual(['PATCH /apis/apps/v1/namespaces/paused/deployments/java-cloud-consumer 200']);
    // kubectl itself refuses the same restart on the real server.
    const kubectl = await w.real.kubectl(['rollout', 'restart', 'deployment/java-cloud-producer', '-n', 'paused']);
    expect(kubectl.code).not.toBe(0);
    expect(kubectl.stderr).toContain("can't restart paused deployment (run rollout resume first)");
  });
});
