import { describe, expect, it } from '@jest/globals';
import { parseWorkloads } from '../../src/actions/verify-rollout/inputs.js';
import { envVarName, LAST_RELOADED_FROM } from '../../src/core/kube/reloader.js';
import { formatReloadSource } from '../../src/playground/kube/reloader-plan.js';
import { RESTARTED_AT, RESTARTED_FOR, restartPatch, restartRefusal } from '../../src/core/kube/restart.js';
import { RolloutTracker, type Expected } from '../../src/actions/verify-rollout/rollout-tracker.js';
import { rolloutStatus } from '../../src/actions/verify-rollout/rollout-status.js';
import type { Workload } from '../../src/core/kube/workload.js';

const HASH = '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5';
const expected: Expected = { type: 'CONFIGMAP', name: 'kafka-proxy-config', namespace: 'clients', hash: HASH };
const ENV = envVarName('kafka-proxy-config', 'CONFIGMAP');

/** A Deployment at a given generation, with status fields and an optional env-var marker. */
function deployment(o: {
  generation: number;
  observed: number;
  replicas?: number;
  updated?: number;
  total?: number;
  available?: number;
  hash?: string;
  reason?: string;
  paused?: boolean;
  annotations?: Record<string, string>;
}): Workload {
  const replicas = o.replicas ?? 2;
  return {
    kind: 'Deployment',
    metadata: { name: 'producer', namespace: 'clients', generation: o.generation },
    spec: {
      replicas,
      paused: o.paused,
      template: { metadata: { annotations: o.annotations }, spec: { containers: [{ name: 'proxy', env: o.hash ? [{ name: ENV, value: o.hash }] : [] }] } },
    },
    status: {
      observedGeneration: o.observed,
      updatedReplicas: o.updated ?? replicas,
      replicas: o.total ?? replicas,
      availableReplicas: o.available ?? replicas,
      conditions: o.reason ? [{ type: 'Progressing', status: 'False', reason: o.reason }] : [],
    },
  };
}

const settings = { startedAt: 1000, timeoutMs: 60_000, graceMs: 5_000, restartIfNotReloaded: false };
const one = () => new RolloutTracker([{ namespace: 'clients', kind: 'Deployment', name: 'producer', expected }], settings);

describe('kubectl rollout status rules', () => {
  it.each([
    [deployment({ generation: 2, observed: 1 }), false, 'Waiting for deployment spec update to be observed...'],
    [
      deployment({ generation: 2, observed: 2, updated: 1 }),
      false,
      'Waiting for deployment "producer" rollout to finish: 1 out of 2 new replicas have been updated...',
    ],
    [
      deployment({ generation: 2, observed: 2, total: 3 }),
      false,
      'Waiting for deployment "producer" rollout to finish: 1 old replicas are pending termination...',
    ],
    [
      deployment({ generation: 2, observed: 2, available: 1 }),
      false,
      'Waiting for deployment "producer" rollout to finish: 1 of 2 updated replicas are available...',
    ],
    [deployment({ generation: 2, observed: 2 }), true, 'deployment "producer" successfully rolled out'],
    [deployment({ generation: 2, observed: 2, reason: 'ProgressDeadlineExceeded', updated: 1 }), true, 'deployment "producer" exceeded its progress deadline'],
  ])('Deployment %#', (w, done, message) => {
    expect(rolloutStatus('Deployment', w)).toMatchObject({ done, message });
  });

  it('refuses OnDelete StatefulSets and DaemonSets, and applies the partition rule', () => {
    const sts = (
      updateStrategy: Workload['spec'] extends infer S ? (S extends { updateStrategy?: infer U } ? U : never) : never,
      status: Workload['status'],
    ): Workload => ({ metadata: { name: 'db', generation: 3 }, spec: { replicas: 3, updateStrategy }, status: { observedGeneration: 3, ...status } });
    expect(rolloutStatus('StatefulSet', sts({ type: 'OnDelete' }, {}))).toEqual({
      done: true,
      error: true,
      message: 'rollout status is only available for RollingUpdate strategy type',
    });
    expect(rolloutStatus('DaemonSet', { metadata: { name: 'd' }, spec: { updateStrategy: { type: 'OnDelete' } } }).error).toBe(true);
    expect(
      rolloutStatus('StatefulSet', sts({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, { readyReplicas: 3, updatedReplicas: 2 })).message,
    ).toBe('Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated...');
    expect(rolloutStatus('StatefulSet', sts({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, { readyReplicas: 3, updatedReplicas: 3 })).done).toBe(
      true,
    );
    expect(rolloutStatus('StatefulSet', sts({ type: 'RollingUpdate' }, { readyReplicas: 3, currentRevision: 'a', updateRevision: 'b' })).done).toBe(false);
    expect(rolloutStatus('StatefulSet', sts({ type: 'RollingUpdate' }, { readyReplicas: 2 })).message).toBe('Waiting for 1 pods to be ready...');
  });
});

describe('RolloutTracker', () => {
  it('is done at once for a workload already at the hash with a complete rollout', () => {
    const t = one();
    t.observe(deployment({ generation: 3, observed: 3, hash: HASH }), 1010);
    expect(t.settled()).toBe(true);
    expect(t.all[0]).toMatchObject({ result: 'already-current', strategy: 'env-vars', doneAt: 1010 });
  });

  it('waits for the hash, then for observedGeneration to reach the generation where it appeared, then for kubectl done', () => {
    const t = one();
    t.observe(deployment({ generation: 1, observed: 1 }), 1000); // old template, rollout complete: not enough
    expect(t.settled()).toBe(false);
    t.observe(deployment({ generation: 2, observed: 1, hash: HASH }), 1100); // Reloader patched; status is stale (and says complete)
    expect(t.settled()).toBe(false);
    t.observe(deployment({ generation: 2, observed: 2, hash: HASH, updated: 1 }), 1200);
    expect(t.settled()).toBe(false);
    t.observe(deployment({ generation: 2, observed: 2, hash: HASH }), 1300);
    expect(t.all[0]).toMatchObject({ state: 'done', result: 'rolled', strategy: 'env-vars', markerGeneration: 2, doneAt: 1300 });
  });

  it('accepts the annotations strategy only for the same type, name, namespace and hash', () => {
    const source = (hash: string, name = 'kafka-proxy-config') =>
      formatReloadSource({ type: 'CONFIGMAP', name, namespace: 'clients', hash, containerRefs: ['proxy'], observedAt: 1 });
    const t = one();
    t.observe(deployment({ generation: 2, observed: 2, annotations: { [LAST_RELOADED_FROM]: source('0000') } }), 1000);
    t.observe(deployment({ generation: 3, observed: 3, annotations: { [LAST_RELOADED_FROM]: source(HASH, 'other') } }), 1001);
    expect(t.settled()).toBe(false);
    t.observe(deployment({ generation: 4, observed: 4, annotations: { [LAST_RELOADED_FROM]: source(HASH) } }), 1002);
    expect(t.all[0]).toMatchObject({ result: 'rolled', strategy: 'annotations' });
  });

  it('fails on ProgressDeadlineExceeded once the hash generation is observed', () => {
    const t = one();
    t.observe(deployment({ generation: 2, observed: 2, hash: HASH, updated: 1, reason: 'ProgressDeadlineExceeded' }), 1500);
    expect(t.all[0]).toMatchObject({ state: 'failed', failure: 'progress-deadline', reason: 'deployment "producer" exceeded its progress deadline' });
  });

  it('without Reloader: fails after the grace period naming the missing env var and the old hash', () => {
    const t = one();
    t.observe(deployment({ generation: 1, observed: 1, hash: 'aaaa' }), 1000);
    expect(t.nextDeadline(1000)).toBe(5000);
    expect(t.tick(5999).restart).toEqual([]);
    expect(t.settled()).toBe(false);
    t.tick(6000);
    expect(t.all[0]).toMatchObject({ state: 'failed', failure: 'not-reloaded' });
    expect(t.all[0].reason).toContain(`neither ${ENV}=${HASH}`);
    expect(t.all[0].reason).toContain(`it still has ${ENV}=aaaa`);
  });

  it('with restart-if-not-reloaded: asks once for a restart, then verifies the restarted rollout', () => {
    const t = new RolloutTracker([{ namespace: 'clients', kind: 'Deployment', name: 'producer', expected }], { ...settings, restartIfNotReloaded: true });
    t.observe(deployment({ generation: 1, observed: 1 }), 1000);
    const { restart } = t.tick(6000);
    expect(restart.map((r) => r.name)).toEqual(['producer']);
    expect(t.tick(6001).restart).toEqual([]);
    const annotations = (restartPatch(6000, expected, undefined) as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template
      .metadata.annotations;
    expect(annotations[RESTARTED_AT]).toBe('1970-01-01T00:00:06Z');
    t.observe(deployment({ generation: 2, observed: 1, annotations }), 6010);
    t.observe(deployment({ generation: 2, observed: 2, annotations }), 6500);
    expect(t.all[0]).toMatchObject({ state: 'done', result: 'restarted', strategy: 'restart' });
    // A re-run sees its own record and the workload is current at once.
    const rerun = one();
    rerun.observe(deployment({ generation: 2, observed: 2, annotations: { [RESTARTED_FOR]: annotations[RESTARTED_FOR] } }), 7000);
    expect(rerun.all[0]).toMatchObject({ result: 'already-current', strategy: 'restart' });
  });

  it('refuses to restart a paused Deployment, as kubectl does', () => {
    expect(restartRefusal('Deployment', deployment({ generation: 1, observed: 1, paused: true }))).toBe(
      "can't restart paused deployment (run rollout resume first)",
    );
    expect(restartRefusal('Deployment', deployment({ generation: 1, observed: 1 }))).toBeUndefined();
  });

  it('times out everything pending with its last status, once', () => {
    const t = new RolloutTracker(
      [
        { namespace: 'clients', kind: 'Deployment', name: 'producer', expected },
        { namespace: 'clients', kind: 'Deployment', name: 'consumer', expected },
      ],
      settings,
    );
    t.observe(deployment({ generation: 2, observed: 2, hash: HASH, updated: 1 }), 1000);
    t.observe({ ...deployment({ generation: 2, observed: 2, hash: HASH }), metadata: { name: 'consumer', namespace: 'clients', generation: 2 } }, 1000);
    t.tick(61_000);
    expect(t.all.map((w) => [w.name, w.result, w.failure ?? ''])).toEqual([
      ['producer', 'failed', 'timeout'],
      ['consumer', 'already-current', ''],
    ]);
    expect(t.all[0].reason).toBe('Waiting for deployment "producer" rollout to finish: 1 out of 2 new replicas have been updated...');
  });

  it('refuses an OnDelete StatefulSet at once: waiting would never finish', () => {
    const t = new RolloutTracker([{ namespace: 'clients', kind: 'StatefulSet', name: 'db', expected }], settings);
    t.observe(
      {
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'clients', generation: 2 },
        spec: { replicas: 1, updateStrategy: { type: 'OnDelete' }, template: { spec: { containers: [{ name: 'db', env: [{ name: ENV, value: HASH }] }] } } },
        status: { observedGeneration: 2 },
      },
      1000,
    );
    expect(t.all[0]).toMatchObject({ state: 'failed', failure: 'on-delete' });
    expect(t.all[0].reason).toContain('with updateStrategy OnDelete the pods only get the new configuration when they are deleted');
  });

  it('fails a workload deleted during the verification', () => {
    const t = one();
    t.observe(deployment({ generation: 1, observed: 1 }), 1000);
    t.observe(deployment({ generation: 1, observed: 1 }), 1001, 'DELETED');
    expect(t.all[0]).toMatchObject({ failure: 'deleted' });
  });
});

describe('workloads input', () => {
  it('parses Kind/name and namespace/Kind/name, with kubectl-style kind names', () => {
    expect(parseWorkloads(['Deployment/producer', 'deploy/consumer', 'sts/db'], ['clients'])).toEqual([
      { namespace: 'clients', kind: 'Deployment', name: 'producer' },
      { namespace: 'clients', kind: 'Deployment', name: 'consumer' },
      { namespace: 'clients', kind: 'StatefulSet', name: 'db' },
    ]);
    expect(parseWorkloads(['b/DaemonSet/agent'], ['a', 'b'])).toEqual([{ namespace: 'b', kind: 'DaemonSet', name: 'agent' }]);
  });

  it.each([
    [['Deployment/x'], ['a', 'b'], 'without a namespace'],
    [['CronJob/x'], ['a'], "kind 'CronJob', which cannot be verified"],
    [['c/Deployment/x'], ['a'], "namespace 'c', which is not in input 'namespace'"],
    [['x'], ['a'], "has the item 'x'"],
  ])('refuses %p', (items, namespaces, message) => {
    expect(() => parseWorkloads(items, namespaces)).toThrow(message);
  });
});
