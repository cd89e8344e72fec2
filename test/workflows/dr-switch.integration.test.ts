import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { allSteps, ConcurrencyGroups, findJob, findStep, runWorkflow, type WorkflowResult } from '../../src/playground/workflow/index.js';
import { findLeaks } from '../helpers/run-action.js';

/**
 * dr-switch.yml itself, run by the local runner against the Confluent and Kubernetes emulators: every
 * `./actions/<name>` step is that action's dist/ bundle run as a child process, as on GitHub. It needs the
 * four bundles (`npm run build`); without them the suite fails: users run dist/, so it must not pass as skipped.
 */
const workspace = new URL('../..', import.meta.url).pathname;
const missing = (names: string[]): string[] => names.filter((name) => !existsSync(join(workspace, 'dist', name, 'index.js')));
const fullMissing = missing(['aks-context', 'ccloud-mirror', 'swap-configmap', 'verify-rollout']);
if (fullMissing.length) throw new Error(`dr-switch integration needs the dist bundles of ${fullMissing.join(', ')}: run \`npm run build\``);
const suite = describe;
const fullIt = it;

/** The example manifests with the placeholders filled for one cluster, as the clients start. */
function manifests(dir: string, files: string[], values: Record<string, string>): object[] {
  return files.flatMap((file) => {
    const text = readFileSync(join(workspace, 'src/playground/manifests', dir, file), 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => values[name]);
    return parseAllDocuments(text).map((doc) => doc.toJS() as object);
  });
}

suite('dr-switch.yml against the emulators', () => {
  let confluent: ConfluentEmulator;
  let kube: KubeEmulator;
  const kubeToken = 'kube-token-7f3a9c1e5b2d4f60';
  let secrets: Record<string, string>;
  let vars: Record<string, string>;
  const ready: Array<{ owner: string; bootstrap?: string }> = [];

  beforeAll(async () => {
    confluent = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], replicationDelayMs: 10, transitionMs: 20 });
    confluent.createTopic('north', 'orders', { partitions: 2 });
    confluent.createLink('north', 'dr-link', { remote: 'west', mode: 'BIDIRECTIONAL' });
    confluent.createLink('west', 'dr-link', { remote: 'north', mode: 'BIDIRECTIONAL' });
    confluent.createMirror('west', 'dr-link', 'orders');
    confluent.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }]);

    kube = await startKube({ podReadyDelayMs: 20, tokens: [kubeToken] });
    kube.onPod((event, pod, mounted) => {
      if (event === 'ready') ready.push({ owner: pod.owner, bootstrap: mounted.configMaps['kafka-proxy-config']?.BOOTSTRAP_SERVER });
    });
    const north = confluent.info('north');
    kube.apply(
      manifests(
        'proxy',
        [
          'namespace.yaml',
          'kafka-proxy-config.yaml',
          'java-cloud-producer-config.yaml',
          'java-cloud-consumer-config.yaml',
          'java-cloud-producer.yaml',
          'java-cloud-consumer.yaml',
        ],
        {
          CCLOUD_URL: north.bootstrap,
          CCLOUD_APIKEY: north.apiKey,
          CCLOUD_PASSWD: north.apiSecret,
        },
      ),
    );
    // As the README recommends: connection facts as variables, credentials as secrets.
    const settings = (name: 'north' | 'west') => {
      const c = confluent.info(name);
      const p = `CCLOUD_${name.toUpperCase()}_`;
      return {
        vars: { [`${p}REST_ENDPOINT`]: c.restEndpoint, [`${p}CLUSTERID`]: c.id, [`${p}URL`]: c.bootstrap },
        secrets: { [`${p}APIKEY`]: c.apiKey, [`${p}PASSWD`]: c.apiSecret },
      };
    };
    vars = { ...settings('north').vars, ...settings('west').vars };
    secrets = { ...settings('north').secrets, ...settings('west').secrets, KUBECONFIG: kube.kubeconfig({ token: kubeToken }) };
    // Let the first pods come up before switching.
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(async () => {
    await kube?.close();
    await confluent?.close();
  });

  const run = (inputs: Record<string, string | boolean>): Promise<WorkflowResult> =>
    runWorkflow({
      workflow: '.github/workflows/dr-switch.yml',
      workspace,
      event: 'workflow_call',
      inputs: {
        'client-style': 'proxy',
        'link-name': 'dr-link',
        'mirror-topics': 'orders',
        'mirror-timeout': '30s',
        'rollout-timeout': '60s',
        'reload-grace': '5s',
        ...inputs,
      },
      secrets,
      vars,
      concurrency: new ConcurrencyGroups(),
    });

  const leaks = (result: WorkflowResult): string[] => {
    const shown =
      JSON.stringify(allSteps(result).map((s) => [s.log, s.summary])) + JSON.stringify(result.annotations) + result.summary + JSON.stringify(result.outputs);
    return findLeaks(shown, [confluent.info('west').apiSecret, confluent.info('north').apiSecret, kubeToken]);
  };

  it('dry run: validates the mirror reversal and the ConfigMap change on the servers, changes nothing', async () => {
    const before = JSON.stringify(kube.get('ConfigMap', 'clients', 'kafka-proxy-config'));
    const result = await run({ target: 'west', 'dry-run': true });
    const failed = allSteps(result)
      .filter((s) => s.outcome === 'failure')
      .map((s) => `${s.name}: ${s.error}`);
    expect(failed).toEqual([]);
    expect(result.conclusion).toBe('success');
    const outcomes = Object.fromEntries(findJob(result, 'switch')!.steps.map((s) => [s.kind === 'post' ? s.name : (s.id ?? s.name), s.outcome]));
    expect(outcomes).toMatchObject({
      plan: 'success',
      kube: 'success',
      restore: 'skipped',
      mirror: 'success',
      swap: 'success',
      verify: 'skipped',
      'verify-second': 'skipped',
      report: 'success',
    });
    expect(findStep(result, 'switch', 'mirror')!.outputs['failed-topics']).toBe('');
    expect(findStep(result, 'switch', 'swap')!.outputs.changed).toBe('true');
    // Nothing changed: the mirror still mirrors, the clients' ConfigMap is untouched.
    expect(confluent.mirrorState('west', 'dr-link', 'orders')?.status).toBe('ACTIVE');
    expect(JSON.stringify(kube.get('ConfigMap', 'clients', 'kafka-proxy-config'))).toBe(before);
    expect(result.outputs.operation).toBe('reverse-and-start-mirror');
    // The result JSON reaches the caller: it holds no secret (a cluster id kept as a secret would blank it).
    expect(JSON.parse(result.outputs['mirror-result'])).toMatchObject({ operation: 'reverse-and-start-mirror' });
    expect(result.summary).toContain('dry run towards **west**: nothing was changed');
    // aks-context's post step removed the kubeconfig it wrote.
    expect(findJob(result, 'switch')!.steps.at(-1)).toMatchObject({ kind: 'post', outcome: 'success' });
    expect(leaks(result)).toEqual([]);
  });

  fullIt('switch: reverses the mirror, moves the proxy clients to west and proves every client rolled', async () => {
    const result = await run({ target: 'west' });
    const failed = allSteps(result)
      .filter((s) => s.outcome === 'failure')
      .map((s) => `${s.name}: ${s.error}`);
    expect(failed).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(confluent.mirrorState('west', 'dr-link', 'orders')?.status).toBe('STOPPED');
    const config = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as { data: Record<string, string> };
    expect(config.data.BOOTSTRAP_SERVER).toBe(confluent.info('west').bootstrap);
    const workloads = JSON.parse(result.outputs.workloads) as Array<Array<{ name: string; result: string }>>;
    expect(workloads).toHaveLength(1);
    expect(workloads[0].map((w) => w.name).sort()).toEqual(['java-cloud-consumer', 'java-cloud-producer']);
    // 'rolled' when verify-rollout watched the rollout, 'already-current' when Reloader had finished first.
    for (const w of workloads[0]) expect(['rolled', 'already-current']).toContain(w.result);
    // And the pods that became ready last (two per client) read the west cluster from the ConfigMap.
    for (const owner of ['Deployment/java-cloud-producer', 'Deployment/java-cloud-consumer']) {
      expect(
        ready
          .filter((p) => p.owner === owner)
          .slice(-2)
          .map((p) => p.bootstrap),
      ).toEqual([confluent.info('west').bootstrap, confluent.info('west').bootstrap]);
    }
    expect(Number(result.outputs['switch-seconds'])).toBeGreaterThan(0);
    expect(result.outputs['previous-target']).toBe('');
    expect(leaks(result)).toEqual([]);
  });
});
