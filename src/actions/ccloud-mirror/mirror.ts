import type { ConfluentClient } from './confluent/client.js';
import { ConfluentApiError, type ConfluentFailure } from './confluent/errors.js';
import { alterFailed, linkMode, NO_LAGS, type AlterMirrorResult, type ClusterLink, type MirrorTopic } from './confluent/types.js';
import { ActionError, describeError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { systemClock, type Clock } from '../../core/time.js';
import type { MirrorInputs } from './inputs.js';
import { SPECS, type OperationSpec } from './operations.js';
import { chunk, lagViolations, listSome, planTopics, type PlannedTopic } from './plan.js';
import type { MirrorResult, TopicResult } from './result.js';
import { TRANSITION_ERRORS, waitForStatus, type WaitOutcome } from './wait.js';
import { peerDown, peerSide, probePeer, stoppedOnPeer, type PeerApi, type PeerProbe } from './peer.js';
import { readSync, type SyncApi } from './sync.js';
import { linkErrorMeaning, linkTrouble, rpoOf } from './health.js';

/** The calls the logic makes: a ConfluentClient, or anything shaped like one (`sleptMs` optional). */
export type MirrorApi = Pick<
  ConfluentClient,
  'clusterId' | 'requestCount' | 'listLinks' | 'getLink' | 'linkConfigs' | 'listMirrors' | 'getMirror' | 'createMirror' | 'alterMirrors'
> &
  Partial<Pick<ConfluentClient, 'sleptMs'> & SyncApi>;

/** The validated inputs the logic needs (no credentials: those live in the client). */
export type MirrorConfig = Pick<
  MirrorInputs,
  | 'linkName'
  | 'operation'
  | 'selection'
  | 'sourceTopics'
  | 'dryRun'
  | 'wait'
  | 'timeoutMs'
  | 'pollIntervalMs'
  | 'maxLag'
  | 'force'
  | 'chunkSize'
  | 'includePartitionDetail'
> &
  Partial<Pick<MirrorInputs, 'requestTimeoutMs'>>;

/** Injected for tests: the clock the wait sleeps on, and where progress goes. */
export interface MirrorDeps {
  clock?: Clock;
  logger?: Logger;
  /**
   * The run's deadline on `clock` (default: start + `timeoutMs`). Give the same one to the client's HttpClient, so
   * that preflight, alter calls and polls all end by it.
   */
  deadline?: number;
  /** Kept up to date while the run goes, so a caller can tell what a run that threw had sent. */
  progress?: MirrorProgress;
  /** The link's other cluster (the peer-* inputs), when given. */
  peer?: PeerApi;
}

/** How far a run got: what the failure summary says about the topics when the run throws. */
export interface MirrorProgress {
  /** Requests sent that change topics (alter verbs and creates; dry runs change nothing), answered or not. */
  changeRequests: number;
}

/** How long a finished run still waits for the peer's probe (failover, status: it only labels the result). */
const PEER_GRACE_MS = 1000;

/** The probe's outcome, or "no answer" when it has not come PEER_GRACE_MS after the rest of the run finished. */
async function settleProbe(probing: Promise<PeerProbe>, clusterId: string, clock: Clock, started: number): Promise<PeerProbe> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<PeerProbe>((resolve) => {
    timer = setTimeout(
      () => resolve({ clusterId, answered: false, at: clock.now(), error: `no answer within ${clock.now() - started} ms, by the time this run had finished` }),
      PEER_GRACE_MS,
    );
  });
  try {
    return await Promise.race([probing, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Failures after which sending more requests to the same cluster is pointless. */
const FATAL = new Set<ConfluentFailure>(['unauthenticated', 'forbidden', 'unreachable', 'out-of-time']);
/** Outcomes of topics cut by this run: only they count in a cut's total-lag (no double count on re-runs). */
const CUT_NOW = new Set(['changed', 'accepted', 'would-change']);
/** How many stuck topics get a GET with their state transition errors, at most. */
const DIAGNOSE_LIMIT = 10;

/**
 * How long a last read-back after the deadline may take: when a change request went unanswered at the deadline
 * (the cluster may have applied it), one listing, not the timeout, decides what happened to its topics.
 */
export function readbackGraceMs(timeoutMs: number): number {
  return Math.min(30_000, Math.max(1000, Math.round(timeoutMs / 10)));
}

/** What happened to one sent topic before the wait. */
interface Sent {
  error?: string;
  /** Never sent: an earlier request failed in a way that stopped the run (auth, unreachable). */
  unsent?: boolean;
  /** Sent, but no answer came (timed out, connection lost): the cluster may have applied it; the state read back decides. */
  unanswered?: boolean;
  /** The per-topic answer of the alter verb (absent for creates, which have none, and for failed requests). */
  answer?: AlterMirrorResult;
}

/**
 * Runs one mirror operation: preflight (link, mode, reachability, lag) → alter in chunks → wait
 * with one list call per poll → a result per topic. Throws only when nothing could be tried (bad
 * link, auth, lag refusal); per-topic failures come back in the result, after all were tried.
 */
export async function runMirror(api: MirrorApi, config: MirrorConfig, deps: MirrorDeps = {}): Promise<MirrorResult> {
  // Whatever ends the run, a probe of the peer still in flight is abandoned: it must not hold the step open.
  const abandonProbe = new AbortController();
  try {
    return await mirrorRun(api, config, deps, abandonProbe);
  } finally {
    abandonProbe.abort(new Error('no longer needed'));
  }
}

async function mirrorRun(api: MirrorApi, config: MirrorConfig, deps: MirrorDeps, abandonProbe: AbortController): Promise<MirrorResult> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const progress = deps.progress ?? { changeRequests: 0 };
  const started = clock.now();
  const sleptBefore = api.sleptMs ?? 0;
  const deadline = deps.deadline ?? started + config.timeoutMs;
  // Reads at or after the deadline (the wait's last poll, the read-back of unanswered requests, diagnoses) share
  // one short grace, from the first of them: however late the answer before came, the read-back gets its time.
  let graceEnd: number | undefined;
  const late = (last = false): { deadline?: number } => {
    if (!last && clock.now() < deadline) return {};
    graceEnd ??= Math.max(clock.now(), deadline) + readbackGraceMs(config.timeoutMs);
    return { deadline: graceEnd };
  };
  const spec = SPECS[config.operation];
  const where = `cluster ${api.clusterId}, link ${config.linkName}`;

  const notes: string[] = [];
  // The peer is probed alongside the preflight; the verbs that need it wait for the answer before sending anything.
  const probing = deps.peer ? probePeer(deps.peer, clock, config.requestTimeoutMs ?? 30_000, deadline, abandonProbe.signal) : undefined;
  const link = await preflightLink(api, config, spec, where, logger);
  const configs = await api.linkConfigs(config.linkName);
  const prefix = configs.find((c) => c.name === 'cluster.link.prefix')?.value ?? '';
  let probe: PeerProbe | undefined;
  if (probing && spec.needsSource) {
    probe = await probing;
    if (!probe.answered) throw peerDown(config.operation, probe, where);
  }
  // The reverse verbs and truncate-and-restore work on both sides: the peer's side of the link, found before any change.
  const peerLink = deps.peer && spec.needsBidirectional ? await peerSide(deps.peer, link, api.clusterId) : undefined;
  if (!deps.peer && spec.needsSource)
    notes.push(`Whether the peer cluster answers was not checked before ${config.operation}, nor its side afterwards: give the peer-* inputs to check both.`);
  // Each partition's lag is kept only for the inputs that read it; otherwise a topic's lags are summed as they arrive.
  const partitions = config.includePartitionDetail || (spec.cut && config.maxLag !== undefined);
  const mirrors = await api.listMirrors(config.linkName, { partitions });
  const requestsBefore = api.requestCount;
  let selection = config.selection;
  if (config.operation === 'truncate-and-restore' && selection.kind !== 'names') {
    // The topics to restore are this cluster's former sources, which its mirror list does not show: their names are
    // the peer's STOPPED mirrors. Confluent's CLI sends names only; a pattern's meaning for this verb is not documented.
    if (!deps.peer || !peerLink)
      throw new ActionError('truncate-and-restore needs the names of the topics to restore', {
        where,
        fix: "Name them in 'mirror-topics' (the topics that failed over on the other cluster), or give the peer-* inputs: the names are then read from that cluster's STOPPED mirrors",
      });
    const names = stoppedOnPeer(await deps.peer.listMirrors(peerLink.linkName), selection.kind === 'pattern' ? selection.pattern : undefined);
    notes.push(`The topics to restore were read from the STOPPED mirrors on ${deps.peer.clusterId} (link ${peerLink.linkName}): ${listSome(names)}.`);
    selection = { kind: 'names', names };
  }
  const planned = planTopics(config.operation, selection, mirrors, { sourceTopics: config.sourceTopics, prefix });
  // `status` of a whole empty link reports it empty; a pattern that matches nothing is a mistake for every operation.
  if (planned.length === 0 && (config.operation !== 'status' || config.selection.kind === 'pattern')) {
    const what = config.selection.kind === 'pattern' ? `match the pattern '${config.selection.text}'` : 'exist on it';
    const restoring = config.operation === 'truncate-and-restore';
    const verb = config.operation === 'status' ? 'report' : config.operation;
    throw new ActionError(`no ${restoring ? 'topics' : 'mirror topics'} ${what}, so there is nothing to ${verb}`, {
      where,
      fix: restoring
        ? 'truncate-and-restore applies to the former source topics on this cluster whose mirrors on the peer cluster are STOPPED (after a failover there): check that the failover ran, or name the topics in mirror-topics'
        : mirrors.length
          ? `The link mirrors: ${listSome(mirrors.map((m) => m.mirrorTopicName))}`
          : 'The link has no mirror topics: check link-name and that this is the cluster holding the mirrors',
    });
  }
  checkSourceReachable(config, spec, link, planned, where);
  const trouble = linkTrouble(link);
  if (trouble && !spec.needsSource) notes.push(`The link is ${trouble}: the lags shown are those of its last successful fetch.`);
  const forcedOver = checkLag(config, spec, planned, where, logger);
  // What the link syncs besides records, read now: after a cut, the stopped topics sync nothing more.
  const sync =
    config.operation === 'status' || spec.cut
      ? await readSync(
          api,
          configs,
          planned.filter((p) => p.step !== 'missing').map((p) => p.topic),
        )
      : undefined;
  if (sync && spec.cut && !sync.offsets.enabled && !prefix)
    logger.warning(
      `Consumer offset sync is off on link ${config.linkName}: after ${config.operation}, consumer groups have no committed offsets on cluster ${api.clusterId}, so consumers start from auto.offset.reset. Turn on consumer.offset.sync.enable before the next switch`,
    );

  const toSend = planned.filter((p) => p.step === 'send');
  const already = planned.filter((p) => p.step === 'already').length;
  if (config.operation !== 'status') {
    logger.info(
      `${config.dryRun ? 'Dry run: validating' : 'Sending'} ${config.operation} for ${toSend.length} topic(s) of link ${config.linkName}${already ? `; ${already} already ${config.operation === 'create' ? 'exist' : spec.target}, nothing to send for them` : ''}`,
    );
  }
  const sent =
    config.operation === 'create' ? await sendCreates(api, config, toSend, logger, progress) : await sendVerb(api, config, spec, toSend, logger, progress);
  const alterRequests = api.requestCount - requestsBefore;

  let waited: WaitOutcome | undefined;
  let listing: MirrorTopic[] | undefined;
  const accepted = toSend.filter((p) => sent.get(p.topic)?.error === undefined);
  // Unanswered requests are awaited like accepted ones: only the state read back can tell whether they were applied.
  const unanswered = toSend.filter((p) => sent.get(p.topic)?.unanswered);
  const rejected = toSend.filter((p) => {
    const s = sent.get(p.topic);
    return s?.error !== undefined && !s.unsent && !s.unanswered;
  });
  if (config.wait && !config.dryRun && spec.target && accepted.length + unanswered.length + rejected.length > 0) {
    waited = await waitForStatus(
      // A cut's lags are those of the verb's answer: its polls leave the lags out.
      async (last) => (listing = await api.listMirrors(config.linkName, { ...late(last), lags: !spec.cut, partitions: config.includePartitionDetail })),
      [
        ...[...accepted, ...unanswered].map((p) => ({ topic: p.topic, beforeStatus: p.before?.mirrorStatus, beforeTimeMs: p.before?.stateTimeMs })),
        ...rejected.map((p) => ({ topic: p.topic, beforeStatus: p.before?.mirrorStatus, rejected: true })),
      ],
      spec.target,
      {
        timeoutMs: config.timeoutMs,
        deadline,
        pollIntervalMs: config.pollIntervalMs,
        clock,
        logger,
        delayFirstPoll: true,
        revertByStateTime: spec.verb !== 'pause' && spec.verb !== 'resume',
        transitionErrors: (topic) => transitionErrorsOf(api, config.linkName, topic),
      },
    );
  } else if (!config.dryRun && rejected.length + unanswered.length > 0) {
    // One listing to tell an "already stopped" answer (success) from a real failure, and an unanswered request
    // that was applied from one that was not.
    listing = await api.listMirrors(config.linkName, { ...late(), partitions: config.includePartitionDetail }).catch(() => undefined);
  }
  const diagnoses = waited ? await diagnose(api, config.linkName, [...accepted, ...unanswered], waited, late) : new Map<string, string>();

  const latest = listing && new Map(listing.map((m) => [m.mirrorTopicName, m]));
  let topics = planned.map((p) => topicResult(p, spec, config, sent.get(p.topic), latest, waited, diagnoses.get(p.topic)));
  // After a reverse, the other side must have turned too: its topics become mirrors again (ACTIVE or PAUSED).
  let remote: MirrorResult['remote'];
  if (peerLink && deps.peer && spec.remoteTarget && !config.dryRun && config.wait) {
    const turned = topics.filter((t) => t.outcome === 'changed' || t.outcome === 'already').map((t) => t.topic);
    if (turned.length) {
      const remoteWait = await waitForStatus(
        async (last) => deps.peer!.listMirrors(peerLink.linkName, last ? { deadline: clock.now() + readbackGraceMs(config.timeoutMs) } : {}),
        turned.map((topic) => ({ topic })),
        spec.remoteTarget,
        { timeoutMs: config.timeoutMs, deadline, pollIntervalMs: config.pollIntervalMs, clock, logger },
      );
      const failed = turned
        .filter((t) => !remoteWait.reached.has(t))
        .map((t) => ({ topic: t, status: remoteWait.latest.get(t)?.mirrorStatus ?? (remoteWait.pollError ? 'UNKNOWN' : 'not listed') }));
      remote = { clusterId: deps.peer.clusterId, link: peerLink.linkName, target: spec.remoteTarget, reached: remoteWait.reached.size, failed };
      const why = new Map(failed.map((f) => [f.topic, f.status]));
      topics = topics.map((t) =>
        why.has(t.topic)
          ? {
              ...t,
              outcome: 'failed',
              error: `${spec.target} here, but its mirror on ${deps.peer!.clusterId} (link ${peerLink.linkName}) is ${why.get(t.topic)}, not ${spec.remoteTarget}${remoteWait.timedOut ? ' when the wait timed out' : ''}${remoteWait.pollError ? `: ${remoteWait.pollError}` : ''}`,
            }
          : t,
      );
    }
  }
  const counted = topics.filter((t) => t.outcome !== 'failed');
  const lagged = spec.cut ? topics.filter((t) => CUT_NOW.has(t.outcome)) : counted;
  const truncated = topics.filter((t) => t.messagesTruncated !== undefined);
  // The probe only labels a failover's RPO: it may hold the step up by PEER_GRACE_MS at most, not by a request-timeout.
  if (!probe && probing) probe = await settleProbe(probing, deps.peer!.clusterId, clock, started);
  const totalLag = lagged.reduce((s, t) => s + t.totalLag, 0);
  return {
    peer: probe && { clusterId: probe.clusterId, answered: probe.answered, at: new Date(probe.at).toISOString(), error: probe.error },
    rpo: spec.cut ? rpoOf(config.operation, totalLag, link, planned, probe) : undefined,
    remote,
    sync,
    notes,
    operation: config.operation,
    clusterId: api.clusterId,
    link: config.linkName,
    dryRun: config.dryRun,
    target: spec.target,
    topics,
    succeeded: counted.map((t) => t.topic),
    failed: topics.filter((t) => t.outcome === 'failed').map((t) => t.topic),
    lagBasis: spec.cut ? 'cut' : 'current',
    maxLag: lagged.reduce((m, t) => Math.max(m, t.maxLag), 0),
    totalLag,
    messagesTruncated: truncated.length ? truncated.reduce((s, t) => s + (t.messagesTruncated ?? 0), 0) : undefined,
    forcedOver,
    requests: api.requestCount,
    alterRequests,
    polls: waited?.polls ?? 0,
    timedOut: waited?.timedOut ?? false,
    durationMs: clock.now() - started,
    // Measured: sleeps between polls, and before retries (backoff, Retry-After) anywhere in the run.
    sleptMs: (waited?.sleptMs ?? 0) + (api.sleptMs ?? 0) - sleptBefore,
  };
}

async function preflightLink(api: MirrorApi, config: MirrorConfig, spec: OperationSpec, where: string, logger: Logger): Promise<ClusterLink> {
  const link = await api.getLink(config.linkName, { includeTasks: true });
  if (!link) {
    const links = await api.listLinks();
    const names = links.map((l) => `${l.linkName} (${linkMode(l)}${l.linkState ? `, ${l.linkState}` : ''})`);
    throw new ActionError(`the cluster link '${config.linkName}' doesn't exist`, {
      where: `cluster ${api.clusterId}`,
      fix: names.length
        ? `Links on cluster ${api.clusterId}: ${names.join(', ')}. Set 'link-name' to one of them`
        : `Cluster ${api.clusterId} has no cluster links. A link lives on the cluster that holds its mirror topics (for failover, the DR cluster): check 'rest-endpoint' and 'cluster-id'`,
    });
  }
  const mode = linkMode(link);
  if (spec.needsBidirectional && mode !== 'BIDIRECTIONAL' && mode !== 'UNKNOWN') {
    throw new ActionError(`'${config.operation}' needs a BIDIRECTIONAL link, but '${config.linkName}' is a ${mode} link`, {
      where,
      fix: "Reverse and truncate verbs work only on bidirectional links (link.mode=BIDIRECTIONAL on both clusters). On this link use 'failover' or 'promote', and create the reverse link separately",
    });
  }
  if (link.linkError && link.linkError !== 'NO_ERROR')
    logger.warning(`Link ${config.linkName} reports ${link.linkError}${link.linkErrorMessage ? `: ${link.linkErrorMessage}` : ''}`);
  for (const task of link.tasks) {
    if (task.state === 'IN_ERROR')
      logger.warning(`Link task ${task.taskName} is IN_ERROR: ${task.errors.map((e) => `${e.errorCode} ${e.errorMessage}`).join('; ')}`);
  }
  return link;
}

function checkSourceReachable(config: MirrorConfig, spec: OperationSpec, link: ClusterLink, planned: PlannedTopic[], where: string): void {
  if (!spec.needsSource) return;
  const unavailable = planned
    .filter((p) => p.step === 'send' && ['SOURCE_UNAVAILABLE', 'LINK_FAILED', 'LINK_PAUSED'].includes(p.before?.mirrorStatus ?? ''))
    .map((p) => `${p.topic} (${p.before!.mirrorStatus})`);
  // Any link_state but ACTIVE, or any link_error, stops the verbs that need the other side before anything is sent.
  const linkDown = link.linkState !== undefined && link.linkState !== 'ACTIVE';
  const error = link.linkError && link.linkError !== 'NO_ERROR' ? link.linkError : undefined;
  if (!linkDown && !error && unavailable.length === 0) return;
  const meaning = linkErrorMeaning(link);
  const why = [
    linkDown || error ? `the link is ${linkTrouble(link)}` : '',
    unavailable.length ? `${unavailable.length} topic(s) cannot reach their source: ${listSome(unavailable)}` : '',
  ]
    .filter(Boolean)
    .join(' and ')
    .concat(meaning ? `; ${meaning}` : '');
  const fixes: Record<string, string> = {
    promote:
      "The source cluster cannot be reached, and promote needs it for a final sync. If the source is down, use 'operation: failover': it stops mirroring at once, and the records not yet mirrored (reported as total-lag) are lost",
    'reverse-and-start-mirror':
      "Reverse verbs need both clusters reachable. If the old primary is down, use 'operation: failover' now, and 'truncate-and-restore' on the old primary once it is back",
    'reverse-and-pause-mirror':
      "Reverse verbs need both clusters reachable. If the old primary is down, use 'operation: failover' now, and 'truncate-and-restore' on the old primary once it is back",
  };
  throw new ActionError(`cannot ${config.operation}: the remote cluster is not reachable from the link: ${why}`, {
    where,
    fix: fixes[config.operation] ?? 'Wait until the remote cluster is reachable again (the link ACTIVE), then re-run',
  });
}

function checkLag(config: MirrorConfig, spec: OperationSpec, planned: PlannedTopic[], where: string, logger: Logger): MirrorResult['forcedOver'] {
  if (!spec.cut || config.maxLag === undefined) return undefined;
  const over = lagViolations(planned, config.maxLag).sort((a, b) => b.lag - a.lag);
  if (over.length === 0) return undefined;
  const lines = over.slice(0, 50).map((o) => `${o.topic} partition ${o.partition}: lag ${o.lag}`);
  const more = over.length > 50 ? `; and ${over.length - 50} more partition(s)` : '';
  const topics = new Set(over.map((o) => o.topic)).size;
  if (config.force) {
    logger.warning(`force: true: cutting ${topics} topic(s) with ${over.length} partition(s) above max-lag ${config.maxLag}: ${lines.join('; ')}${more}`);
    return over;
  }
  throw new ActionError(
    `refusing to ${config.operation}: ${over.length} partition(s) of ${topics} topic(s) lag more than max-lag ${config.maxLag}: ${lines.join('; ')}${more}`,
    {
      where,
      fix: "Nothing was changed. Stop the producers on the source and wait for the lag to drop, raise 'max-lag', or set 'force: true' to cut now and lose those records",
    },
  );
}

async function sendVerb(
  api: MirrorApi,
  config: MirrorConfig,
  spec: OperationSpec,
  toSend: PlannedTopic[],
  logger: Logger,
  progress: MirrorProgress,
): Promise<Map<string, Sent>> {
  const sent = new Map<string, Sent>();
  const chunks = chunk(
    toSend.map((p) => p.topic),
    config.chunkSize,
  );
  for (const [i, names] of chunks.entries()) {
    let answers: AlterMirrorResult[];
    if (!config.dryRun) progress.changeRequests++;
    try {
      answers = await api.alterMirrors(config.linkName, spec.verb!, names, {
        validateOnly: config.dryRun,
        includePartitionLevelTruncationData: config.includePartitionDetail && spec.verb === 'truncate-and-restore',
        partitions: config.includePartitionDetail,
      });
    } catch (err) {
      if (!config.dryRun && neverSent(err)) progress.changeRequests--;
      if (abortOrRecord(err, i, chunks.slice(i).flat(), names, sent)) break;
      continue;
    }
    const byName = new Map(answers.map((a) => [a.mirrorTopicName, a]));
    for (const name of names) {
      const answer = byName.get(name);
      if (!answer) sent.set(name, { error: 'the answer had no result for this topic' });
      else if (alterFailed(answer)) sent.set(name, { answer, error: answerError(answer) });
      else sent.set(name, { answer });
    }
    if (chunks.length > 1) logger.info(`Sent ${spec.verb} for chunk ${i + 1} of ${chunks.length} (${names.length} topics)`);
  }
  return sent;
}

async function sendCreates(api: MirrorApi, config: MirrorConfig, toSend: PlannedTopic[], logger: Logger, progress: MirrorProgress): Promise<Map<string, Sent>> {
  const sent = new Map<string, Sent>();
  if (config.dryRun) {
    // The create endpoint has no validate_only: a dry run only plans.
    for (const p of toSend) sent.set(p.topic, {});
    return sent;
  }
  // One at a time: the API has no batch create, and parallel calls are what trip its rate limit.
  for (const [i, p] of toSend.entries()) {
    progress.changeRequests++;
    try {
      await api.createMirror(config.linkName, p.source ?? p.topic, p.topic === p.source ? undefined : p.topic);
      sent.set(p.topic, {});
    } catch (err) {
      if (neverSent(err)) progress.changeRequests--;
      if (
        abortOrRecord(
          err,
          i,
          toSend.slice(i).map((t) => t.topic),
          [p.topic],
          sent,
        )
      )
        break;
    }
  }
  logger.info(`Created ${[...sent.values()].filter((s) => !s.error).length} mirror topic(s)`);
  return sent;
}

/** A request the deadline stopped before it was sent: it changed nothing. */
function neverSent(err: unknown): boolean {
  return err instanceof ConfluentApiError && err.kind === 'out-of-time';
}

/**
 * Handles a failed request. An unanswered one (timed out, connection lost) may have been applied: its topics are
 * left for the state read back to decide, and nothing more is sent. Other fatal failures (auth, the deadline)
 * throw when nothing was sent yet, and otherwise mark every unsent topic failed and return true (stop). Others
 * fail only `names`; anything that is not an ActionError is a bug, and is thrown as it is.
 */
function abortOrRecord(err: unknown, index: number, unsent: string[], names: string[], sent: Map<string, Sent>): boolean {
  if (!(err instanceof ActionError)) throw err;
  const reason = describeError(err);
  if (err instanceof ConfluentApiError && err.kind === 'unreachable') {
    // The message alone: what to do about the topic follows the state read back, at its end.
    for (const name of names) sent.set(name, { error: err.message, unanswered: true });
    for (const name of unsent.filter((n) => !names.includes(n))) sent.set(name, { error: `not sent: ${reason}`, unsent: true });
    return true;
  }
  const fatal = err instanceof ConfluentApiError && FATAL.has(err.kind);
  if (fatal && index === 0) throw err;
  if (fatal) {
    for (const name of unsent) sent.set(name, { error: `not sent: ${reason}`, unsent: true });
    return true;
  }
  for (const name of names) sent.set(name, { error: reason });
  return false;
}

/** A per-topic alter failure as users read it: the code and the server's message. */
function answerError(answer: AlterMirrorResult): string {
  return `error_code ${answer.errorCode ?? '–'}: ${answer.errorMessage ?? '(no message)'}`;
}

async function diagnose(
  api: MirrorApi,
  link: string,
  accepted: PlannedTopic[],
  waited: WaitOutcome,
  late: (last?: boolean) => { deadline?: number },
): Promise<Map<string, string>> {
  // Topics whose transition errors the wait already read are not read again (a reverted one is: the errors say why).
  const stuck = accepted
    .map((p) => p.topic)
    .filter((t) => !waited.reached.has(t) && !waited.reasons.get(t)?.startsWith(TRANSITION_ERRORS))
    .slice(0, waited.pollError ? 0 : DIAGNOSE_LIMIT);
  const found = new Map<string, string>();
  for (const topic of stuck) {
    const errors = await transitionErrorsOf(api, link, topic, late()).catch(() => []);
    if (errors.length) found.set(topic, `${TRANSITION_ERRORS}${errors.join('; ')}`);
  }
  return found;
}

/** A mirror's `mirror_state_transition_errors` as `CODE: message` (only the GET of one mirror carries them). */
async function transitionErrorsOf(api: MirrorApi, link: string, topic: string, call: { deadline?: number } = {}): Promise<string[]> {
  const mirror = await api.getMirror(link, topic, { includeStateTransitionErrors: true, ...call });
  return mirror?.stateTransitionErrors.map((e) => `${e.errorCode}: ${e.errorMessage}`) ?? [];
}

function topicResult(
  p: PlannedTopic,
  spec: OperationSpec,
  config: MirrorConfig,
  sent: Sent | undefined,
  listed: Map<string, MirrorTopic> | undefined,
  waited: WaitOutcome | undefined,
  diagnosis: string | undefined,
): TopicResult {
  const now = listed?.get(p.topic);
  const before = p.before?.mirrorStatus ?? 'NOT_A_MIRROR';
  const base = { topic: p.topic, source: p.source ?? now?.sourceTopicName, before };
  const lagsNow = (now ?? p.before)?.lags ?? NO_LAGS;
  // At a cut, the lag that matters is the one when mirroring stopped: the verb's answer, else the listing just before.
  const cutLags = sent?.answer?.lags.count ? sent.answer.lags : (p.before?.lags ?? NO_LAGS);
  const lags = spec.cut && p.step === 'send' ? cutLags : lagsNow;
  const { max, total } = lags;
  const extra: Partial<TopicResult> = {};
  if (config.includePartitionDetail)
    extra.partitions = (lags.partitions ?? []).map((l) => ({ partition: l.partition, lag: l.lag, lastSourceFetchOffset: l.lastSourceFetchOffset }));
  if (sent?.answer && spec.verb === 'truncate-and-restore' && sent.answer.messagesTruncated !== null) extra.messagesTruncated = sent.answer.messagesTruncated;
  if (config.includePartitionDetail && sent?.answer?.partitionLevelTruncationData.length) {
    extra.truncation = sent.answer.partitionLevelTruncationData.map((t) => ({
      partition: t.partitionId,
      offsetTruncatedTo: t.offsetTruncatedTo,
      messagesTruncated: t.messagesTruncated,
    }));
  }
  const result = (outcome: TopicResult['outcome'], after: string, more: Partial<TopicResult> = {}): TopicResult => ({
    ...base,
    after,
    maxLag: max,
    totalLag: total,
    outcome,
    ...extra,
    ...more,
  });
  const after = now?.mirrorStatus ?? (p.before ? before : 'NOT_A_MIRROR');

  switch (p.step) {
    case 'report':
      return result('reported', before, p.before?.mirrorTopicError ? { note: `mirror_topic_error ${p.before.mirrorTopicError}` } : {});
    case 'already':
      return result('already', after, { note: `already ${config.operation === 'create' ? 'a mirror topic' : before}: nothing sent` });
    case 'missing':
      return result('failed', after, { error: `not a mirror topic on link ${config.linkName}` });
  }
  if (sent?.error !== undefined) {
    // Retried POSTs and re-runs meet "already stopped"-style answers, and an unanswered request may have been
    // applied: the listing decides.
    if (!config.dryRun && now?.mirrorStatus === spec.target)
      return result('changed', after, {
        note: sent.unanswered
          ? `the ${spec.verb ?? config.operation} request got no answer, but the topic is ${spec.target}: ${sent.error}`
          : `the server answered "${sent.error}", but the topic is ${spec.target}`,
      });
    if (sent.unanswered && !config.dryRun) {
      if (!listed)
        return result('failed', 'UNKNOWN', {
          error: `${sent.error}; whether the cluster applied it is not known: no listing could be read after it. Run the step with operation: status to see`,
        });
      const status = now?.mirrorStatus ?? 'not listed';
      const topicError = now?.mirrorTopicError ? ` (mirror_topic_error ${now.mirrorTopicError})` : '';
      return result('failed', status, {
        error: `${sent.error}; read back afterwards, the topic was ${status}${topicError}, not ${spec.target}${waited?.timedOut ? ' when the wait timed out' : ''}${diagnosis ? `; ${diagnosis}` : ''}`,
      });
    }
    return result('failed', after, { error: sent.error });
  }
  if (config.dryRun) return result('would-change', before);
  if (!waited) return result('accepted', after, { note: config.wait ? undefined : 'accepted; not awaited (wait: false)' });
  if (waited.reached.has(p.topic)) return result('changed', after);
  const seen = waited.latest.get(p.topic);
  // Never read after the change: its state is not known (the wait's polls failed), not "not listed".
  const status = seen?.mirrorStatus ?? (waited.pollError && waited.polls === 0 ? 'UNKNOWN' : 'not listed');
  const topicError = seen?.mirrorTopicError ? ` (mirror_topic_error ${seen.mirrorTopicError})` : '';
  const detail = diagnosis ? `; ${diagnosis}` : '';
  if (waited.broken.has(p.topic)) {
    const reason = waited.reasons.get(p.topic);
    // Gave up (went back, or elsewhere) or carried transition errors: the reason says it; a broken status says itself.
    if (reason) return result('failed', status, { error: `${reason}${topicError}${detail}` });
    return result('failed', status, { error: `went ${status}${topicError} instead of ${spec.target}${detail}` });
  }
  if (waited.pollError) return result('failed', status, { error: `accepted, but reaching ${spec.target} could not be confirmed: ${waited.pollError}` });
  return result('failed', status, { error: `still ${status}${topicError} when the wait for ${spec.target} timed out${detail}` });
}
