import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapHash, secretHash } from '../../src/core/kube/reloader.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { errorLines, findLeaks, runAction, type ActionRun } from '../helpers/run-action.js';
import { NORTH, noProxyClients, proxyClients, secretClients, settled, WEST, writes } from '../verify-rollout/clients.js';
import { conflictProxy } from './conflict-proxy.js';

/** The bundled dist/swap-configmap/index.js, run as the runner runs it, against the emulator over HTTP. */

const EAST = { CCLOUD_URL: 'east.kafka.local:9092', CCLOUD_APIKEY: 'EKR5T9W2MZ7QH3NB', CCLOUD_PASSWD: 'e@st-Pa55=word;' };
const secretsOf = (c: typeof WEST) => [c.CCLOUD_APIKEY, c.CCLOUD_PASSWD, Buffer.from(c.CCLOUD_PASSWD).toString('base64')];
type Obj = { data?: Record<string, string>; metadata: { resourceVersion: string; labels?: Record<string, string> } };

let kube: KubeEmulator;
let workspace: string;

/** What a user could see, minus the `::add-mask::` commands the runner consumes (they carry the values by design). */
function visible(run: ActionRun): string {
  return run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}
const masks = (run: ActionRun) =>
  run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) => l.slice('::add-mask::'.length));

function swapAction(inputs: Record<string, string>, env: Record<string, string> = {}, kubeconfig = kube.kubeconfigPath): Promise<ActionRun> {
  return runAction('swap-configmap', { inputs: { kubeconfig, ...inputs }, env: { GITHUB_WORKSPACE: workspace, ...env }, cwd: workspace });
}

beforeAll(async () => {
  kube = await startKube({ podReadyDelayMs: 20 });
  kube.apply([...proxyClients(), ...noProxyClients(), ...secretClients()]);
  await settled(kube, ['clients', 'nproxy-clients']);
  workspace = mkdtempSync(join(tmpdir(), 'swap-workspace-'));
  cpSync(new URL('./fixtures/', import.meta.url).pathname, join(workspace, 'k8s'), { recursive: true });
});
afterAll(async () => kube.close());
beforeEach(() => kube.resetRequests());

describe('swap-configmap (bundled action)', () => {
  it("proxy clients: swaps kafka-proxy-config to west, reports Reloader's hash and workloads, masks and never shows the credentials", async () => {
    const before = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
    const run = await swapAction({ manifests: 'k8s/kafka-proxy-configmap.yaml', target: 'west' }, WEST);
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const after = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
    expect(after.data?.SASL_PASSWORD).toBe(WEST.CCLOUD_PASSWD);
    expect(run.outputs).toMatchObject({ changed: 'true', hash: configMapHash(after), 'previous-hash': configMapHash(before), 'previous-target': '' });
    expect((JSON.parse(run.outputs.workloads) as Array<{ name: string }>).map((w) => w.name).sort()).toEqual(['java-cloud-consumer', 'java-cloud-producer']);
    expect(run.summary).toContain('| ConfigMap/clients/kafka-proxy-config | changed (3 keys) |');
    expect(run.summary).toContain('(none) → west');
    expect(masks(run)).toEqual(expect.arrayContaining([WEST.CCLOUD_APIKEY, WEST.CCLOUD_PASSWD]));
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
    expect(writes(kube)).toEqual(['PUT /api/v1/namespaces/clients/configmaps/kafka-proxy-config 200']);

    kube.resetRequests();
    const again = await swapAction({ manifests: 'k8s/kafka-proxy-configmap.yaml', target: 'west' }, WEST);
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({
      changed: 'false',
      hash: configMapHash(after),
      'previous-hash': configMapHash(after),
      'previous-target': 'west',
      workloads: '[]',
    });
    expect(writes(kube)).toEqual([]);
  });

  it('no-proxy clients: two ConfigMaps from one file, KUBECONFIG from the environment, outputs keyed by object', async () => {
    const run = await swapAction({ manifests: 'k8s/java-cloud-producer-noproxy-configmap.yaml' }, { ...WEST, KUBECONFIG: kube.kubeconfigPath }, '');
    expect(run.code).toBe(0);
    const hash = JSON.parse(run.outputs.hash) as Record<string, string>;
    expect(Object.keys(hash)).toEqual([
      'ConfigMap/nproxy-clients/java-cloud-producer-noproxy-config',
      'ConfigMap/nproxy-clients/java-cloud-consumer-noproxy-config',
    ]);
    expect(hash['ConfigMap/nproxy-clients/java-cloud-producer-noproxy-config']).toBe(
      configMapHash(kube.get('ConfigMap', 'nproxy-clients', 'java-cloud-producer-noproxy-config') as Obj),
    );
    expect((JSON.parse(run.outputs.workloads) as Array<{ name: string; match: string }>).map((w) => `${w.name}/${w.match}`)).toEqual([
      'java-cloud-producer-noproxy/search',
      'java-cloud-consumer-noproxy/auto',
    ]);
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
  });

  it("dry run: nothing changes; the summary shows the change with both clusters' secrets redacted", async () => {
    const before = kube.get('ConfigMap', 'nproxy-clients', 'java-cloud-producer-noproxy-config');
    const run = await swapAction({ manifests: 'k8s/java-cloud-producer-noproxy-configmap.yaml', 'dry-run': 'true', target: 'east' }, EAST);
    expect(run.code).toBe(0);
    expect(run.outputs.changed).toBe('true');
    expect(kube.get('ConfigMap', 'nproxy-clients', 'java-cloud-producer-noproxy-config')).toEqual(before);
    expect(kube.requests().filter((r) => r.method === 'PUT')).toHaveLength(2);
    expect(run.summary).toContain('dry run: nothing was stored');
    expect(run.summary).toContain('- bootstrap.servers=west.kafka.local:9092');
    expect(run.summary).toContain('+ bootstrap.servers=east.kafka.local:9092');
    expect(run.summary).toContain('+ sasl.jaas.config=***');
    // WEST's credentials are in the cluster now; nothing registered them as secrets in this run.
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(EAST)])).toEqual([]);
  });

  it('a Secret through name/kind/data: base64 in the cluster, Reloader hash of the bytes, values masked', async () => {
    const run = await swapAction(
      { name: 'ccloud-api-key', namespace: 'clients', kind: 'Secret', data: 'username: ${CCLOUD_APIKEY}\npassword: ${CCLOUD_PASSWD}' },
      WEST,
    );
    expect(run.code).toBe(0);
    const after = kube.get('Secret', 'clients', 'ccloud-api-key') as Obj;
    expect(Buffer.from(after.data!.username, 'base64').toString()).toBe(WEST.CCLOUD_APIKEY);
    expect(run.outputs.hash).toBe(secretHash(after));
    expect(JSON.parse(run.outputs.workloads)).toEqual([
      { kind: 'Deployment', namespace: 'clients', name: 'java-cloud-streams', object: 'Secret/clients/ccloud-api-key', match: 'named' },
    ]);
    expect(run.summary).toMatch(/secret value: \d+ bytes → \d+ bytes/);
    expect(findLeaks(visible(run), [...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
  });

  it('an unresolved placeholder fails before any request: the emulator saw nothing', async () => {
    const run = await swapAction(
      { manifests: 'k8s/kafka-proxy-configmap.yaml\nk8s/java-cloud-producer-noproxy-configmap.yaml' },
      { CCLOUD_URL: EAST.CCLOUD_URL, CCLOUD_APIKEY: EAST.CCLOUD_APIKEY, CCLOUD_PASSWD: '' },
    );
    expect(run.code).toBe(1);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      "swap-configmap: unresolved placeholders: ${CCLOUD_PASSWD} in k8s/kafka-proxy-configmap.yaml data key 'SASL_PASSWORD' is set but empty",
    );
    expect(errors[0]).toContain('nothing was written');
    expect(kube.requests()).toEqual([]);
    expect(findLeaks(visible(run), [EAST.CCLOUD_APIKEY])).toEqual([]);
  });

  it.each([
    [{ manifests: 'k8s/kafka-proxy-configmap.yaml', target: 'west cluster' }, "input 'target' has the value 'west cluster', which is not a valid label value"],
    [{ manifests: 'k8s/missing.yaml' }, "input 'manifests' names 'k8s/missing.yaml', which is not a file"],
    [{ name: 'x', data: 'a: b' }, "input 'namespace' is required with input 'name'"],
    [{ manifests: 'k8s/not-a-configmap.yaml' }, 'k8s/not-a-configmap.yaml is a Deployment, not a ConfigMap or Secret'],
  ])('refuses bad input before any request: %p', async (inputs, message) => {
    const run = await swapAction(inputs, WEST);
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain(message);
    expect(kube.requests()).toEqual([]);
  });

  it('a failure before any request writes a failure summary: what failed, where, what to do, nothing written', async () => {
    const run = await swapAction({ manifests: 'k8s/kafka-proxy-configmap.yaml' }, { CCLOUD_URL: EAST.CCLOUD_URL, CCLOUD_APIKEY: EAST.CCLOUD_APIKEY });
    expect(run.code).toBe(1);
    expect(kube.requests()).toEqual([]);
    expect(run.summary).toContain('### ❌ swap-configmap failed');
    // Outside text is escaped in the summary (`_`, `{`, backticks): it can never turn into Markdown or HTML.
    expect(run.summary).toContain('**What failed:** unresolved placeholders: $\\{CCLOUD\\_PASSWD\\} in k8s/kafka-proxy-configmap.yaml');
    expect(run.summary).toContain("**Where:** input 'manifests'");
    expect(run.summary).toContain("**What to do:** set each variable in the step's \\`env:\\`");
    expect(run.summary).toContain('- Nothing was written: the cluster was not contacted.');
    expect(findLeaks(visible(run), [EAST.CCLOUD_APIKEY])).toEqual([]);
  });

  it('a bad input writes a failure summary naming the input', async () => {
    const run = await swapAction({ name: 'kafka-proxy-config', namespace: 'Clients', data: 'a: b' }, WEST);
    expect(run.code).toBe(1);
    expect(run.summary).toContain('### ❌ swap-configmap failed');
    expect(run.summary).toContain("**What failed:** input 'namespace' has the value 'Clients', which is not a namespace name");
    expect(run.summary).toContain("**Where:** input 'namespace'");
    expect(run.summary).toContain('- Nothing was written: the cluster was not contacted.');
    expect(kube.requests()).toEqual([]);
  });

  it('an object that does not exist: the failure summary lists every object as unchanged', async () => {
    const run = await swapAction({ name: 'no-such-config', namespace: 'clients', data: 'a: b' }, WEST);
    expect(run.code).toBe(1);
    expect(writes(kube)).toEqual([]);
    expect(run.summary).toContain('### ❌ swap-configmap failed');
    expect(run.summary).toContain('**What failed:** nothing was written: ConfigMap no-such-config does not exist in namespace clients');
    expect(run.summary).toContain(`**Where:** ConfigMap/clients/no-such-config on Kubernetes API ${kube.url}`);
    expect(run.summary).toContain('- ConfigMap/clients/no-such-config: unchanged: this object failed');
    expect(run.outputs).toEqual({});
  });

  it('a write that keeps failing after another object was written: the failure summary says which is written and which is not', async () => {
    const SOUTH = { CCLOUD_URL: 'south.kafka.local:9092', CCLOUD_APIKEY: 'SQ4M8ZK2WT6NB3RH', CCLOUD_PASSWD: 's0uth-Pa55w0rd' };
    const path = '/api/v1/namespaces/nproxy-clients/configmaps/java-cloud-consumer-noproxy-config';
    const proxy = await conflictProxy(
      kube,
      path,
      (n) => {
        const current = kube.get('ConfigMap', 'nproxy-clients', 'java-cloud-consumer-noproxy-config') as Obj;
        kube.apply({ ...current, data: { ...current.data, busy: String(n) } });
      },
      99,
    );
    try {
      const run = await swapAction({ manifests: 'k8s/java-cloud-producer-noproxy-configmap.yaml' }, SOUTH, proxy.kubeconfigPath);
      expect(run.code).toBe(1);
      expect(errorLines(run).join('\n')).toContain('kept changing under us');
      expect(run.summary).toContain('### ❌ swap-configmap failed');
      expect(run.summary).toContain('**In place now:**');
      expect(run.summary).toContain('- ConfigMap/nproxy-clients/java-cloud-producer-noproxy-config: written: the server holds the new data');
      expect(run.summary).toContain('- ConfigMap/nproxy-clients/java-cloud-consumer-noproxy-config: unchanged: this object failed');
      expect(run.summary).toContain('**What to do:** re-run the step: objects already written are found in place and left alone');
      expect(findLeaks(visible(run), [...secretsOf(SOUTH), ...secretsOf(WEST), ...secretsOf(NORTH)])).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a missing kubeconfig names the input and suggests the aks-context step', async () => {
    const run = await swapAction({ manifests: 'k8s/kafka-proxy-configmap.yaml' }, WEST, '');
    expect(errorLines(run).join('\n')).toContain(
      "input 'kubeconfig' was not set and the KUBECONFIG environment variable is empty; expected the path of a kubeconfig file: run the aks-context action earlier in the job",
    );
  });

  it('a concurrent writer: 409, re-read, the write lands on the fresh object', async () => {
    const path = '/api/v1/namespaces/clients/configmaps/kafka-proxy-config';
    const proxy = await conflictProxy(kube, path, () => {
      const current = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
      kube.apply({ ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, team: 'payments' } } });
    });
    try {
      const run = await swapAction({ manifests: 'k8s/kafka-proxy-configmap.yaml', target: 'east' }, EAST, proxy.kubeconfigPath);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.outputs.objects)[0]).toMatchObject({ changed: true, conflicts: 1, previousTarget: 'west', target: 'east' });
      const after = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
      expect(after.metadata.labels).toMatchObject({ team: 'payments', 'ccloud-dr-actions/target': 'east' });
      expect(after.data?.SASL_USERNAME).toBe(EAST.CCLOUD_APIKEY);
      expect(
        kube
          .requests()
          .filter((r) => r.method === 'PUT')
          .map((r) => r.status),
      ).toEqual([409, 200]);
    } finally {
      await proxy.close();
    }
  });
});
