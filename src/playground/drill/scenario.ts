/**
 * The standard drill of one scenario: clients on north, traffic, (an outage of north for an unplanned drill),
 * the failover workflow of the client style to west, a hold on west (the outage ends), the failback workflow to
 * north (truncate-and-restore first after an unplanned active-passive failover), then the consumers drain and
 * the end state is counted.
 */
import { scenarioTitle, type KafkaChoice, type KubeChoice, type Scenario, type Timing } from './options.js';
import { DrillSession, type DrillResult } from './session.js';
import { PRIMARY, SECONDARY } from './topology.js';

/** The topology file a scenario's switches run on: this repository's own (active-passive), or the active-active example. */
export function topologyFile(scenario: Scenario): string {
  return scenario.pattern === 'active-passive' ? '.github/ccloud-dr.yml' : 'src/playground/manifests/ccloud-dr-active-active.yml';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  /** The repository root (workflows, actions, dist bundles, manifests). */
  workspace: string;
  timing: Timing;
  /** Kubernetes: the emulator (default) or the real local control plane. */
  kube?: KubeChoice;
  /** Kafka: the Confluent emulator's data plane (default) or two real Apache Kafka clusters (active-active only). */
  kafka?: KafkaChoice;
  log?: (line: string) => void;
  /** Called once the playground is up (tests read its secrets for leak checks, or inject faults). */
  onSession?: (session: DrillSession) => void;
}

/** Runs one scenario end to end and returns its result; a failure is reported in the result, never thrown. */
export async function runScenario(scenario: Scenario, options: ScenarioOptions): Promise<DrillResult> {
  let session: DrillSession;
  try {
    session = await DrillSession.start({
      workspace: options.workspace,
      scenario,
      timing: options.timing,
      kube: options.kube,
      kafka: options.kafka,
      log: options.log,
    });
  } catch (err) {
    const at = Date.now();
    return {
      scenario,
      title: scenarioTitle(scenario),
      startedAt: at,
      finishedAt: at,
      phases: [],
      checks: [{ name: 'drill ran to the end', ok: false, detail: `the playground did not start: ${(err as Error).message}` }],
      passed: false,
      timeline: { start: at, end: at, bars: [], marks: [] },
      error: (err as Error).message,
      timing: options.timing,
    };
  }
  options.onSession?.(session);
  const { timing } = options;
  const activePassive = scenario.pattern === 'active-passive';
  const unplanned = scenario.mode === 'unplanned';
  try {
    await session.deployClients(PRIMARY);
    await session.startTraffic();
    const topics = session.topology.topics.join(',');
    // Both client groups at once: the reusable workflow itself on the whole topology (every group moves).
    const both = scenario.style === 'both';
    const workflowOf = (kind: 'failover' | 'failback') => (both ? '.github/workflows/dr-switch.yml' : `.github/workflows/${scenario.style}-${kind}.yml`);
    const event = both ? ('workflow_call' as const) : ('workflow_dispatch' as const);
    let t0: { at: number; label: string } | undefined;
    let expectedRpo: Promise<{ value: number; source: string }> | undefined;
    if (unplanned) {
      const outage = await session.outage(PRIMARY);
      t0 = { at: outage.at, label: 'outage' };
      // Active-active keeps the mirrors: what north had not yet sent is stranded there until it comes back. On real
      // Kafka the same count is the active-passive failover's loss: ccloud-mirror's total-lag is the link's figure as
      // of its last fetch from north (a lower bound, as on Confluent Cloud), the brokers' acknowledgements the truth.
      if (!activePassive || options.kafka === 'real')
        expectedRpo = outage.stranded.then((value) => ({ value, source: `records stranded on ${PRIMARY} (its mirror's lag on ${SECONDARY} at the outage)` }));
    }
    const failover = await session.runSwitch({
      name: 'failover',
      from: PRIMARY,
      to: SECONDARY,
      workflow: workflowOf('failover'),
      event,
      inputs: { target: SECONDARY, config: topologyFile(scenario), 'source-reachable': !unplanned, 'mirror-topics': activePassive ? topics : '' },
      sourceReachable: !unplanned,
      t0,
      expectedRpo,
    });
    if (unplanned) await session.recover(PRIMARY);
    if (failover.conclusion === 'success') {
      await sleep(timing.holdMs);
      // Read before truncate-and-restore drops them: what the old primary stored past the cut without acknowledging it.
      const unacknowledgedPastCut = activePassive && unplanned ? await session.unacknowledgedPastCut(PRIMARY) : undefined;
      await session.runSwitch({
        name: 'failback',
        from: SECONDARY,
        to: PRIMARY,
        workflow: workflowOf('failback'),
        event,
        inputs: { target: PRIMARY, config: topologyFile(scenario), 'truncate-first': activePassive && unplanned, 'mirror-topics': activePassive ? topics : '' },
        sourceReachable: true,
        unacknowledgedPastCut,
      });
    } else {
      session.mark('failback skipped: the failover did not succeed');
    }
    const final = await session.drain(session.phases.at(-1)?.conclusion === 'success' ? session.phases.at(-1)!.to : PRIMARY);
    return session.result(final);
  } catch (err) {
    return session.result(undefined, (err as Error).message);
  } finally {
    await session.close();
  }
}
