import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCENARIO, DEFAULT_TIMING, REAL_KUBE_TIMING, runScenario, type DrillResult } from '../../src/playground/drill/index.js';
import { repoRoot } from '../helpers/run-action.js';
import { allSteps } from '../../src/playground/workflow/index.js';
import { reloaderInUse } from './fixture.js';

/**
 * `npm run drill -- --kube real`: the standard drill (active-passive, proxy clients, unplanned outage of north,
 * failover to west, failback) with the workflow files run by the local runner, Confluent emulated, and the real
 * control plane instead of the Kubernetes emulator: swap-configmap and verify-rollout act on the real API, the
 * Reloader rolls the client Deployments through the real controllers, and each simulated client starts when kwok
 * marks its pod Ready, reading the configuration its pod references at that moment.
 */
describe(`the drill on the real control plane (${reloaderInUse()} rolls the clients)`, () => {
  it('fails over and back: every check passes, RPO is what ccloud-mirror predicted, and every client ends on north', async () => {
    const lines: string[] = [];
    const result: DrillResult = await runScenario(DEFAULT_SCENARIO, {
      workspace: repoRoot,
      timing: { ...DEFAULT_TIMING, ...REAL_KUBE_TIMING },
      kube: 'real',
      log: (line) => lines.push(line),
    });
    expect(result.error).toBeUndefined();
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.kube).toMatch(/^a real Kubernetes v1\.36\.3 control plane/);
    expect(lines.some((l) => l.startsWith('Kubernetes: a real Kubernetes v1.36.3 control plane'))).toBe(true);
    const [failover, failback] = result.phases;
    expect([failover.conclusion, failback.conclusion]).toEqual(['success', 'success']);
    // Unplanned: the records north acknowledged that west never got are exactly ccloud-mirror's total-lag.
    expect(failover.measures.rpo).toBe(failover.expectedRpo!.value);
    expect(failover.measures.clients.offTarget).toEqual([]);
    expect(failback.measures.clients.offTarget).toEqual([]);
    expect(failback.measures.rpo).toBe(0);
    expect(failback.measures.rtoMs).toBeGreaterThan(0);
    // Before anything changed, the group's checks asked the real API server: every verb allowed (SelfSubjectAccessReview
    // through the real RBAC authorizer), and Reloader's Deployment available.
    const check = allSteps(failover.workflow).find((s) => s.job.includes('preflight') && s.id === 'verify')!;
    expect(check.outcome).toBe('success');
    expect(check.summary).toMatch(/Permissions: (\d+) of \1 allowed\./);
    expect(check.summary).toContain('Reloader: running, Deployment reloader/reloader-reloader has 1 available replica\\(s\\).');
  });
});
