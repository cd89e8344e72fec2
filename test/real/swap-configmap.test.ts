import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { configMapHash, secretHash } from '../../src/core/kube/reloader.js';
import { loadManifests } from '../../src/playground/drill/topology.js';
import { errorLines, findLeaks, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js';
import { NORTH, secretClients, WEST } from '../verify-rollout/clients.js';
import { apiProxy, proxyKubeconfig, type ApiProxy } from './api-proxy.js';
import { startReal, type Obj, type RealFixture } from './fixture.js';

/**
 * The bundled dist/swap-configmap/index.js, run as the runner runs it, against the real API server
 * (through a recording pass-through, so the test sees each request the action made): the playground's
 * proxy and no-proxy client manifests, a Secret, dry run, a missing object, and concurrent writers (409).
 */

const EAST = { CCLOUD_URL: 'east.kafka.local:9092', CCLOUD_APIKEY: 'EKR5T9W2MZ7QH3NB', CCLOUD_PASSWD: 'e@st-Pa55=word;' };
const secretsOf = (c: typeof WEST) => [c.CCLOUD_APIKEY, c.CCLOUD_PASSWD, Buffer.from(c.CCLOUD_PASSWD).toString('base64')];
const PROXY_CONFIG = 'src/playground/manifests/proxy/kafka-proxy-config.yaml';
const NOPROXY_CONFIGS =
  'src/playground/manifests/noproxy/java-cloud-producer-noproxy-config.yaml\nsrc/playground/manifests/noproxy/java-cloud-consumer-noproxy-config.yaml';

let real: RealFixture;
let proxy: ApiProxy;
let kubeconfig: string;

const visible = (run: ActionRun) =>
  run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

function swap(inputs: Record<string, string>, env: Record<string, string> = {}, config = kubeconfig): Promise<ActionRun> {
  return runAction('swap-configmap', { inputs: { kubeconfig: config, ...inputs }, env: { GITHUB_WORKSPACE: repoRoot, ...env }, cwd: repoRoot });
}

beforeAll(async () => {
  // No Reloader: this suite looks at the writes, not at rollouts (verify-rollout.test.ts does).
  real = await startReal({ reloader: false });
  const north = { CCLOUD_URL: NORTH.CCLOUD_URL, CCLOUD_APIKEY: NORTH.CCLOUD_APIKEY, CCLOUD_PASSWD: NORTH.CCLOUD_PASSWD };
  await real.apply([...loadManifests(repoRoot, 'proxy', north), ...loadManifests(repoRoot, 'noproxy', north), ...secretClients('clients').slice(1)]);
  proxy = await apiProxy(real.admin);
  kubeconfig = real.file('proxy.kubeconfig', proxyKubeconfig(proxy.url, real.kube.token));
});
afterAll(async () => {
  await proxy?.close();
  await real?.close();
});
beforeEach(() => proxy.reset());

describe('swap-configmap (bundled) on a real API server', () => {
  it("proxy clients: swaps kafka-proxy-config in place with one PUT, reports Reloader's hash and the two sidecar clients, never shows the credentials", async () => {
    const before = (await real.get('ConfigMap', 'clients', 'kafka-proxy-config'))!;
    const run = await swap({ manifests: PROXY_CONFIG, target: 'west' }, WEST);
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const after = (await real.get('ConfigMap', 'clients', 'kafka-proxy-config'))!;
    expect(after.data).toEqual({ BOOTSTRAP_SERVER: WEST.CCLOUD_URL, SASL_USERNAME: WEST.CCLOUD_APIKEY, SASL_PASSWORD: WEST.CCLOUD_PASSWD });
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.labels).toMatchObject({ 'ccloud-dr-actions/target': 'west' });
    expect(run.outputs).toMatchObject({ changed: 'true', hash: configMapHash(after), 'previous-hash': configMapHash(before), 'previous-target': '' });
    expect((JSON.parse(run.outputs.workloads) as Array<{ name: string }>).map((w) => w.name).sort()).toEqual(['java-cloud-consumer', 'java-cloud-producer']);
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
    expect(proxy.writes()).toEqual(['PUT /api/v1/namespaces/clients/configmaps/kafka-proxy-config 200']);
    // The real server records who wrote: the actions' field manager.
    const managers = (after.metadata as { managedFields?: Array<{ manager: string }> }).managedFields?.map((m) => m.manager);
    expect(managers).toContain('ccloud-dr-actions');

    proxy.reset();
    const again = await swap({ manifests: PROXY_CONFIG, target: 'west' }, WEST);
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({ changed: 'false', hash: configMapHash(after), 'previous-target': 'west', workloads: '[]' });
    expect(proxy.writes()).toEqual([]);
    expect((await real.get('ConfigMap', 'clients', 'kafka-proxy-config'))!.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
  });

  it('no-proxy clients: both ConfigMaps, KUBECONFIG from the environment, the producer by auto and the consumer by search', async () => {
    const run = await swap({ manifests: NOPROXY_CONFIGS }, { ...WEST, KUBECONFIG: kubeconfig }, '');
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const hash = JSON.parse(run.outputs.hash) as Record<string, string>;
    const producer = (await real.get('ConfigMap', 'nproxy-clients', 'java-cloud-producer-noproxy-config'))!;
    expect(producer.data?.['config.properties']).toContain(`bootstrap.servers=${WEST.CCLOUD_URL}`);
    expect(hash['ConfigMap/nproxy-clients/java-cloud-producer-noproxy-config']).toBe(configMapHash(producer));
    expect((JSON.parse(run.outputs.workloads) as Array<{ name: string; match: string }>).map((w) => `${w.name}/${w.match}`)).toEqual([
      'java-cloud-producer-noproxy/auto',
      'java-cloud-consumer-noproxy/search',
    ]);
    expect(proxy.writes()).toEqual([
      'PUT /api/v1/namespaces/nproxy-clients/configmaps/java-cloud-producer-noproxy-config 200',
      'PUT /api/v1/namespaces/nproxy-clients/configmaps/java-cloud-consumer-noproxy-config 200',
    ]);
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
  });

  it("dry run: the real server validates the PUTs with dryRun=All and stores nothing; both clusters' secrets redacted", async () => {
    const before = (await real.get('ConfigMap', 'nproxy-clients', 'java-cloud-producer-noproxy-config'))!;
    const run = await swap({ manifests: NOPROXY_CONFIGS, 'dry-run': 'true', target: 'east' }, EAST);
    expect(run.code).toBe(0);
    expect(run.outputs.changed).toBe('true');
    expect(await real.get('ConfigMap', 'nproxy-clients', 'java-cloud-producer-noproxy-config')).toEqual(before);
    expect(proxy.requests.filter((r) => r.method === 'PUT').map((r) => `${r.query} ${r.status}`)).toEqual([
      '?dryRun=All&fieldManager=ccloud-dr-actions 200',
      '?dryRun=All&fieldManager=ccloud-dr-actions 200',
    ]);
    expect(run.summary).toContain('dry run: nothing was stored');
    expect(run.summary).toContain(`+ bootstrap.servers=${EAST.CCLOUD_URL}`);
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(EAST)])).toEqual([]);
  });

  it("a Secret through name/kind/data: base64 on the real server, Reloader's hash of the bytes, the values masked", async () => {
    const run = await swap(
      { name: 'ccloud-api-key', namespace: 'clients', kind: 'Secret', data: 'username: ${CCLOUD_APIKEY}\npassword: ${CCLOUD_PASSWD}' },
      WEST,
    );
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const after = (await real.get('Secret', 'clients', 'ccloud-api-key'))!;
    expect(Buffer.from(after.data!.password, 'base64').toString()).toBe(WEST.CCLOUD_PASSWD);
    expect(run.outputs.hash).toBe(secretHash(after));
    expect(JSON.parse(run.outputs.workloads)).toEqual([
      { kind: 'Deployment', namespace: 'clients', name: 'java-cloud-streams', object: 'Secret/clients/ccloud-api-key', match: 'named' },
    ]);
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
  });

  it("an object that does not exist: the real 404 becomes 'does not exist', nothing is written", async () => {
    const run = await swap({ name: 'no-such-config', namespace: 'clients', data: 'a: b' }, WEST);
    expect(run.code).toBe(1);
    expect(proxy.writes()).toEqual([]);
    expect(run.summary).toContain('**What failed:** nothing was written: ConfigMap no-such-config does not exist in namespace clients');
    expect(run.summary).toContain(`**Where:** ConfigMap/clients/no-such-config on Kubernetes API ${proxy.url}`);
  });

  it('a missing namespace is told apart from a missing object', async () => {
    const run = await swap({ name: 'kafka-proxy-config', namespace: 'no-such-namespace', data: 'a: b' }, WEST);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('namespace no-such-namespace does not exist');
  });

  it('an immutable ConfigMap is refused before any write, as the real server would refuse the change', async () => {
    await real.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen', namespace: 'clients' }, immutable: true, data: { a: '1' } });
    proxy.reset();
    const run = await swap({ name: 'frozen', namespace: 'clients', data: 'a: "2"' }, WEST);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('ConfigMap/clients/frozen is immutable (immutable: true)');
    expect(proxy.writes()).toEqual([]);
    // And the real server refuses it too, with the 422 the action avoids.
    const answer = await real.call('PATCH', '/api/v1/namespaces/clients/configmaps/frozen', {
      body: { data: { a: '2' } },
      contentType: 'application/merge-patch+json',
    });
    expect(answer.status).toBe(422);
    expect((answer.json as { message: string }).message).toContain('field is immutable when `immutable` is set');
  });
});

describe('swap-configmap (bundled) against concurrent writers on a real API server', () => {
  /** A pass-through that lets another client change the object right before the action's PUT reaches the server. */
  async function interferingProxy(path: string, times: number, interfere: (n: number) => Promise<void>): Promise<{ proxy: ApiProxy; kubeconfig: string }> {
    let n = 0;
    const p = await apiProxy(real.admin, async (req) => {
      if (req.method === 'PUT' && req.path === path && n < times) await interfere(++n);
    });
    return { proxy: p, kubeconfig: real.file('interfering.kubeconfig', proxyKubeconfig(p.url, real.kube.token)) };
  }

  it('a concurrent writer: the real server answers 409, the action re-reads and its write lands on the fresh object', async () => {
    const path = '/api/v1/namespaces/clients/configmaps/kafka-proxy-config';
    const { proxy: p, kubeconfig: k } = await interferingProxy(path, 1, async () => {
      await real.patch('ConfigMap', 'clients', 'kafka-proxy-config', { metadata: { labels: { team: 'payments' } } });
    });
    try {
      const run = await swap({ manifests: PROXY_CONFIG, target: 'east' }, EAST, k);
      expect(errorLines(run)).toEqual([]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.outputs.objects)[0]).toMatchObject({ changed: true, conflicts: 1, previousTarget: 'west', target: 'east' });
      const after = (await real.get<Obj>('ConfigMap', 'clients', 'kafka-proxy-config'))!;
      expect(after.metadata.labels).toMatchObject({ team: 'payments', 'ccloud-dr-actions/target': 'east' });
      expect(after.data?.SASL_USERNAME).toBe(EAST.CCLOUD_APIKEY);
      expect(p.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([409, 200]);
    } finally {
      await p.close();
    }
  });

  it('a writer that never stops: every PUT answers 409, the action gives up saying what is written and what is not', async () => {
    const SOUTH = { CCLOUD_URL: 'south.kafka.local:9092', CCLOUD_APIKEY: 'SQ4M8ZK2WT6NB3RH', CCLOUD_PASSWD: 's0uth-Pa55w0rd' };
    const path = '/api/v1/namespaces/nproxy-clients/configmaps/java-cloud-consumer-noproxy-config';
    const { proxy: p, kubeconfig: k } = await interferingProxy(path, 99, async (n) => {
      await real.patch('ConfigMap', 'nproxy-clients', 'java-cloud-consumer-noproxy-config', { data: { busy: String(n) } });
    });
    try {
      const run = await swap({ manifests: NOPROXY_CONFIGS }, SOUTH, k);
      expect(run.code).toBe(1);
      expect(errorLines(run).join('\n')).toContain('kept changing under us');
      const puts = p.requests.filter((r) => r.method === 'PUT');
      expect(puts[0]).toMatchObject({ path: '/api/v1/namespaces/nproxy-clients/configmaps/java-cloud-producer-noproxy-config', status: 200 });
      expect(puts.slice(1).every((r) => r.path === path && r.status === 409)).toBe(true);
      expect(run.summary).toContain('- ConfigMap/nproxy-clients/java-cloud-producer-noproxy-config: written: the server holds the new data');
      expect(run.summary).toContain('- ConfigMap/nproxy-clients/java-cloud-consumer-noproxy-config: unchanged: this object failed');
      const consumer = (await real.get('ConfigMap', 'nproxy-clients', 'java-cloud-consumer-noproxy-config'))!;
      expect(consumer.data?.['config.properties']).not.toContain(SOUTH.CCLOUD_URL);
      expect(findLeaks(visible(run), [...secretsOf(SOUTH), ...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
