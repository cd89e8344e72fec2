/**
 * Mirror topics: create, and the alter verbs (`mirrors:<verb>`). Each verb checks every selected topic, answers a
 * result per topic (errors included, never a top-level failure for one topic) and schedules the asynchronous
 * change; transitions.ts applies it when due.
 */
import { RestError, badRequest, unknownTopic } from './errors.js';
import { getLink, prefixOf } from './links.js';
import { caughtUpAt, effectiveStatus, mirrorLags, sourceTopic } from './replication.js';
import { checkTopicName } from './topics.js';
import type { Cluster, Link, Mirror, Verb, World } from './state.js';
import type { MirrorLag } from './types.js';

/** The body of `POST /links/{link}/mirrors`. */
export interface CreateMirrorRequest {
  sourceTopic: string;
  mirrorTopic?: string;
  replicationFactor?: number;
  /**
   * Created over REST: PENDING_MIRROR for one transition, then ACTIVE, as the service's asynchronous creation (the
   * 204 means accepted). The programmatic setup call makes it ACTIVE at once.
   */
  pending?: boolean;
}

/** Creates a mirror topic on the destination (or bidirectional) side of a link. */
export function createMirror(world: World, cluster: Cluster, linkName: string, request: CreateMirrorRequest): Mirror {
  const link = getLink(cluster, linkName);
  if (!request.sourceTopic) throw badRequest('source_topic_name is required.', 400);
  if (link.mode === 'SOURCE') {
    throw badRequest(`Cluster link '${link.name}' is the source side of a source-initiated link: create mirror topics on the destination cluster's side.`);
  }
  const prefix = prefixOf(link);
  const expected = prefix + request.sourceTopic;
  const name = request.mirrorTopic ?? expected;
  if (name !== expected) {
    // The real message (TF #233); the rest says what the name must be.
    throw badRequest(
      `Topic renaming for mirroring not yet supported: on cluster link '${link.name}'${prefix ? ` (cluster.link.prefix '${prefix}')` : ''} the mirror of '${request.sourceTopic}' must be named '${expected}'.`,
    );
  }
  checkTopicName(name);
  if (request.replicationFactor !== undefined && request.replicationFactor !== 3) {
    throw badRequest(`Replication factor ${String(request.replicationFactor)} is not allowed: Confluent Cloud only accepts 3, or leave it out.`);
  }
  const remote = world.remoteOf(link);
  if (link.failure) throw badRequest(`Cluster link '${link.name}' has failed (${link.failure.error}): ${link.failure.message}`);
  if (!remote || remote.down)
    throw badRequest(`Cannot create mirror topic '${name}': the source cluster ${link.remoteId} is not reachable over cluster link '${link.name}'.`);
  const source = remote.topics.get(request.sourceTopic);
  if (!source) throw new RestError(404, 40403, `Topic '${request.sourceTopic}' does not exist on source cluster ${remote.id}.`);
  if (cluster.topics.has(name)) throw badRequest(`Topic '${name}' already exists.`);
  const topic = world.newTopic(cluster, name, source.partitions.length);
  const mirror = world.newMirror(link, topic, request.sourceTopic, request.pending ? 'PENDING_MIRROR' : 'ACTIVE', source.id);
  mirror.knownSourceEnd = source.partitions.map((p) => p.length);
  if (request.pending) world.schedule(mirror, { verb: 'create', due: world.now() + world.transitionMs, phase: 0, previous: 'PENDING_MIRROR' });
  return mirror;
}

/** The body of a `mirrors:<verb>` call, unvalidated. */
export interface AlterSelection {
  names?: unknown;
  pattern?: unknown;
}

/** Query flags of a `mirrors:<verb>` call. */
export interface AlterOptions {
  validateOnly: boolean;
  includePartitionTruncation: boolean;
}

/** One entry of the batch answer (`AlterMirrorStatusResponseData` without the envelope). */
export interface AlterResult {
  mirror_topic_name: string;
  error_code: number | null;
  error_message: string | null;
  mirror_lags: MirrorLag[];
  messages_truncated: number | null;
  partition_level_truncation_data: Array<{ partition_id: number; offset_truncated_to: number; messages_truncated: number }>;
}

interface Problem {
  code: number;
  message: string;
}
type Check = Problem | 'ok' | 'noop';

/** Runs one verb over the selected topics of a link. O(selected topics). */
export function alterMirrors(world: World, cluster: Cluster, linkName: string, verb: Verb, selection: AlterSelection, options: AlterOptions): AlterResult[] {
  const link = getLink(cluster, linkName);
  const names = selectNames(world, link, verb, selection);
  const reverse = verb === 'reverse-and-start-mirror' || verb === 'reverse-and-pause-mirror' || verb === 'truncate-and-restore';
  const linkProblem = reverse ? reversePrerequisites(world, link, verb) : undefined;
  const now = world.now();
  if (verb === 'truncate-and-restore') return names.map((name) => truncateOne(world, link, name, linkProblem, options, now));
  // Entries of the verbs that truncate nothing carry messages_truncated -1, as confluentinc/cli's test server
  // answers them (the spec's examples show null; clients must read both).
  const entry = (name: string, lags: MirrorLag[], problem?: Problem): AlterResult => ({ ...result(name, lags, problem), messages_truncated: -1 });
  return names.map((name) => {
    const mirror = link.mirrors.get(name);
    if (!mirror) return entry(name, [], { code: 404, message: `Topic '${name}' is not a mirror topic on cluster link '${link.name}'.` });
    const lags = mirrorLags(world, mirror);
    const check = linkProblem ?? checkVerb(world, mirror, verb);
    if (typeof check === 'object') return entry(name, lags, check);
    if (check === 'ok' && !options.validateOnly) start(world, mirror, verb, now);
    return entry(name, lags);
  });
}

function selectNames(world: World, link: Link, verb: Verb, selection: AlterSelection): string[] {
  const { names, pattern } = selection;
  if (names !== undefined && pattern !== undefined) throw badRequest('Give mirror_topic_names or mirror_topic_name_pattern, not both.', 400);
  if (names !== undefined) {
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw badRequest('mirror_topic_names must be an array of topic names.', 400);
    return [...new Set(names as string[])];
  }
  if (typeof pattern !== 'string' || pattern === '') throw badRequest('Either mirror_topic_names or mirror_topic_name_pattern is required.', 400);
  let regex: RegExp;
  try {
    // Java's Pattern.matches(): the whole name must match.
    regex = new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw badRequest(`Invalid mirror_topic_name_pattern '${pattern}': ${(err as Error).message}`, 400);
  }
  if (verb !== 'truncate-and-restore') return [...link.mirrors.keys()].filter((n) => regex.test(n));
  // truncate-and-restore names local topics (the divergent former sources), not mirrors of this side.
  const peer = world.peerLink(link);
  const candidates = peer ? [...peer.mirrors.values()].map((m) => m.sourceTopic).filter((n) => link.cluster.topics.has(n)) : [...link.cluster.topics.keys()];
  return [...new Set(candidates)].filter((n) => regex.test(n));
}

/** Reverse verbs and truncate-and-restore need a bidirectional, unprefixed link whose peer side is reachable. */
function reversePrerequisites(world: World, link: Link, verb: Verb): Problem | undefined {
  const fail = (why: string): Problem => ({ code: 400, message: `Cannot ${verb} over cluster link '${link.name}': ${why}` });
  if (link.mode !== 'BIDIRECTIONAL') return fail(`it is a ${link.mode} link; this operation needs a BIDIRECTIONAL link.`);
  if (prefixOf(link)) return fail(`links with cluster.link.prefix ('${prefixOf(link)}') do not support it.`);
  if (link.failure) return fail(`the link has failed (${link.failure.error}): ${link.failure.message}`);
  const remote = world.remoteOf(link);
  if (!remote || remote.down || link.cluster.down) return fail(`the remote cluster ${link.remoteId} is not reachable; both clusters must be reachable.`);
  const peer = world.peerLink(link);
  if (!peer)
    return fail(
      `cluster ${remote.id} has no side of this bidirectional link (cluster_link_id ${link.clusterLinkId}); create it there with cluster_link_id=${link.clusterLinkId}.`,
    );
  if (prefixOf(peer)) return fail(`the peer side '${peer.name}' has cluster.link.prefix ('${prefixOf(peer)}'), which this operation does not support.`);
  return undefined;
}

const PENDING_REVERSE = new Set(['PENDING_SYNCHRONIZE', 'PENDING_MIRROR', 'PENDING_SETUP_FOR_RESTORE', 'PENDING_RESTORE']);

function checkVerb(world: World, mirror: Mirror, verb: Verb): Check {
  const name = mirror.topic.name;
  const status = effectiveStatus(world, mirror);
  const pending = mirror.pending?.verb;
  if (status === 'STOPPED') return { code: 400, message: `Topic '${name}' has already stopped its mirror from '${mirror.link.name}'` };
  if (pending === verb) return 'noop';
  if (PENDING_REVERSE.has(status))
    return { code: 400, message: `Topic '${name}' has a mirror state change in progress (${status}); retry when it has completed.` };
  const broken = status === 'FAILED' ? ` its mirror has failed (${mirror.topicError})` : '';
  switch (verb) {
    case 'promote':
      if (pending === 'failover') return 'noop';
      if (status === 'FAILED') return { code: 400, message: `Cannot promote topic '${name}':${broken}. Use failover.` };
      // Refused only once the link shows the outage; in its first minutes a promote is accepted and cannot finish.
      if (status === 'SOURCE_UNAVAILABLE' || status === 'LINK_FAILED' || status === 'LINK_PAUSED') {
        return {
          code: 400,
          message: `Cannot promote topic '${name}': the source cluster ${mirror.link.remoteId} is not reachable over cluster link '${mirror.link.name}'. Promote needs the source for a last sync; use failover to stop mirroring without it.`,
        };
      }
      return 'ok';
    case 'failover':
      return 'ok';
    case 'pause':
      if (status === 'PENDING_STOPPED') return { code: 400, message: `Topic '${name}' is already being stopped (${pending ?? 'stop'} in progress).` };
      if (status === 'PAUSED' && pending !== 'resume')
        return { code: 400, message: `Topic '${name}' is already paused on cluster link '${mirror.link.name}'.` };
      if (status === 'FAILED') return { code: 400, message: `Cannot pause topic '${name}':${broken}.` };
      return 'ok';
    case 'resume':
      if (status === 'PENDING_STOPPED') return { code: 400, message: `Topic '${name}' is already being stopped (${pending ?? 'stop'} in progress).` };
      if (status === 'FAILED') return { code: 400, message: `Cannot resume topic '${name}':${broken}.` };
      if (status !== 'PAUSED' && pending !== 'pause') return { code: 400, message: `Topic '${name}' is not paused (status ${status}).` };
      return 'ok';
    default: {
      // reverse-and-start-mirror / reverse-and-pause-mirror
      if (status === 'PENDING_STOPPED') return { code: 400, message: `Topic '${name}' is already being stopped (${pending ?? 'stop'} in progress).` };
      if (status !== 'ACTIVE' && status !== 'PAUSED')
        return { code: 400, message: `Cannot ${verb} topic '${name}': its mirror is ${status}.${broken ? ' Use failover.' : ''}` };
      const source = sourceTopic(world, mirror);
      if (!source) return { code: 400, message: `Cannot ${verb} topic '${name}': its source topic no longer exists on cluster ${mirror.link.remoteId}.` };
      if (source.mirror && source.mirror.status !== 'STOPPED') {
        return { code: 400, message: `Cannot ${verb} topic '${name}': the remote topic is itself a mirror topic (${source.mirror.status}).` };
      }
      return 'ok';
    }
  }
}

function start(world: World, mirror: Mirror, verb: Verb, now: number): void {
  const T = world.transitionMs;
  const pending = mirror.pending;
  // The errors listed are those of the transition under way: a new one starts with none.
  mirror.transitionErrors = [];
  switch (verb) {
    case 'promote': {
      const previous = pending ? pending.previous : mirror.status;
      world.unschedule(mirror);
      world.setStatus(mirror, 'PENDING_STOPPED', now);
      // Promote ends only after a last sync: not before every record the source holds has arrived.
      world.schedule(mirror, { verb, due: Math.max(now + T, caughtUpAt(world, mirror, now)), phase: 0, previous });
      return;
    }
    case 'failover':
      if (pending?.verb === 'promote') {
        world.schedule(mirror, { ...pending, verb, due: Math.min(pending.due, now + T) });
        return;
      }
      world.unschedule(mirror);
      world.schedule(mirror, { verb, due: now + T, phase: 0, previous: mirror.status });
      world.setStatus(mirror, 'PENDING_STOPPED', now);
      return;
    case 'pause':
    case 'resume':
      // A pause cancels a pending resume and the other way round; there is no PENDING_ state for either. With a data
      // plane outside, the pending one may already be carried out there: the new one follows it instead.
      if (pending && !world.dataPlane) world.unschedule(mirror);
      else world.schedule(mirror, { verb, due: now + T, phase: 0, previous: mirror.status });
      return;
    default:
      world.unschedule(mirror);
      world.schedule(mirror, { verb, due: Math.max(now + T, caughtUpAt(world, mirror, now)), phase: 0, previous: mirror.status });
      world.setStatus(mirror, 'PENDING_SYNCHRONIZE', now);
  }
}

function truncateOne(world: World, link: Link, name: string, linkProblem: Problem | undefined, options: AlterOptions, now: number): AlterResult {
  const topic = link.cluster.topics.get(name);
  if (!topic) return result(name, [], { code: 404, message: `Topic '${name}' does not exist on cluster ${link.cluster.id}.` });
  if (linkProblem) return result(name, [], linkProblem);
  const current = topic.mirror;
  if (current && current.status !== 'STOPPED') {
    if (current.link === link && current.pending?.verb === 'truncate-and-restore')
      return { ...result(name, mirrorLags(world, current)), messages_truncated: 0 };
    return result(name, mirrorLags(world, current), {
      code: 400,
      message: `Topic '${name}' is a mirror topic (${effectiveStatus(world, current)}) on cluster link '${current.link.name}'; truncate-and-restore applies to the former source topic after a failover.`,
    });
  }
  const peer = world.peerLink(link)!;
  const remote = peer.cluster;
  const peerMirror = peer.mirrors.get(name);
  const peerTopic = remote.topics.get(name);
  if (!peerMirror || peerMirror.sourceTopic !== name || !peerTopic) {
    return result(name, [], {
      code: 400,
      message: `Cannot truncate-and-restore topic '${name}': cluster ${remote.id} has no mirror of it on cluster link '${peer.name}'.`,
    });
  }
  if (peerMirror.status !== 'STOPPED') {
    return result(name, [], {
      code: 400,
      message: `Cannot truncate-and-restore topic '${name}': its mirror on cluster ${remote.id} is ${effectiveStatus(world, peerMirror)}, not STOPPED. Fail it over (or promote it) there first.`,
    });
  }
  // With a data plane outside (real brokers), the offsets are its own: this memory does not hold those records.
  const plane = world.dataPlane;
  const ends = plane?.endOffsets?.(link.cluster.name, name) ?? topic.partitions.map((p) => p.length);
  const peerEnds = plane?.endOffsets?.(remote.name, name) ?? peerTopic.partitions.map((p) => p.length);
  const stopped = plane?.stoppedOffsets?.({ cluster: remote.name, link: peer.name, topic: name }) ?? peerMirror.stoppedOffsets ?? peerEnds;
  const detail = topic.partitions.map((_, p) => {
    const end = ends[p] ?? 0;
    const to = Math.min(end, stopped[p] ?? end);
    return { partition_id: p, offset_truncated_to: to, messages_truncated: end - to };
  });
  const lags = detail.map((d) => ({
    partition: d.partition_id,
    lag: Math.max(0, (peerEnds[d.partition_id] ?? 0) - d.offset_truncated_to),
    last_source_fetch_offset: d.offset_truncated_to,
  }));
  if (!options.validateOnly) {
    // The records written to the old primary after the cut are dropped here, before mirroring resumes (a data plane
    // outside drops its own when the verb is applied there).
    detail.forEach((d) => {
      const log = topic.partitions[d.partition_id];
      log.length = Math.min(log.length, d.offset_truncated_to);
    });
    const mirror = world.newMirror(link, topic, name, 'PENDING_SETUP_FOR_RESTORE', peerTopic.id);
    mirror.knownSourceEnd = peerTopic.partitions.map((p) => p.length);
    world.schedule(mirror, { verb: 'truncate-and-restore', due: now + Math.ceil(world.transitionMs / 2), phase: 0, previous: 'STOPPED' });
  }
  return {
    ...result(name, lags),
    messages_truncated: detail.reduce((sum, d) => sum + d.messages_truncated, 0),
    partition_level_truncation_data: options.includePartitionTruncation ? detail : [],
  };
}

function result(name: string, lags: MirrorLag[], problem?: Problem): AlterResult {
  return {
    mirror_topic_name: name,
    error_code: problem ? problem.code : null,
    error_message: problem ? problem.message : null,
    mirror_lags: lags,
    messages_truncated: null,
    partition_level_truncation_data: [],
  };
}

/** GET of one mirror: 404 for a topic that is not a mirror on the link. */
export function getMirror(cluster: Cluster, linkName: string, topic: string): Mirror {
  const mirror = getLink(cluster, linkName).mirrors.get(topic);
  if (!mirror) {
    if (!cluster.topics.has(topic)) throw unknownTopic();
    throw new RestError(404, 40403, `Topic '${topic}' is not a mirror topic on cluster link '${linkName}'.`);
  }
  return mirror;
}
