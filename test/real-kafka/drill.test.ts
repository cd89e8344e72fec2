/**
 * `npm run drill -- --kafka real`: seed 000's active-active drill and seed 001's active-passive one with every
 * record on real Apache Kafka. kafkajs
 * clients, one per pod, read their pod's ConfigMap/Secret when it starts; the links copy between the two real
 * clusters under the Confluent emulator's REST control plane; the outage is north's proxy refusing connections.
 * RPO, loss and duplicates are counted from what the brokers acknowledged and delivered. The last test adds the
 * real Kubernetes control plane (`--kube real`, binaries from tools/kube/build.sh, built when missing): everything
 * but Confluent's REST control plane and Azure is then real.
 */
import { describe, expect, it } from '@jest/globals';
import { drillMarkdown, parseDrillArgs, runScenario, switchOutputs, type DrillResult, type PhaseResult } from '../../src/playground/drill/index.js';
import { findLeaks } from '../helpers/run-action.js';

const workspace = new URL('../..', import.meta.url).pathname;

function phase(result: DrillResult, name: string): PhaseResult {
  const found = result.phases.find((p) => p.name === name);
  if (!found) throw new Error(`no ${name} phase; checks: ${JSON.stringify(result.checks.filter((c) => !c.ok))}`);
  return found;
}

describe('the drill on real Kafka', () => {
  it('active-active, noproxy, unplanned outage: every client pod moves and really consumes on west, the RPO is the records north acknowledged and never copied, and nothing is lost once north returns', async () => {
    const { timing, kafka } = parseDrillArgs(['--kafka', 'real', '--pattern', 'active-active']);
    const log: string[] = [];
    let secrets: string[] = [];
    const result = await runScenario(
      { pattern: 'active-active', style: 'noproxy', mode: 'unplanned' },
      { workspace, timing, kafka, log: (line) => log.push(line), onSession: (s) => (secrets = s.topology.secretValues) },
    );
    const failover = phase(result, 'failover');
    const failback = phase(result, 'failback');
    expect(result.kafka).toMatch(/Apache Kafka/);
    for (const p of [failover, failback]) {
      expect(p.conclusion).toBe('success');
      expect(p.measures.clients.offTarget).toEqual([]);
      expect([p.measures.clients.producers, p.measures.clients.consumers]).toEqual([2, 2]);
      // Records flowed again end to end on the target, through the real brokers, before the measure was taken.
      expect(p.measures.rtoMs).toBeDefined();
      expect(p.measures.rtoMs!).toBeLessThanOrEqual(p.window.evaluatedAt - p.window.t0);
    }
    expect(failover.expectedRpo?.source).toMatch(/stranded/);
    expect(failover.measures.rpo).toBe(failover.expectedRpo!.value);
    expect(failback.measures.rpo).toBe(0);
    // The mirrors were never cut: north's stranded records reached west after the outage; nothing is lost.
    expect(result.final!.lost).toBe(0);
    expect(result.final!.unconsumed).toBe(0);
    expect(result.final!.acked).toBeGreaterThan(100);
    expect(findLeaks(drillMarkdown(result) + log.join('\n') + JSON.stringify(result.checks), secrets)).toEqual([]);
    expect(result.passed).toBe(true);
  }, 600_000);

  it("active-passive, noproxy, unplanned outage: west fails over without north's last records, north's truncate-and-restore drops exactly those (and any it stored unacknowledged), and the reverse fails back with nothing more lost", async () => {
    const { timing, kafka } = parseDrillArgs(['--kafka', 'real', '--pattern', 'active-passive']);
    await activePassive({ style: 'noproxy', timing, kafka });
  }, 600_000);

  it("everything real but Confluent's REST control plane and Azure (--kube real --kafka real): the default drill, proxy clients, passes the same checks", async () => {
    const { timing, kube, kafka } = parseDrillArgs(['--kube', 'real', '--kafka', 'real']);
    const result = await activePassive({ style: 'proxy', timing, kube, kafka });
    expect(result.kube).toMatch(/^a real Kubernetes v1\.36\.3 control plane/);
    expect(result.kafka).toMatch(/Apache Kafka/);
    expect(phase(result, 'failover').measures.clients.consumers).toBeGreaterThan(0);
  }, 900_000);
});

/**
 * Runs the unplanned active-passive drill and checks what must hold on real brokers: the failover loses exactly the
 * records north acknowledged past the cut (ccloud-mirror's total-lag at most that), north's truncate-and-restore
 * drops those and the ones it stored unacknowledged, the reverse loses nothing more, and no secret is printed.
 */
async function activePassive(
  options: Pick<Parameters<typeof runScenario>[1], 'timing' | 'kube' | 'kafka'> & { style: 'proxy' | 'noproxy' },
): Promise<DrillResult> {
  const log: string[] = [];
  let secrets: string[] = [];
  const result = await runScenario(
    { pattern: 'active-passive', style: options.style, mode: 'unplanned' },
    {
      workspace,
      timing: options.timing,
      kube: options.kube,
      kafka: options.kafka,
      log: (line) => log.push(line),
      onSession: (s) => (secrets = s.topology.secretValues),
    },
  );
  const failover = phase(result, 'failover');
  const failback = phase(result, 'failback');
  for (const p of [failover, failback]) {
    // The failure, when there is one, is the message: its step and the reason.
    expect([p.name, p.conclusion, p.failure]).toEqual([p.name, 'success', undefined]);
    expect(p.measures.clients.offTarget).toEqual([]);
    expect(p.measures.rtoMs).toBeDefined();
  }
  // The loss is what north acknowledged past the cut, counted from the brokers; ccloud-mirror's total-lag, the
  // link's figure as of its last fetch from north, is at most that.
  expect(failover.expectedRpo?.source).toMatch(/stranded/);
  expect(failover.measures.rpo).toBe(failover.expectedRpo!.value);
  const totalLag = Number(switchOutputs(failover.workflow)['total-lag']);
  expect(Number.isInteger(totalLag)).toBe(true);
  expect(totalLag).toBeLessThanOrEqual(failover.measures.rpo);
  // truncate-and-restore ran on north and dropped the cut records, plus those north stored without acknowledging.
  expect(failback.unacknowledgedPastCut).toBeDefined();
  expect(failback.messagesTruncated).toBe(failover.measures.rpo + failback.unacknowledgedPastCut!);
  expect(failback.measures.rpo).toBe(0);
  expect(result.final!.lost).toBe(failover.measures.rpo);
  expect(result.final!.unconsumed).toBe(0);
  expect(findLeaks(drillMarkdown(result) + log.join('\n') + JSON.stringify(result.checks), secrets)).toEqual([]);
  expect(result.passed).toBe(true);
  return result;
}
