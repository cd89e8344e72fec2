/**
 * One drill on a fresh playground: the topology, the simulated clients, the books, and the switches, each one
 * a run of a workflow file by the local runner, measured when it ends. `runScenario` (scenario.ts) scripts the
 * standard drill with it; tests script other ones (a failing step, a re-run).
 */
import { allJobs, allSteps, ConcurrencyGroups, runWorkflow, type RunEvent, type WorkflowResult } from '../workflow/index.js';
import { finalChecks, phaseChecks, type Check, type PhaseFacts } from './checks.js';
import { ClientFleet, type Fleet } from './clients.js';
import { RealClientFleet } from './real-clients.js';
import { decodeRecord, Ledger, recordKey } from './ledger.js';
import { measureFinal, measurePhase, type FinalMeasures, type PhaseWindow } from './measures.js';
import { scenarioTitle, type KafkaChoice, type KubeChoice, type Scenario, type Timing } from './options.js';
import { activeActiveLink, AP_LINK, PRIMARY, SECONDARY, startTopology, type Topology } from './topology.js';
import { buildTimeline, type Timeline, type TimelineMark, type TimelineRun } from './timeline.js';

/** One switch: its workflow run, its window and what it measured. */
export interface PhaseResult extends PhaseFacts {
  window: PhaseWindow;
  workflow: WorkflowResult;
  inputs: Record<string, string | boolean>;
}

/** A switch to run: which workflow, with which inputs, and how to judge it. */
export interface SwitchSpec {
  /** `failover`, `failback`, or a name of your own (`failover (re-run)`). */
  name: string;
  from: string;
  to: string;
  /** Workflow file relative to the repository root. */
  workflow: string;
  /** `workflow_dispatch` (default) or `workflow_call` (for dr-switch.yml itself). */
  event?: 'workflow_dispatch' | 'workflow_call';
  inputs: Record<string, string | boolean>;
  sourceReachable: boolean;
  /** RTO counts from here (default: the start of the switch). */
  t0?: { at: number; label: string };
  /** The RPO predicted by something other than ccloud-mirror's total-lag. */
  expectedRpo?: { value: number; source: string } | Promise<{ value: number; source: string }>;
  /** The runner's live events (the bench counts API requests per step with them). */
  onEvent?: (event: RunEvent) => void;
  /** See PhaseFacts.unacknowledgedPastCut. */
  unacknowledgedPastCut?: number;
}

/** What a finished drill reports. */
export interface DrillResult {
  scenario: Scenario;
  title: string;
  startedAt: number;
  finishedAt: number;
  phases: PhaseResult[];
  /** The end state, when the drill got that far. */
  final?: FinalMeasures;
  checks: Check[];
  passed: boolean;
  timeline: Timeline;
  /** Set when the drill itself could not go on (an emulator or the setup failed). */
  error?: string;
  timing: Timing;
  /** With `--kube real`: what ran Kubernetes, and which Reloader (the emulator's drills leave it out). */
  kube?: string;
  /** With `--kafka real`: what ran Kafka (the emulator's drills leave it out). */
  kafka?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of a drill session. */
export interface SessionOptions {
  workspace: string;
  scenario: Scenario;
  timing: Timing;
  /** Kubernetes: the emulator (default) or the real local control plane. */
  kube?: KubeChoice;
  /** Kafka: the Confluent emulator's data plane (default) or two real Apache Kafka clusters. */
  kafka?: KafkaChoice;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** A playground with clients and books, ready for switches. Close it when done. */
export class DrillSession {
  readonly marks: TimelineMark[] = [];
  readonly runs: TimelineRun[] = [];
  readonly phases: PhaseResult[] = [];
  readonly startedAt = Date.now();
  private readonly concurrency = new ConcurrencyGroups();
  private lastEvaluation = 0;
  private readonly log: (line: string) => void;

  private constructor(
    readonly options: SessionOptions,
    readonly topology: Topology,
    readonly ledger: Ledger,
    readonly fleet: Fleet,
  ) {
    this.log = options.log ?? (() => {});
  }

  /** Starts the emulators and attaches the clients; nothing is deployed yet. */
  static async start(options: SessionOptions): Promise<DrillSession> {
    const topology = await startTopology(options.workspace, options.scenario, options.timing, { kube: options.kube, kafka: options.kafka, log: options.log });
    if (options.kube === 'real') options.log?.(`Kubernetes: ${topology.kube.description}`);
    const ledger = new Ledger();
    const real = topology.realKafka;
    const fleet = real
      ? new RealClientFleet(topology.kube, ledger, options.timing, (bootstrap) => real.resolve(bootstrap))
      : new ClientFleet(topology.confluent, topology.kube, ledger, options.timing);
    fleet.attach();
    return new DrillSession(options, topology, ledger, fleet);
  }

  get scenario(): Scenario {
    return this.options.scenario;
  }

  get timing(): Timing {
    return this.options.timing;
  }

  /** Seconds since the drill started, for progress lines. */
  private elapsed(at = Date.now()): string {
    return `+${((at - this.startedAt) / 1000).toFixed(2)}s`.padStart(8);
  }

  mark(label: string, at = Date.now()): void {
    this.marks.push({ at, label });
    this.log(`${this.elapsed(at)}  ● ${label}`);
  }

  /** Applies the client manifests and waits until every client pod is ready and connected to `cluster`. */
  async deployClients(cluster = PRIMARY): Promise<void> {
    await this.topology.deployClients();
    const deadline = Date.now() + this.timing.startupTimeoutMs;
    for (;;) {
      const live = this.fleet.live();
      const ready = live.filter((p) => p.readyAt !== undefined && p.cluster === cluster && !p.problem);
      if (
        ready.some((p) => p.role === 'producer') &&
        ready.some((p) => p.role === 'consumer') &&
        ready.length === live.length &&
        live.length >= this.topology.clientReplicas
      )
        break;
      if (Date.now() > deadline) {
        throw new Error(
          `drill: the client pods did not all become ready on ${cluster} within ${this.timing.startupTimeoutMs} ms: ${live.map((p) => `${p.name} ${p.readyAt ? 'ready' : 'not ready'} on ${p.cluster ?? 'nothing'}${p.problem ? ` (${p.problem})` : ''}`).join('; ') || 'no pod started'}`,
        );
      }
      await sleep(20);
    }
    this.mark(`clients ready on ${cluster}`);
  }

  /** Starts the users and consumers, and waits `warmupMs` and until records flow end to end. */
  async startTraffic(): Promise<void> {
    this.fleet.startTraffic();
    this.mark('traffic starts');
    const deadline = Date.now() + this.timing.startupTimeoutMs;
    await sleep(this.timing.warmupMs);
    while (this.ledger.deliveries.length === 0) {
      if (Date.now() > deadline) throw new Error('drill: no record was consumed during the warm-up');
      await sleep(20);
    }
  }

  /**
   * Makes a cluster unreachable (REST and data plane), as a proxy in front of the cluster that starts refusing connections does, and returns how many of
   * its records were not yet on the other cluster at that instant (the mirrors' lag there, frozen at the cut; on real
   * Kafka, its acknowledged records past the mirror's end once the cut link settled).
   */
  async outage(cluster: string): Promise<{ at: number; stranded: Promise<number> }> {
    const at = Date.now();
    await this.topology.realKafka?.setReachable(cluster, false);
    await this.topology.confluent.setFault(cluster, { kind: 'unreachable' });
    this.mark(`outage: ${cluster} unreachable`, at);
    // Counted while the switch runs: on real Kafka it waits for the cut link to settle, which must not delay the switch.
    const stranded = this.stranded(cluster);
    stranded.catch(() => undefined);
    return { at, stranded };
  }

  /** How many of `cluster`'s records are not on the other cluster (see outage). */
  private async stranded(cluster: string): Promise<number> {
    const peer = cluster === PRIMARY ? SECONDARY : PRIMARY;
    let stranded = 0;
    const real = this.topology.realKafka;
    for (const topic of this.topology.topics) {
      const { link, mirror } = this.mirrorOf(peer, topic);
      if (real) {
        // Real Kafka: the records the cluster acknowledged at or past the mirror's end once the cut link stopped
        // copying (the link may still write what it fetched before the cut; offsets are equal on both sides).
        const ends = await real.settledEnds(peer, mirror);
        for (const ack of this.ledger.acks.values()) if (ack.cluster === cluster && ack.topic === topic && ack.offset >= (ends[ack.partition] ?? 0)) stranded++;
        continue;
      }
      const state = this.topology.confluent.mirrorState(peer, link, mirror);
      stranded += (state?.lags ?? []).reduce((sum, l) => sum + l.lag, 0);
    }
    return stranded;
  }

  /**
   * Real Kafka, active-passive: how many of the records `cluster` stores past the cut of its mirrors on the other
   * cluster it never acknowledged (see PhaseFacts.unacknowledgedPastCut). Undefined elsewhere.
   */
  async unacknowledgedPastCut(cluster: string): Promise<number | undefined> {
    const real = this.topology.realKafka;
    if (!real || this.scenario.pattern !== 'active-passive') return undefined;
    let count = 0;
    for (const topic of this.topology.topics) {
      const acked = new Set([...this.ledger.acks.values()].filter((a) => a.cluster === cluster && a.topic === topic).map((a) => a.key));
      for (const key of await real.pastTheCut(cluster, topic)) if (!acked.has(key)) count++;
    }
    return count;
  }

  /** Ends an outage. */
  async recover(cluster: string): Promise<void> {
    await this.topology.confluent.setFault(cluster, null);
    await this.topology.realKafka?.setReachable(cluster, true);
    this.mark(`outage ends: ${cluster} reachable`);
  }

  /** Pods of the clients' namespace whose containers wait with a reason (CrashLoopBackOff, ImagePullBackOff, ...). */
  podsInTrouble(): Array<{ name: string; reason: string }> {
    const pods = this.topology.kube.list('Pod', this.topology.namespace) as Array<{
      metadata: { name: string };
      status?: { containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> };
    }>;
    return pods.flatMap((p) => {
      const reason = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find((r) => r && r !== 'ContainerCreating');
      return reason ? [{ name: p.metadata.name, reason }] : [];
    });
  }

  /** Deletes pods through the Kubernetes API, as `kubectl delete pod` does; their ReplicaSet replaces them. */
  async deletePods(names: string[]): Promise<void> {
    const { kube, namespace } = this.topology;
    for (const name of names) await kube.deletePod(namespace, name);
    this.mark(`operator deletes pod${names.length === 1 ? '' : 's'} ${names.join(', ')}`);
  }

  /** The link and mirror topic on `cluster` that copy a drill topic from the other cluster. */
  private mirrorOf(cluster: string, topic: string): { link: string; mirror: string } {
    if (this.scenario.pattern === 'active-passive') return { link: AP_LINK, mirror: topic };
    const { link, prefix } = activeActiveLink(cluster);
    return { link, mirror: prefix + topic };
  }

  /** Keys of the drill's records on a cluster, in every topic the consumers subscribe to (the topic and its prefixed mirrors). */
  async recordsOn(cluster: string): Promise<Set<string>> {
    const { confluent, topics, realKafka } = this.topology;
    if (realKafka) return realKafka.recordKeys(cluster);
    const keys = new Set<string>();
    const names = new Set(topics.flatMap((topic) => [topic, `${PRIMARY}-${topic}`, `${SECONDARY}-${topic}`]));
    for (const name of confluent.topics(cluster).filter((t) => names.has(t))) {
      confluent.endOffsets(cluster, name).forEach((end, partition) => {
        for (const record of confluent.fetch(cluster, name, partition, 0, end)) {
          const id = decodeRecord(record.value);
          if (id) keys.add(recordKey(id));
        }
      });
    }
    return keys;
  }

  /** Runs one switch's workflow, waits `settleMs`, and measures it. */
  async runSwitch(spec: SwitchSpec): Promise<PhaseResult> {
    const switchStart = Date.now();
    this.mark(`${spec.name} starts (${spec.workflow.split('/').pop()})`, switchStart);
    const workflow = await runWorkflow({
      workflow: spec.workflow,
      workspace: this.options.workspace,
      event: spec.event ?? 'workflow_dispatch',
      inputs: spec.inputs,
      secrets: this.topology.secrets,
      vars: this.topology.vars,
      concurrency: this.concurrency,
      minuteMs: this.timing.minuteMs,
      onEvent: (e) => {
        spec.onEvent?.(e);
        this.onRunEvent(spec.name, e);
      },
    });
    const switchEnd = Date.now();
    this.runs.push({ label: `${spec.name[0].toUpperCase()}${spec.name.slice(1)} (${spec.workflow.split('/').pop()})`, result: workflow });
    this.mark(`${spec.name} ends (${workflow.conclusion})`, switchEnd);
    await sleep(this.timing.settleMs);
    this.fleet.pollNow();
    const evaluatedAt = Date.now();
    const t0 = spec.t0 ?? { at: switchStart, label: 'start of the switch' };
    let presentOnTarget = new Set<string>();
    try {
      presentOnTarget = await this.recordsOn(spec.to);
    } catch {
      // The target is unreachable: nothing can be counted as present there.
    }
    const window: PhaseWindow = {
      name: spec.name,
      from: spec.from,
      to: spec.to,
      t0: t0.at,
      t0Label: t0.label,
      switchStart,
      switchEnd,
      evaluatedAt,
      presentOnTarget,
    };
    const measures = measurePhase(this.ledger, this.fleet.pods, window, this.lastEvaluation);
    this.lastEvaluation = evaluatedAt;
    const outputs = switchOutputs(workflow);
    const totalLag = outputs['total-lag'];
    const truncated = allSteps(workflow).find((s) => s.id === 'restore' && s.outcome !== 'skipped')?.outputs['messages-truncated'];
    const expectedRpo =
      (await spec.expectedRpo) ??
      (!spec.sourceReachable && totalLag !== undefined && totalLag !== ''
        ? { value: Number(totalLag), source: "ccloud-mirror's total-lag at the cut" }
        : undefined);
    const phase: PhaseResult = {
      name: spec.name,
      from: spec.from,
      to: spec.to,
      sourceReachable: spec.sourceReachable,
      workflowFile: spec.workflow.split('/').pop() ?? spec.workflow,
      conclusion: workflow.conclusion,
      failure: firstFailure(workflow),
      measures,
      expectedRpo,
      messagesTruncated: truncated === undefined || truncated === '' ? undefined : Number(truncated),
      unacknowledgedPastCut: spec.unacknowledgedPastCut,
      window,
      workflow,
      inputs: spec.inputs,
    };
    if (measures.firstAckOnTargetMs !== undefined)
      this.marks.push({ at: t0.at + measures.firstAckOnTargetMs, label: `${spec.name}: first record acknowledged by ${spec.to}` });
    if (measures.rtoMs !== undefined)
      this.marks.push({ at: t0.at + measures.rtoMs, label: `${spec.name}: records flow again on ${spec.to} (RTO ${(measures.rtoMs / 1000).toFixed(2)} s)` });
    if (measures.clientsMovedMs !== undefined) this.marks.push({ at: t0.at + measures.clientsMovedMs, label: `${spec.name}: every client on ${spec.to}` });
    this.log(
      `${this.elapsed()}  ${spec.name}: ${workflow.conclusion}; RTO ${fmtS(measures.rtoMs)}, RPO ${measures.rpo} of ${measures.ackedOnSource}${expectedRpo ? ` (expected ${expectedRpo.value})` : ''}, ${measures.clients.offTarget.length} clients off ${spec.to}`,
    );
    this.phases.push(phase);
    return phase;
  }

  private onRunEvent(phase: string, e: RunEvent): void {
    if (e.type !== 'step-end' || e.outcome === 'skipped') return;
    const icon = e.outcome === 'success' ? '✅' : e.outcome === 'failure' ? '❌' : '⏹️';
    this.log(`${this.elapsed(e.at)}  ${phase}: ${icon} ${e.step} (${(e.durationMs / 1000).toFixed(2)} s)`);
  }

  /**
   * Stops the users, lets the consumers catch up with every record on `cluster` (at most `drainMs`), and counts
   * the end state.
   */
  async drain(cluster: string): Promise<FinalMeasures> {
    await this.fleet.stopUsers();
    this.mark('traffic stops');
    const deadline = Date.now() + this.timing.drainMs;
    await sleep(this.timing.replicationDelayMs * 2);
    let present = await this.recordsOn(cluster);
    for (;;) {
      this.fleet.pollNow();
      const waiting = [...this.ledger.acks.keys()].filter((k) => present.has(k) && this.ledger.timesSeen(k) === 0).length;
      if (waiting === 0 || Date.now() > deadline) break;
      await sleep(this.timing.pollMs);
      present = await this.recordsOn(cluster);
    }
    await this.fleet.stopTraffic();
    return measureFinal(this.ledger, present);
  }

  /** The result so far: checks over every switch (and the end state, when given), timeline, verdict. */
  result(final?: FinalMeasures, error?: string): DrillResult {
    const finishedAt = Date.now();
    const checks = this.phases.flatMap((p) => phaseChecks(p));
    if (final) checks.push(...finalChecks(this.scenario, final, this.phases));
    if (error) checks.push({ name: 'drill ran to the end', ok: false, detail: error });
    return {
      scenario: this.scenario,
      title: scenarioTitle(this.scenario),
      startedAt: this.startedAt,
      finishedAt,
      phases: this.phases,
      final,
      checks,
      passed: checks.length > 0 && checks.every((c) => c.ok),
      timeline: buildTimeline(this.runs, this.marks, this.fleet.pods, this.startedAt, finishedAt),
      error,
      timing: this.timing,
      kube: this.topology.kube.kind === 'real' ? this.topology.kube.description : undefined,
      kafka: this.topology.realKafka ? 'two Apache Kafka 4.4 clusters (KRaft), kafkajs clients, links under the Confluent emulator' : undefined,
    };
  }

  async close(): Promise<void> {
    await this.fleet.close();
    await this.topology.close();
  }
}

function fmtS(ms: number | undefined): string {
  return ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(2)} s`;
}

/** dr-switch.yml's outputs: the run's own (workflow_call) or those of the caller job that used it. */
export function switchOutputs(result: WorkflowResult): Record<string, string> {
  if (Object.keys(result.outputs).length) return result.outputs;
  return result.jobs.find((j) => j.workflow)?.outputs ?? {};
}

/** The first thing that failed in a run: `job / step: error`, or the job's or run's own error. */
export function firstFailure(result: WorkflowResult): string | undefined {
  const step = allSteps(result).find((s) => s.outcome === 'failure');
  if (step) return `${step.job} / ${step.name}: ${step.error ?? 'failed'}`;
  const job = allJobs(result).find((j) => j.result === 'failure' && j.error);
  if (job) return `${job.path}: ${job.error}`;
  return result.error;
}
