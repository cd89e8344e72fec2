/**
 * RTO, RPO, duplicates and client placement, counted exactly from the ledger's numbered records. Pure: the
 * caller passes the ledger, the pods and what was found on the clusters; nothing here touches an emulator.
 */
import type { ClientPod } from './clients.js';
import type { Ack, Ledger } from './ledger.js';

/** One switch of a drill, as the measures need it. */
export interface PhaseWindow {
  /** `failover` or `failback`. */
  name: string;
  /** The cluster the clients leave, and the one they go to. */
  from: string;
  to: string;
  /** RTO counts from here: the outage for an unplanned failover, else the start of the switch. */
  t0: number;
  t0Label: string;
  /** The workflow run. */
  switchStart: number;
  switchEnd: number;
  /** When RPO and placement were evaluated (the end of the switch plus the settle time). */
  evaluatedAt: number;
  /** Record keys present on the target cluster's topics (those the consumers subscribe to) at `evaluatedAt`. */
  presentOnTarget: Set<string>;
}

/** What one switch measured. Times are ms from `t0` unless named `At`. */
export interface PhaseMeasures {
  /** From t0 until a record produced on the target after t0 was consumed there: records flow again end to end. */
  rtoMs?: number;
  /** From t0 until the first acknowledgement by the target. */
  firstAckOnTargetMs?: number;
  /** From t0 until the first producer pod on the target was ready. */
  firstProducerReadyMs?: number;
  /** From t0 until no client pod was left on another cluster. */
  clientsMovedMs?: number;
  /** The longest time without any acknowledgement around the switch (what users saw as write downtime). */
  producerGapMs: number;
  /** Records acknowledged by the source cluster up to the evaluation. */
  ackedOnSource: number;
  /** RPO: of those, records not on the target cluster at the evaluation. */
  rpo: number;
  /** A few of the missing records, `user:seq`, for the report. */
  missingSample: string[];
  /** Extra deliveries (a record seen again) between the previous phase and this evaluation. */
  duplicates: number;
  /** Live client pods at the evaluation, and those not on the target (or not connected). */
  clients: { producers: number; consumers: number; offTarget: Array<{ pod: string; role: string; cluster?: string; problem?: string }> };
}

/**
 * Measures one switch. `since` is where this phase's duplicate count starts (the previous evaluation, or 0).
 */
export function measurePhase(ledger: Ledger, pods: ClientPod[], phase: PhaseWindow, since = 0): PhaseMeasures {
  const acks = [...ledger.acks.values()].sort((a, b) => a.at - b.at);
  const after = (at: number | undefined) => (at === undefined ? undefined : at - phase.t0);

  const firstAck = acks.find((a) => a.cluster === phase.to && a.at >= phase.t0);
  const producedOnTarget = (key: string) => {
    const ack = ledger.acks.get(key);
    return ack !== undefined && ack.cluster === phase.to && ack.at >= phase.t0;
  };
  const flowing = ledger.deliveries.find((d) => d.cluster === phase.to && d.at >= phase.t0 && producedOnTarget(d.key));
  const firstReady = pods
    .filter((p) => p.role === 'producer' && p.cluster === phase.to && p.readyAt !== undefined && p.readyAt >= phase.t0)
    .reduce<number | undefined>((min, p) => (min === undefined || p.readyAt! < min ? p.readyAt : min), undefined);

  // The last moment a client pod elsewhere was still alive (deleted after t0, or never).
  let lastOff: number | undefined = phase.t0;
  for (const p of pods) {
    if (p.startedAt > phase.evaluatedAt || p.cluster === phase.to) continue;
    if (p.deletedAt === undefined || p.deletedAt > phase.evaluatedAt) lastOff = undefined;
    else if (lastOff !== undefined && p.deletedAt > lastOff) lastOff = p.deletedAt;
    if (lastOff === undefined) break;
  }

  const onSource = acks.filter((a) => a.cluster === phase.from && a.at <= phase.evaluatedAt);
  const missing = onSource.filter((a) => !phase.presentOnTarget.has(a.key));

  const live = pods.filter((p) => p.startedAt <= phase.evaluatedAt && (p.deletedAt === undefined || p.deletedAt > phase.evaluatedAt));
  const offTarget = live.filter((p) => p.cluster !== phase.to || p.problem).map((p) => ({ pod: p.name, role: p.role, cluster: p.cluster, problem: p.problem }));

  return {
    rtoMs: after(flowing?.at),
    firstAckOnTargetMs: after(firstAck?.at),
    firstProducerReadyMs: after(firstReady),
    clientsMovedMs: after(lastOff),
    producerGapMs: longestGap(acks, phase.t0, phase.evaluatedAt),
    ackedOnSource: onSource.length,
    rpo: missing.length,
    missingSample: missing.slice(0, 10).map((a) => a.key),
    duplicates: duplicatesBetween(ledger, since, phase.evaluatedAt),
    clients: { producers: live.filter((p) => p.role === 'producer').length, consumers: live.filter((p) => p.role === 'consumer').length, offTarget },
  };
}

/**
 * The longest stretch without an acknowledgement that overlaps [from, to], counting from the last
 * acknowledgement before `from` (so an outage's gap starts when writes stopped, not when it was noticed).
 */
export function longestGap(sortedAcks: Array<Pick<Ack, 'at'>>, from: number, to: number): number {
  let previous: number | undefined;
  let longest = 0;
  for (const ack of sortedAcks) {
    if (ack.at > to) break;
    if (ack.at < from) {
      previous = ack.at;
      continue;
    }
    longest = Math.max(longest, ack.at - (previous ?? from));
    previous = ack.at;
  }
  return Math.max(longest, to - (previous ?? from));
}

/** Deliveries in (since, until] of a record that had already been delivered before. */
export function duplicatesBetween(ledger: Ledger, since: number, until: number): number {
  const seen = new Set<string>();
  let extra = 0;
  for (const d of ledger.deliveries) {
    if (d.at > until) break;
    if (seen.has(d.key)) {
      if (d.at > since) extra++;
    } else seen.add(d.key);
  }
  return extra;
}

/** The end of a drill: what never reached the final cluster, and what reached it but was never consumed. */
export interface FinalMeasures {
  acked: number;
  delivered: number;
  /** Acknowledged records absent from the final cluster's topics: lost for good. */
  lost: number;
  lostSample: string[];
  /** Records on the final cluster that no consumer ever saw. */
  unconsumed: number;
  unconsumedSample: string[];
  duplicates: number;
  /** Consumer position resets (OFFSET_OUT_OF_RANGE -> earliest). */
  resets: number;
}

/** Counts the drill's end state from the ledger and the keys found on the final cluster. */
export function measureFinal(ledger: Ledger, presentOnFinal: Set<string>): FinalMeasures {
  const acked = [...ledger.acks.values()];
  const lost = acked.filter((a) => !presentOnFinal.has(a.key));
  const unconsumed = acked.filter((a) => presentOnFinal.has(a.key) && ledger.timesSeen(a.key) === 0);
  return {
    acked: acked.length,
    delivered: acked.filter((a) => ledger.timesSeen(a.key) > 0).length,
    lost: lost.length,
    lostSample: lost.slice(0, 10).map((a) => a.key),
    unconsumed: unconsumed.length,
    unconsumedSample: unconsumed.slice(0, 10).map((a) => a.key),
    duplicates: ledger.duplicates(),
    resets: ledger.resets.length,
  };
}
