import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { configMapHash } from '../../src/core/kube/reloader.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { errorLines, findLeaks, runAction, type ActionRun } from '../helpers/run-action.js';
import { kafkaProxyConfig, NORTH, proxyClients, secretClients, settled, WEST } from './clients.js';

/** The bundled dist/verify-rollout/index.js, run as the runner runs it, against the emulator over HTTP. */

type Row = {
  namespace: string;
  kind: string;
  name: string;
  strategy: string | null;
  seconds: number | null;
  result: string;
  reason: string;
  noticedAt?: string;
};
const rows = (run: ActionRun) => (JSON.parse(run.outputs.workloads) as Row[]).sort((a, b) => a.name.localeCompare(b.name));
const visible = (run: ActionRun) =>
  run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

function verify(kube: KubeEmulator, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('verify-rollout', { inputs: { kubeconfig: kube.kubeconfigPath, timeout: '30s', ...inputs } });
}
function requestKinds(kube: KubeEmulator) {
  const r = kube.requests();
  return {
    gets: r.filter((x) => !x.watch && x.method === 'GET').length,
    watches: r.filter((x) => x.watch).map((x) => x.path),
    writes: r.filter((x) => x.method !== 'GET').map((x) => `${x.method} ${x.path}`),
  };
}

describe('verify-rollout (bundled action) with Reloader', () => {
  let kube: KubeEmulator;
  beforeAll(async () => {
    // Pods take longer to be ready than the action takes to start, so it sees the rollouts in progress.
    kube = await startKube({ podReadyDelayMs: 1200 });
    kube.apply([...proxyClients('clients'), ...secretClients('vault'), ...proxyClients('crash', { replicas: 1 })]);
    await settled(kube, ['clients', 'vault', 'crash']);
  });
  afterAll(async () => kube.close());
  beforeEach(() => kube.resetRequests());

  it('proxy clients after the swap: both rolled, outputs and summary, one watch', async () => {
    kube.apply(kafkaProxyConfig('clients', WEST));
    const run = await verify(kube, { namespace: 'clients', configmap: 'kafka-proxy-config' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const hash = configMapHash(kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as { data: Record<string, string> });
    expect(rows(run).map((r) => [r.kind, r.name, r.result, r.strategy])).toEqual([
      ['Deployment', 'java-cloud-consumer', 'rolled', 'env-vars'],
      ['Deployment', 'java-cloud-producer', 'rolled', 'env-vars'],
    ]);
    for (const r of rows(run)) {
      expect(r.seconds).toBeGreaterThan(0);
      expect(Date.parse(r.noticedAt!)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(Number(run.outputs.duration)).toBeGreaterThan(0);
    expect(run.summary).toContain('### verify-rollout: 2 workloads verified');
    expect(run.summary).toMatch(/\| clients \| Deployment\/java-cloud-producer \| ✅ rolled \| env-vars \| \d+\.\ds \|/);
    expect(run.summary).toContain(hash);
    // The ConfigMap, the three workload kinds, and the Jobs and CronJobs Reloader also rolls (reported, not verified).
    expect(requestKinds(kube)).toEqual({ gets: 6, watches: ['/apis/apps/v1/namespaces/clients/deployments'], writes: [] });
  });

  it('a re-run with unchanged data passes at once without watching', async () => {
    const run = await verify(kube, { namespace: 'clients', configmap: 'kafka-proxy-config' });
    expect(run.code).toBe(0);
    expect(rows(run).map((r) => r.result)).toEqual(['already-current', 'already-current']);
    expect(requestKinds(kube)).toEqual({ gets: 6, watches: [], writes: [] });
  });

  it('a Secret holding the API key: verified, and its values never shown', async () => {
    kube.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ccloud-api-key', namespace: 'vault' },
      type: 'Opaque',
      stringData: { username: WEST.CCLOUD_APIKEY, password: WEST.CCLOUD_PASSWD },
    });
    const run = await verify(kube, { namespace: 'vault', secret: 'ccloud-api-key' });
    expect(run.code).toBe(0);
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([['java-cloud-streams', 'rolled']]);
    expect(run.stdout).toContain(`::add-mask::${WEST.CCLOUD_PASSWD}`);
    expect(findLeaks(visible(run), [WEST.CCLOUD_APIKEY, WEST.CCLOUD_PASSWD, NORTH.CCLOUD_PASSWD])).toEqual([]);
  });

  it('a crash-looping new version: fails once, naming the workload and CrashLoopBackOff', async () => {
    kube.setPodFault('crash', 'java-cloud-consumer', 'CrashLoopBackOff');
    kube.apply(kafkaProxyConfig('crash', WEST));
    const run = await verify(kube, { namespace: 'crash', configmap: 'kafka-proxy-config', timeout: '5s' });
    expect(run.code).toBe(1);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('verify-rollout: 1 of 2 workloads did not finish rolling out with the current configuration');
    expect(errors[0]).toContain('crash/Deployment/java-cloud-consumer: Waiting for deployment "java-cloud-consumer" rollout to finish');
    expect(errors[0]).toContain('CrashLoopBackOff');
    expect(errors[0]).not.toContain('java-cloud-producer:');
    // The healthy producer passes (already done when the action listed it, or seen rolling: that depends on machine speed).
    expect(rows(run).map((r) => [r.name, r.result])).toEqual([
      ['java-cloud-consumer', 'failed'],
      ['java-cloud-producer', expect.stringMatching(/^(rolled|already-current)$/)],
    ]);
    expect(run.summary).toContain('❌ failed');
    // And the failure summary: what failed, where, what to do, which workloads run with the new configuration.
    expect(run.summary).toContain('### ❌ verify-rollout failed');
    expect(run.summary).toContain(
      '**What failed:** 1 of 2 workloads did not finish rolling out with the current configuration:\n- crash/Deployment/java-cloud-consumer:',
    );
    expect(run.summary).toContain(`**Where:** namespace crash, ConfigMap kafka-proxy-config, Kubernetes API ${kube.url}`);
    expect(run.summary).toContain('**What to do:** fix the workloads listed');
    expect(run.summary).toContain('- 1 of 2 workloads run with the current configuration: crash/Deployment/java-cloud-producer.');
    expect(run.summary).toContain('- Not verified: crash/Deployment/java-cloud-consumer');
    expect(run.summary).toContain('- Nothing was changed: verify-rollout only read the cluster.');
  });

  it('a multi-line Secret value is masked whole and line by line', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----';
    kube.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ccloud-api-key', namespace: 'vault' },
      type: 'Opaque',
      stringData: { username: NORTH.CCLOUD_APIKEY, password: NORTH.CCLOUD_PASSWD, 'client.key': pem },
    });
    const run = await verify(kube, { namespace: 'vault', secret: 'ccloud-api-key' });
    expect(run.code).toBe(0);
    expect(run.masked).toEqual(expect.arrayContaining([NORTH.CCLOUD_APIKEY, NORTH.CCLOUD_PASSWD, ...pem.split('\n')]));
    expect(run.masked).toContain(pem.replace(/\n/g, '%0A'));
    expect(findLeaks(visible(run), [NORTH.CCLOUD_APIKEY, NORTH.CCLOUD_PASSWD, ...pem.split('\n').slice(1, 3)])).toEqual([]);
  });

  it('a setup failure writes a failure summary: nothing to verify, where, what to do, nothing changed', async () => {
    const run = await verify(kube, { namespace: 'clients', configmap: 'no-such-config' });
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('ConfigMap no-such-config does not exist in namespace clients');
    expect(run.summary).toContain('### ❌ verify-rollout failed');
    expect(run.summary).toContain('**What failed:** ConfigMap no-such-config does not exist in namespace clients');
    expect(run.summary).toContain(`**Where:** namespace clients, ConfigMap no-such-config, Kubernetes API ${kube.url}`);
    expect(run.summary).toContain('**What to do:** check the configmap and namespace inputs');
    expect(run.summary).toContain('- Nothing was changed: verify-rollout stopped before restarting any workload.');
    expect(requestKinds(kube).writes).toEqual([]);
  });

  it('a bad input writes a failure summary naming the input, before any request', async () => {
    const run = await verify(kube, { namespace: 'clients', configmap: 'a', timeout: 'soon' });
    expect(run.code).toBe(1);
    expect(run.summary).toContain('### ❌ verify-rollout failed');
    expect(run.summary).toContain("**What failed:** input 'timeout' has the value 'soon', which is not a duration");
    expect(run.summary).toContain("**Where:** input 'timeout'");
    expect(run.summary).toContain('- Nothing was changed: the cluster was not contacted.');
    expect(kube.requests()).toEqual([]);
  });

  it.each([
    [{ namespace: 'clients', configmap: 'a', secret: 'b', workloads: 'Deployment/x' }, "input 'workloads' was given with 2 ConfigMaps and Secrets"],
    [{ namespace: 'clients' }, "input 'configmap' and inputs 'secret' and 'workloads' were all left empty"],
    [{ namespace: 'Clients!', configmap: 'a' }, "input 'namespace' has the value 'Clients!'"],
    [{ namespace: 'clients', configmap: 'a', timeout: 'soon' }, "input 'timeout' has the value 'soon', which is not a duration"],
    [{ namespace: 'clients', workloads: 'CronJob/nightly' }, "kind 'CronJob', which cannot be verified"],
  ])('refuses bad input before any request: %p', async (inputs, message) => {
    const run = await verify(kube, inputs);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain(message);
    expect(kube.requests()).toEqual([]);
  });
});

describe('verify-rollout (bundled action) without Reloader', () => {
  let kube: KubeEmulator;
  beforeAll(async () => {
    kube = await startKube({ podReadyDelayMs: 30, reloader: false });
    kube.apply(proxyClients('clients'));
    await settled(kube, ['clients']);
    kube.apply(kafkaProxyConfig('clients', WEST));
  });
  afterAll(async () => kube.close());
  beforeEach(() => kube.resetRequests());

  it('fails after reload-grace, saying Reloader did not act and how to restart instead', async () => {
    const run = await verify(kube, { namespace: 'clients', configmap: 'kafka-proxy-config', 'reload-grace': '500ms' });
    expect(run.code).toBe(1);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('2 of 2 workloads did not finish');
    expect(errors[0]).toContain('Reloader did not roll it within reload-grace');
    expect(errors[0]).toContain('Set restart-if-not-reloaded: true');
    expect(requestKinds(kube).writes).toEqual([]);
  });

  it('restart-if-not-reloaded: restarts each like kubectl rollout restart, says so, and verifies', async () => {
    const run = await verify(kube, { namespace: 'clients', configmap: 'kafka-proxy-config', 'reload-grace': '500ms', 'restart-if-not-reloaded': 'true' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(rows(run).map((r) => [r.name, r.result, r.strategy])).toEqual([
      ['java-cloud-consumer', 'restarted', 'restart'],
      ['java-cloud-producer', 'restarted', 'restart'],
    ]);
    expect(run.stdout).toMatch(
      /::warning::clients\/Deployment\/java-cloud-producer: Reloader did not roll it within reload-grace \(500ms\); restarted it like `kubectl rollout restart`/,
    );
    expect(requestKinds(kube).writes.sort()).toEqual([
      'PATCH /apis/apps/v1/namespaces/clients/deployments/java-cloud-consumer',
      'PATCH /apis/apps/v1/namespaces/clients/deployments/java-cloud-producer',
    ]);
  });
});
