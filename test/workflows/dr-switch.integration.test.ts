import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { allJobs, allSteps, ConcurrencyGroups, findJob, findStep, runWorkflow, type WorkflowResult } from '../../src/playground/workflow/index.js';
import { clientValues, loadManifests, repositorySettings } from '../../src/playground/drill/index.js';
import { mutatingConfluent, mutatingKube } from '../../src/playground/drill/faults.js';
import { findLeaks } from '../helpers/run-action.js';

/**
 * dr-switch.yml itself, run by the local runner against the Confluent and Kubernetes emulators: every
 * `./actions/<name>` step is that action's dist/ bundle run as a child process, as on GitHub. It needs the
 * six bundles (`npm run build`); without them the suite fails: users run dist/, so it must not pass as skipped.
 */
const workspace = new URL('../..', import.meta.url).pathname;
const missing = (names: string[]): string[] => names.filter((name) => !existsSync(join(workspace, 'dist', name, 'index.js')));
const fullMissing = missing(['aks-context', 'ccloud-mirror', 'dr-plan', 'dr-report', 'swap-configmap', 'verify-rollout']);
if (fullMissing.length) throw new Error(`dr-switch integration needs the dist bundles of ${fullMissing.join(', ')}: run \`npm run build\``);
const suite = describe;

suite('dr-switch.yml against the emulators: two client groups in two namespaces, one topology', () => {
  let confluent: ConfluentEmulator;
  let kube: KubeEmulator;
  const kubeToken = 'kube-token-7f3a9c1e5b2d4f60';
  let secrets: Record<string, string>;
  let vars: Record<string, string>;
  const ready: Array<{ owner: string; namespace: string; configs: Record<string, Record<string, string>> }> = [];

  beforeAll(async () => {
    confluent = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], replicationDelayMs: 10, transitionMs: 20 });
    confluent.createTopic('north', 'orders', { partitions: 2 });
    confluent.createLink('north', 'dr-link', { remote: 'west', mode: 'BIDIRECTIONAL' });
    confluent.createLink('west', 'dr-link', { remote: 'north', mode: 'BIDIRECTIONAL' });
    confluent.createMirror('west', 'dr-link', 'orders');
    confluent.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }]);

    kube = await startKube({ podReadyDelayMs: 20, tokens: [kubeToken] });
    kube.onPod((event, pod, mounted) => {
      if (event === 'ready') ready.push({ owner: pod.owner, namespace: pod.namespace, configs: mounted.configMaps });
    });
    // The clients start on north with the applications' key, as the topology's application credentials say.
    kube.apply(loadManifests(workspace, 'both', clientValues(confluent.info('north'))));
    // As .github/ccloud-dr.yml names them: connection facts as variables, the two keys of each cluster as secrets.
    ({ vars, secrets } = repositorySettings(confluent.clusters, kube.kubeconfig({ token: kubeToken })));
    // Let the first pods come up before switching.
    await new Promise((r) => setTimeout(r, 400));
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
      inputs: { 'mirror-topics': 'orders', 'mirror-timeout': '30s', 'reload-grace': '5s', ...inputs },
      secrets,
      vars,
      concurrency: new ConcurrencyGroups(),
    });

  const leaks = (result: WorkflowResult): string[] => {
    const shown =
      JSON.stringify(allSteps(result).map((s) => [s.log, s.summary])) + JSON.stringify(result.annotations) + result.summary + JSON.stringify(result.outputs);
    const values = ['north', 'west'].flatMap((n) => [
      confluent.info(n).apiSecret,
      confluent.info(n).appApiSecret,
      confluent.info(n).apiKey,
      confluent.info(n).appApiKey,
    ]);
    return findLeaks(shown, [...values, kubeToken]);
  };
  const failures = (result: WorkflowResult) =>
    allSteps(result)
      .filter((s) => s.outcome === 'failure')
      .map((s) => `${s.job} / ${s.name}: ${s.error}`);

  it("dry run: validates the reversal with the DR key and both groups' changes with dryRun=All, changes nothing", async () => {
    kube.resetRequests();
    confluent.resetRequests();
    const before = ['clients', 'nproxy-clients'].map((ns) => JSON.stringify(kube.list('ConfigMap', ns)));
    const result = await run({ target: 'west', 'dry-run': true });
    expect(failures(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    // Plan, then the mirror check and one check per group; no mirror job, no client job.
    expect(allJobs(result).map((j) => [j.path, j.result])).toEqual([
      ['plan', 'success'],
      ['check-mirror', 'success'],
      ['preflight (proxy)', 'success'],
      ['preflight (noproxy)', 'success'],
      ['mirror', 'skipped'],
      ['clients', 'skipped'],
      ['report', 'success'],
    ]);
    expect(findStep(result, 'check-mirror', 'check-mirror')!.outputs['failed-topics']).toBe('');
    expect(findStep(result, 'preflight (noproxy)', 'swap')!.outputs.changed).toBe('true');
    expect(
      JSON.parse(findStep(result, 'preflight (noproxy)', 'verify')!.outputs.workloads).map((w: { object: string; name: string }) => `${w.object} ${w.name}`),
    ).toEqual([
      'ConfigMap/java-cloud-producer-noproxy-config java-cloud-producer-noproxy',
      'ConfigMap/java-cloud-consumer-noproxy-config java-cloud-consumer-noproxy',
    ]);
    // Nothing changed: only reads, dry runs, validate_only and access reviews reached the servers.
    expect(mutatingKube(kube.requests())).toEqual([]);
    expect(mutatingConfluent(confluent.requests())).toEqual([]);
    expect(confluent.requests().some((r) => r.query.includes('validate_only=true'))).toBe(true);
    expect(kube.requests().some((r) => r.query.includes('dryRun=All'))).toBe(true);
    expect(confluent.mirrorState('west', 'dr-link', 'orders')?.status).toBe('ACTIVE');
    expect(['clients', 'nproxy-clients'].map((ns) => JSON.stringify(kube.list('ConfigMap', ns)))).toEqual(before);
    expect(result.outputs.verdict).toBe('Dry run towards west: every check passed; nothing was changed');
    // The actions' summaries are folded under their first line; the DR report is not.
    expect(result.summary).toContain('<details><summary>🗺️ DR plan: switch to west from north</summary>');
    expect(result.summary).toContain('\n## 🧪 Dry run towards west: every check passed; nothing was changed\n');
    expect(leaks(result)).toEqual([]);
  });

  it('switch: reverses the mirror with the DR key, moves both groups in parallel with the application key, proves every client rolled', async () => {
    const result = await run({ target: 'west' });
    expect(failures(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(confluent.mirrorState('west', 'dr-link', 'orders')?.status).toBe('STOPPED');
    const west = confluent.info('west');
    // The clients got the applications' key, never the DR operator's.
    const proxy = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as { data: Record<string, string> };
    expect(proxy.data.BOOTSTRAP_SERVER).toBe(west.bootstrap);
    const all = JSON.stringify([kube.list('ConfigMap', 'clients'), kube.list('ConfigMap', 'nproxy-clients')]);
    expect(all).toContain(west.appApiKey);
    expect(all).not.toContain(west.apiKey);
    // The two groups' jobs overlapped in time: they ran at once, not one after the other.
    const [a, b] = ['clients (proxy)', 'clients (noproxy)'].map((p) => findJob(result, p)!);
    expect(a.result).toBe('success');
    expect(b.result).toBe('success');
    expect(a.startedAt < b.finishedAt && b.startedAt < a.finishedAt).toBe(true);
    // The pods that became ready last in each namespace read the west cluster.
    const last = (ns: string, owner: string) => ready.filter((p) => p.namespace === ns && p.owner === owner).at(-1)!;
    expect(last('clients', 'Deployment/java-cloud-producer').configs['kafka-proxy-config'].BOOTSTRAP_SERVER).toBe(west.bootstrap);
    expect(JSON.stringify(last('nproxy-clients', 'Deployment/java-cloud-producer-noproxy').configs)).toContain(west.bootstrap);
    expect(result.outputs.operation).toBe('reverse-and-start-mirror');
    expect(result.outputs['total-lag']).toBe('0');
    expect(result.outputs.verdict).toBe('Clients on west: reverse-and-start-mirror of orders, 2 client group(s) verified');
    expect(Number(result.outputs['switch-seconds'])).toBeGreaterThan(0);
    // The verdict comes first, before any action's details, and the timeline is in the workflow's own summary.
    const report = findJob(result, 'report')!.steps.find((s) => s.id === 'report')!.summary;
    expect(report.indexOf('## ✅ Clients on west')).toBe(0);
    expect(report).toContain('| RPO | 0 records');
    expect(report).toContain('```mermaid\ngantt');
    expect(leaks(result)).toEqual([]);
  });

  it('two Kubernetes clusters: each group is moved on its own cluster, with its own kubeconfig secret', async () => {
    // A second cluster runs its own copy of the no-proxy clients, on west's configuration as the last switch left them.
    const second = await startKube({ podReadyDelayMs: 20, tokens: [`${kubeToken}-2`] });
    const dir = join(workspace, '.drill', `two-clusters-${process.pid}-${Date.now()}`);
    try {
      const west = confluent.info('west');
      second.apply(loadManifests(workspace, 'noproxy', clientValues(west)));
      await new Promise((r) => setTimeout(r, 300));
      // The repository's topology, with the no-proxy group on the second cluster.
      const topology = parse(readFileSync(join(workspace, '.github/ccloud-dr.yml'), 'utf8')) as { 'client-groups': Array<{ kubernetes: unknown }> };
      topology['client-groups'][1].kubernetes = { kubeconfig: { secret: 'KUBECONFIG_SECOND' } };
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'ccloud-dr.yml'), stringify(topology));
      const firstBefore = JSON.stringify(kube.list('ConfigMap', 'nproxy-clients'));
      const result = await runWorkflow({
        workflow: '.github/workflows/dr-switch.yml',
        workspace,
        event: 'workflow_call',
        inputs: {
          config: relative(workspace, join(dir, 'ccloud-dr.yml')),
          target: 'north',
          'mirror-topics': 'orders',
          'mirror-timeout': '30s',
          'reload-grace': '5s',
        },
        secrets: { ...secrets, KUBECONFIG_SECOND: second.kubeconfig({ token: `${kubeToken}-2` }) },
        vars,
        concurrency: new ConcurrencyGroups(),
      });
      expect(failures(result)).toEqual([]);
      expect(result.conclusion).toBe('success');
      const north = confluent.info('north');
      // The proxy group moved on the first cluster, the no-proxy group on the second.
      expect((kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as { data: Record<string, string> }).data.BOOTSTRAP_SERVER).toBe(north.bootstrap);
      expect(JSON.stringify(second.list('ConfigMap', 'nproxy-clients'))).toContain(north.bootstrap);
      expect(JSON.stringify(second.list('ConfigMap', 'nproxy-clients'))).not.toContain(west.bootstrap);
      // The first cluster's no-proxy copy is not the group's: untouched.
      expect(JSON.stringify(kube.list('ConfigMap', 'nproxy-clients'))).toBe(firstBefore);
      expect(JSON.parse(findStep(result, 'clients (noproxy)', 'verify')!.outputs.workloads).map((w: { name: string; result: string }) => w.name)).toEqual([
        'java-cloud-producer-noproxy',
        'java-cloud-consumer-noproxy',
      ]);
      expect(result.outputs.verdict).toBe('Clients on north: reverse-and-start-mirror of orders, 2 client group(s) verified');
      expect(leaks(result)).toEqual([]);
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
