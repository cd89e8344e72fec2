import { afterEach, describe, expect, it } from '@jest/globals';
import { DrillSession, drillMarkdown, type PhaseResult } from '../../src/playground/drill/index.js';
import { findLeaks } from '../helpers/run-action.js';
import { TEST_TIMING, workspace } from './helpers.js';

/**
 * Drills where a step fails midway: the report must say where and why, and re-running the workflow once the
 * cause is fixed must complete the switch (the actions are idempotent: what was done is recognised, the rest
 * is done).
 */
const suite = describe;

let session: DrillSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function start(): Promise<DrillSession> {
  session = await DrillSession.start({ workspace, scenario: { pattern: 'active-passive', style: 'proxy', mode: 'planned' }, timing: TEST_TIMING });
  await session.deployClients('north');
  await session.startTraffic();
  return session;
}

const onCluster = (s: DrillSession, cluster: string) =>
  s.fleet
    .live()
    .filter((p) => p.cluster === cluster)
    .map((p) => `${p.role}`)
    .sort();

function expectCompleted(rerun: PhaseResult): void {
  expect(rerun.failure).toBeUndefined();
  expect(rerun.conclusion).toBe('success');
  expect(rerun.measures.clients.offTarget).toEqual([]);
  expect(rerun.measures.clients.producers + rerun.measures.clients.consumers).toBe(4);
  expect(rerun.measures.rpo).toBe(0);
  expect(rerun.measures.rtoMs).toBeDefined();
}

suite('drills with a failing step', () => {
  it('the new version crash-loops: the report names the workload, the pod and CrashLoopBackOff; after the fix a re-run completes the switch', async () => {
    const s = await start();
    s.topology.emulator!.setPodFault(s.topology.namespace, 'java-cloud-producer', 'CrashLoopBackOff');
    const inputs = { target: 'west', 'client-style': 'proxy', pattern: 'active-passive', 'mirror-topics': s.topology.topic, 'reload-grace': '2s' };
    // dr-switch.yml itself (as other repositories call it), with a short rollout timeout so the failure comes quickly.
    const first = await s.runSwitch({
      name: 'failover',
      from: 'north',
      to: 'west',
      workflow: '.github/workflows/dr-switch.yml',
      event: 'workflow_call',
      inputs: { ...inputs, 'rollout-timeout': '3s' },
      sourceReachable: true,
    });

    // Where: the verify step; why: the producer's new pod crash-loops.
    expect(first.conclusion).toBe('failure');
    expect(first.failure).toMatch(/^switch \/ Verify the clients of kafka-proxy-config: verify-rollout: 1 of 2 workloads did not finish/);
    expect(first.failure).toContain('Deployment/java-cloud-producer');
    expect(first.failure).toContain('CrashLoopBackOff');
    expect(first.workflow.summary).toMatch(/\| Mirror topics \| ✅ success \|/);
    expect(first.workflow.summary).toMatch(/\| Client rollout \| ❌ failure \|/);
    // Midway: the mirror was reversed and the consumers moved, but the old producers stay on north (maxUnavailable 0)
    // where the topic is now a read-only mirror: nothing can be written, records do not flow on west.
    expect(onCluster(s, 'west')).toEqual(['consumer', 'consumer']);
    expect(onCluster(s, 'north')).toEqual(['producer', 'producer']);
    expect(first.measures.rtoMs).toBeUndefined();
    expect(s.ledger.errors.some((e) => e.cluster === 'north' && /read-only mirror topic 'orders'/.test(e.message))).toBe(true);
    const failedReport = drillMarkdown(s.result());
    expect(failedReport).toContain('First failure: switch / Verify the clients of kafka-proxy-config');
    expect(failedReport).toMatch(
      /\| failover: every client on west \| ❌ \| 2 of 4 client pods not on west: java-cloud-producer-\w+-\w+ \\\(producer, on north\\\)/,
    );

    // The fix: a version that starts (the fault cleared), and the crash-looping pod deleted so its ReplicaSet replaces it.
    const trouble = s.podsInTrouble();
    expect(trouble).toEqual([{ name: expect.stringMatching(/^java-cloud-producer-/), reason: 'CrashLoopBackOff' }]);
    s.topology.emulator!.setPodFault(s.topology.namespace, 'java-cloud-producer', null);
    await s.deletePods(trouble.map((p) => p.name));
    const rerun = await s.runSwitch({
      name: 'failover (re-run)',
      from: 'north',
      to: 'west',
      workflow: '.github/workflows/dr-switch.yml',
      event: 'workflow_call',
      inputs: { ...inputs, 'rollout-timeout': '60s' },
      sourceReachable: true,
      t0: { at: first.window.t0, label: 'start of the first attempt' },
    });
    expectCompleted(rerun);
    // The re-run recognised what the first run had done.
    expect(rerun.workflow.summary).toContain('already STOPPED: nothing sent');
    expect(rerun.workflow.summary).toMatch(/ConfigMap\/clients\/kafka-proxy-config \| already in place/);
    expect(rerun.measures.rtoMs!).toBeGreaterThan(first.window.switchEnd - first.window.t0);

    const final = await s.drain('west');
    expect(final.lost).toBe(0);
    expect(final.unconsumed).toBe(0);
    const result = s.result(final);
    // Only the first attempt's checks fail; the re-run's and the end state's pass.
    expect(result.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      'failover: dr-switch.yml succeeded',
      'failover: every client on west',
      'failover: records flow again on west',
    ]);
    expect(findLeaks(drillMarkdown(result), s.topology.secretValues)).toEqual([]);
  });

  it('the link is missing: the report says ccloud-mirror found no such link and nothing else changed; with the right link a re-run completes', async () => {
    const s = await start();
    const before = JSON.stringify(s.topology.emulator!.get('ConfigMap', s.topology.namespace, 'kafka-proxy-config'));
    // The repository variable names a link the target cluster does not have.
    s.topology.vars.CCLOUD_LINK_NAME = 'dr-link-v2';
    const spec = {
      from: 'north',
      to: 'west',
      workflow: '.github/workflows/proxy-failover.yml',
      inputs: { target: 'west', pattern: 'active-passive', 'mirror-topics': s.topology.topic },
      sourceReachable: true,
    };
    const first = await s.runSwitch({ name: 'failover', ...spec });

    expect(first.conclusion).toBe('failure');
    // Where (the job and step), why (no such link on the target cluster), and what to do (the links that exist).
    expect(first.failure).toMatch(/^switch \/ switch \/ Mirror topics to west \(reverse-and-start-mirror\): ccloud-mirror: /);
    expect(first.failure).toContain("'dr-link-v2' doesn't exist (cluster lkc-west)");
    expect(first.failure).toContain('dr-link (BIDIRECTIONAL, ACTIVE)');
    expect(first.workflow.summary).toMatch(/\| Mirror topics \| ❌ failure \|/);
    expect(first.workflow.summary).toMatch(/\| Client configuration \| ⏭️ skipped \|/);
    // Nothing changed: the mirror still mirrors, the clients' ConfigMap is untouched, every client still writes to north.
    expect(s.topology.confluent.mirrorState('west', 'dr-link', s.topology.topic)?.status).toBe('ACTIVE');
    expect(JSON.stringify(s.topology.emulator!.get('ConfigMap', s.topology.namespace, 'kafka-proxy-config'))).toBe(before);
    expect(onCluster(s, 'north')).toEqual(['consumer', 'consumer', 'producer', 'producer']);
    const duringFailure = [...s.ledger.acks.values()].filter(
      (a) => a.cluster === 'north' && a.at >= first.window.switchStart && a.at <= first.window.evaluatedAt,
    );
    expect(duringFailure.length).toBeGreaterThan(0);
    expect(drillMarkdown(s.result())).toContain(
      // The report shows outside text escaped for Markdown.
      "First failure: switch / switch / Mirror topics to west \\(reverse-and-start-mirror\\): ccloud-mirror: the cluster link 'dr-link-v2' doesn't exist",
    );

    s.topology.vars.CCLOUD_LINK_NAME = 'dr-link';
    const rerun = await s.runSwitch({ name: 'failover (re-run)', ...spec });
    expectCompleted(rerun);
    expect(s.topology.confluent.mirrorState('west', 'dr-link', s.topology.topic)?.status).toBe('STOPPED');
    const final = await s.drain('west');
    expect(final.lost).toBe(0);
    expect(final.unconsumed).toBe(0);
    expect(findLeaks(drillMarkdown(s.result(final)), s.topology.secretValues)).toEqual([]);
  });
});
