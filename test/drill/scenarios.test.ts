import { describe, expect, it } from '@jest/globals';
import { drillMarkdown, runScenario, scenarioTitle, type DrillResult, type PhaseResult, type Scenario } from '../../src/playground/drill/index.js';
import { findLeaks } from '../helpers/run-action.js';
import { TEST_TIMING, workspace } from './helpers.js';

/**
 * The drill matrix on the playground: the repository's failover and failback workflows run by the local runner
 * against the emulators, with simulated clients, asserting the measured RTO and RPO, not only the exit status.
 * One scenario per pattern x mode (the styles alternate); `npm run drill -- --all` runs all eight.
 */
const suite = describe;
const t = TEST_TIMING;

function phase(result: DrillResult, name: string): PhaseResult {
  const found = result.phases.find((p) => p.name === name);
  if (!found) throw new Error(`no ${name} phase; checks: ${JSON.stringify(result.checks.filter((c) => !c.ok))}`);
  return found;
}

/** Bounds every switch must meet whatever the machine's speed. */
function expectSwitchBounds(p: PhaseResult, activePassive: boolean): void {
  const m = p.measures;
  expect(p.conclusion).toBe('success');
  // Every client pod alive at the evaluation is on the target and connected, and there are some of each.
  expect(m.clients.offTarget).toEqual([]);
  expect(m.clients.producers).toBe(2);
  expect(m.clients.consumers).toBe(2);
  // Records flow again end to end on the target...
  expect(m.rtoMs).toBeDefined();
  // ...not before a new pod could be ready there (plus the mirror's state change when the mirrors move)...
  expect(m.rtoMs!).toBeGreaterThanOrEqual(t.podReadyDelayMs + (activePassive ? t.transitionMs : 0));
  // ...and no later than the end of the switch plus the settle time (the measure is taken then).
  expect(m.rtoMs!).toBeLessThanOrEqual(p.window.evaluatedAt - p.window.t0);
  expect(m.firstAckOnTargetMs!).toBeLessThanOrEqual(m.rtoMs!);
  expect(m.ackedOnSource).toBeGreaterThan(0);
}

function expectNoLeaks(result: DrillResult, secrets: string[], log: string[]): void {
  const shown = drillMarkdown(result) + log.join('\n') + JSON.stringify(result.checks);
  expect(findLeaks(shown, secrets)).toEqual([]);
}

/** Runs a scenario, collecting its progress log and the playground's secrets (API keys and secrets, kube token). */
async function drill(scenario: Scenario): Promise<{ result: DrillResult; log: string[]; secrets: string[] }> {
  const log: string[] = [];
  let secrets: string[] = [];
  const result = await runScenario(scenario, {
    workspace,
    timing: TEST_TIMING,
    log: (line) => log.push(line),
    onSession: (s) => (secrets = s.topology.secretValues),
  });
  return { result, log, secrets };
}

suite('drill scenarios', () => {
  it('active-passive, proxy, unplanned outage: RPO equals the failover total-lag, truncate-and-restore drops exactly those, failback loses nothing', async () => {
    const { result, log, secrets } = await drill({ pattern: 'active-passive', style: 'proxy', mode: 'unplanned' });
    const failover = phase(result, 'failover');
    const failback = phase(result, 'failback');
    expectSwitchBounds(failover, true);
    expectSwitchBounds(failback, true);
    // RTO of the failover counts from the outage, which happened before the workflow started.
    expect(failover.window.t0).toBeLessThan(failover.window.switchStart);
    // The records north acknowledged in the last replication window were cut: counted exactly, and exactly
    // what ccloud-mirror reported as total-lag when it failed the mirror over.
    expect(failover.expectedRpo?.source).toMatch(/total-lag/);
    expect(failover.measures.rpo).toBeGreaterThan(0);
    expect(failover.measures.rpo).toBe(failover.expectedRpo!.value);
    // Failing back with the source reachable loses nothing; the divergent records truncated are the cut ones.
    expect(failback.measures.rpo).toBe(0);
    expect(failback.messagesTruncated).toBe(failover.measures.rpo);
    expect(result.final!.lost).toBe(failover.measures.rpo);
    expect(result.final!.unconsumed).toBe(0);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.passed).toBe(true);
    // The report carries the workflows' own job summaries and the timeline chart.
    const markdown = drillMarkdown(result);
    expect(markdown).toContain('## ✅ Clients on west: failover of orders, 1 client group\\(s\\) verified');
    expect(markdown).toContain('```mermaid\ngantt');
    // With north down, the switch report gives the RPO as a lower bound, and it is the figure the drill counted.
    expect(markdown).toContain(`| RPO | at least ${failover.measures.rpo} records \\(lower bound`);
    expect(markdown).toContain('| RPO | 0 records \\(reverse-and-start-mirror completes only once every record is mirrored\\) |');
    // The Kubernetes token, and per cluster the DR operator's and the applications' key and secret.
    expect(secrets.length).toBe(9);
    expectNoLeaks(result, secrets, log);
  });

  it('active-passive, noproxy, planned switchover: nothing lost in either direction, every record consumed', async () => {
    const { result } = await drill({ pattern: 'active-passive', style: 'noproxy', mode: 'planned' });
    const failover = phase(result, 'failover');
    const failback = phase(result, 'failback');
    expectSwitchBounds(failover, true);
    expectSwitchBounds(failback, true);
    expect(failover.window.t0).toBe(failover.window.switchStart);
    expect(failover.measures.rpo).toBe(0);
    expect(failback.measures.rpo).toBe(0);
    expect(result.final!.lost).toBe(0);
    expect(result.final!.unconsumed).toBe(0);
    expect(result.final!.delivered).toBe(result.final!.acked);
    // Both no-proxy ConfigMaps were verified, each on its own, in one verify-rollout step.
    expect(failover.workflow.summary).toContain('java-cloud-producer-noproxy-config');
    expect(failover.workflow.summary).toContain('java-cloud-consumer-noproxy-config');
    expect(result.passed).toBe(true);
  });

  it('active-active, proxy, planned switchover: only clients move, nothing lost, writes barely pause', async () => {
    const { result } = await drill({ pattern: 'active-active', style: 'proxy', mode: 'planned' });
    const failover = phase(result, 'failover');
    expectSwitchBounds(failover, false);
    expectSwitchBounds(phase(result, 'failback'), false);
    // No mirror operation for active-active.
    expect(failover.workflow.summary).toContain('- Mirror topics: unchanged (active-active).');
    expect(failover.measures.rpo).toBe(0);
    // Old producers keep writing to north until their pods go, so the longest pause is far below the RTO.
    expect(failover.measures.producerGapMs).toBeLessThan(failover.measures.rtoMs!);
    expect(result.final!.lost).toBe(0);
    expect(result.final!.unconsumed).toBe(0);
    expect(result.passed).toBe(true);
  });

  it('active-passive, both client groups in two namespaces at once, unplanned outage: one switch moves both, in parallel, RPO is the lag of both topics', async () => {
    const { result, secrets, log } = await drill({ pattern: 'active-passive', style: 'both', mode: 'unplanned' });
    const failover = phase(result, 'failover');
    const failback = phase(result, 'failback');
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.passed).toBe(true);
    // Eight client pods (two per Deployment, four Deployments in two namespaces) all end on each target.
    expect(failover.measures.clients.producers + failover.measures.clients.consumers).toBe(8);
    expect(failover.measures.clients.offTarget).toEqual([]);
    expect(failback.measures.clients.offTarget).toEqual([]);
    // The records cut are those of both topics, exactly ccloud-mirror's total-lag over both.
    expect(failover.measures.rpo).toBe(failover.expectedRpo!.value);
    expect(failover.inputs['mirror-topics']).toBe('orders,np-orders');
    // One reusable-workflow run, one client job per group, the two at once.
    const [proxy, noproxy] = ['clients (proxy)', 'clients (noproxy)'].map((p) => failover.workflow.jobs.find((j) => j.path === p)!);
    expect([proxy.result, noproxy.result]).toEqual(['success', 'success']);
    expect(proxy.startedAt < noproxy.finishedAt && noproxy.startedAt < proxy.finishedAt).toBe(true);
    expect(result.final!.lost).toBe(failover.measures.rpo);
    expect(result.final!.unconsumed).toBe(0);
    expectNoLeaks(result, secrets, log);
  });

  it('active-active, noproxy, unplanned outage: RPO equals the records stranded on north, which arrive once it returns', async () => {
    const { result } = await drill({ pattern: 'active-active', style: 'noproxy', mode: 'unplanned' });
    const failover = phase(result, 'failover');
    expectSwitchBounds(failover, false);
    expectSwitchBounds(phase(result, 'failback'), false);
    expect(failover.expectedRpo?.source).toMatch(/stranded/);
    expect(failover.measures.rpo).toBeGreaterThan(0);
    expect(failover.measures.rpo).toBe(failover.expectedRpo!.value);
    // Mirrors were never cut: the stranded records reached west after the outage, nothing is lost at the end.
    expect(result.final!.lost).toBe(0);
    expect(result.final!.unconsumed).toBe(0);
    expect(result.passed).toBe(true);
    expect(scenarioTitle(result.scenario)).toBe('active-active, noproxy clients, unplanned outage');
  });
});
