import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiError, deployment, deploymentRolledOut, namespace, sleep, startFixture, waitFor, type KubeFixture } from './helpers.js';

/** Jobs and CronJobs: stored and served (no controller), and gone through by the emulator's Reloader in its order. */

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ podReadyDelayMs: 20 });
});
afterAll(() => f.emu.close());

const podSpec = { restartPolicy: 'Never', containers: [{ name: 'app', image: 'report:1', envFrom: [{ configMapRef: { name: 'cfg' } }] }] };
const cronJob = (ns: string, name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: ns, annotations },
  spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: podSpec } } } },
});
const job = (ns: string, name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: ns, annotations },
  spec: { template: { spec: podSpec } },
});

describe('Jobs and CronJobs', () => {
  it('are served under batch/v1: discovery, lists, gets, and the apiserver validation of their pod template', async () => {
    const ns = namespace(f.emu, 'batch');
    f.emu.apply([cronJob(ns, 'nightly'), job(ns, 'once')]);
    const groups = (await (await fetch(`${f.emu.url}/apis`)).json()) as { groups: Array<{ name: string }> };
    expect(groups.groups.map((g) => g.name)).toEqual(['apps', 'authorization.k8s.io', 'batch', 'rbac.authorization.k8s.io']);
    const resources = (await (await fetch(`${f.emu.url}/apis/batch/v1`)).json()) as { resources: Array<{ name: string }> };
    expect(resources.resources.map((r) => r.name)).toEqual(['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']);
    const jobs = (await (await fetch(`${f.emu.url}/apis/batch/v1/namespaces/${ns}/jobs`)).json()) as {
      kind: string;
      items: Array<{ metadata: { name: string } }>;
    };
    expect(jobs.kind).toBe('JobList');
    expect(jobs.items.map((j) => j.metadata.name)).toEqual(['once']);
    const cron = (await (await fetch(`${f.emu.url}/apis/batch/v1/namespaces/${ns}/cronjobs/nightly`)).json()) as {
      kind: string;
      metadata: { generation: number };
    };
    expect(cron).toMatchObject({ kind: 'CronJob', metadata: { generation: 1 } });
    expect(() => f.emu.apply({ ...job(ns, 'bad'), spec: { template: { spec: { containers: podSpec.containers } } } })).toThrow(
      'spec.template.spec.restartPolicy: Required value',
    );
    expect(() => f.emu.apply({ ...cronJob(ns, 'bad'), spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } })).toThrow(
      'spec.schedule: Required value',
    );
    const missing = await apiError(f.core.readNamespacedConfigMap({ name: 'nope', namespace: ns }));
    expect(missing.code).toBe(404);
  });

  it("Reloader goes through them in its order: an invalid reload pattern on a CronJob ends the pass (Reloader's panic)", async () => {
    const ns = namespace(f.emu, 'batch');
    f.emu.apply([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns }, data: { a: '1' } },
      deployment('a-first', ns, { annotations: { 'configmap.reloader.stakater.com/reload': 'cfg' }, containers: podSpec.containers.map((c) => ({ ...c })) }),
      cronJob(ns, 'broken', { 'configmap.reloader.stakater.com/reload': 'a{1001}' }),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'z-last', namespace: ns, annotations: { 'configmap.reloader.stakater.com/reload': 'cfg' } },
        spec: {
          replicas: 1,
          serviceName: 'z',
          selector: { matchLabels: { app: 'z' } },
          template: { metadata: { labels: { app: 'z' } }, spec: { containers: [{ name: 'app', image: 'z:1', envFrom: [{ configMapRef: { name: 'cfg' } }] }] } },
        },
      },
    ]);
    await waitFor('the first rollout', () => deploymentRolledOut(f.emu.get('Deployment', ns, 'a-first')));
    f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns }, data: { a: '2' } });
    const env = (kind: string, name: string) =>
      (
        f.emu.get(kind, ns, name) as { spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string }> }> } } } }
      ).spec.template.spec.containers.flatMap((c) => c.env ?? []);
    // Deployments come before CronJobs in Reloader's order, StatefulSets after them.
    await waitFor('the Deployment rolled', () => env('Deployment', 'a-first').some((e) => e.name === 'STAKATER_CFG_CONFIGMAP'));
    await sleep(200);
    expect(env('StatefulSet', 'z-last')).toEqual([]);
  });
});
