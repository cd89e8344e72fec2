/**
 * Record replication over cluster links and everything derived from it: lag, and the statuses that depend on
 * reachability (SOURCE_UNAVAILABLE, LINK_FAILED). Replication is lazy: `advance()` copies what became due since
 * the last call, so results are exact at every observation without a busy timer.
 */
import { config } from './links.js';
import type { Cluster, Link, Mirror, MirrorStatus, Topic, World } from './state.js';
import type { MirrorLag } from './types.js';

/** Statuses in which the link keeps fetching records for the mirror. */
export function isFetching(mirror: Mirror): boolean {
  switch (mirror.status) {
    case 'ACTIVE':
    case 'PENDING_SYNCHRONIZE':
    case 'PENDING_MIRROR':
    case 'PENDING_RESTORE':
      return true;
    case 'PENDING_STOPPED':
      // promote does a last sync; failover stops at once.
      return mirror.pending?.verb === 'promote';
    default:
      return false;
  }
}

/** The cluster the mirror copies from, when the link knows it. */
export function sourceCluster(world: World, mirror: Mirror): Cluster | undefined {
  return world.remoteOf(mirror.link);
}

/** Can the link fetch from its source right now (both ends up, link healthy, not paused)? */
export function linkUp(world: World, mirror: Mirror): boolean {
  const source = sourceCluster(world, mirror);
  return !mirror.link.failure && !linkPaused(mirror.link) && !mirror.link.cluster.down && source !== undefined && !source.down;
}

/** `cluster.link.paused=true`: the link stops fetching; it shows PAUSED and its active mirrors LINK_PAUSED. */
export function linkPaused(link: Link): boolean {
  return config(link, 'cluster.link.paused') === 'true';
}

/**
 * Since when the link's remote cluster has been out of reach, or undefined while it is reachable. The link says so
 * (UNAVAILABLE, SOURCE_UNAVAILABLE) only `world.unavailableAfterMs` later: see `outageShown`.
 */
export function outageSince(world: World, link: Link): number | undefined {
  const remote = world.remoteOf(link);
  if (!remote) return 0;
  if (!remote.down && !link.cluster.down) return undefined;
  return Math.max(remote.down ? remote.downChangedAt : 0, link.cluster.down ? link.cluster.downChangedAt : 0);
}

/** Whether the link already reports its remote as unreachable (the outage has lasted `unavailableAfterMs`). */
export function outageShown(world: World, link: Link): boolean {
  const since = outageSince(world, link);
  return since !== undefined && world.now() - since >= world.unavailableAfterMs;
}

/** The source topic, if it still is the one the mirror started from. */
export function sourceTopic(world: World, mirror: Mirror): Topic | undefined {
  const topic = sourceCluster(world, mirror)?.topics.get(mirror.sourceTopic);
  if (!topic || (mirror.sourceTopicId && topic.id !== mirror.sourceTopicId)) return undefined;
  return topic;
}

/**
 * Copies the records that reached the mirror by `until` (appended + replicationDelayMs <= until), or every record
 * when `all` (the final sync of promote and reverse). Returns true when the mirror has caught up completely.
 */
export function syncMirror(world: World, mirror: Mirror, until: number, all = false): boolean {
  if (!linkUp(world, mirror)) return false;
  const source = sourceTopic(world, mirror);
  if (!source) return false;
  let caughtUp = true;
  const local = mirror.topic.partitions;
  const count = Math.min(local.length, source.partitions.length);
  for (let p = 0; p < count; p++) {
    const from = source.partitions[p];
    const to = local[p];
    while (to.length < from.length) {
      const record = from[to.length];
      const arrives = record.appendedAt + world.replicationDelayMs;
      if (!all && arrives > until) break;
      to.push({ ...record, appendedAt: all ? Math.max(until, record.appendedAt) : arrives });
    }
    mirror.knownSourceEnd[p] = from.length;
    if (to.length < from.length) caughtUp = false;
  }
  return caughtUp;
}

/** When the last record the source holds now will have reached the mirror (now when nothing is missing). */
export function caughtUpAt(world: World, mirror: Mirror, now: number): number {
  const source = sourceTopic(world, mirror);
  if (!source) return now;
  let at = now;
  source.partitions.forEach((records, p) => {
    const have = mirror.topic.partitions[p]?.length ?? 0;
    if (records.length > have) at = Math.max(at, records[records.length - 1].appendedAt + world.replicationDelayMs);
  });
  return at;
}

/** Refreshes what the link knows of the source's end offsets (only possible while it can reach the source). */
export function refreshKnown(world: World, mirror: Mirror): void {
  if (!linkUp(world, mirror)) return;
  const source = sourceTopic(world, mirror);
  if (!source) return;
  source.partitions.forEach((records, p) => {
    if (p < mirror.knownSourceEnd.length) mirror.knownSourceEnd[p] = records.length;
  });
}

/** The status the API reports: reachability problems show on ACTIVE mirrors without changing the stored state. */
export function effectiveStatus(world: World, mirror: Mirror): MirrorStatus {
  if (mirror.status !== 'ACTIVE') return mirror.status;
  if (mirror.link.failure) return 'LINK_FAILED';
  if (linkPaused(mirror.link)) return 'LINK_PAUSED';
  // In the first minutes of an outage the mirror still shows ACTIVE: nothing is fetched, the lags are the last ones.
  if (outageShown(world, mirror.link)) return 'SOURCE_UNAVAILABLE';
  return 'ACTIVE';
}

/** The time of the last change the API can see (status or reachability). */
export function effectiveStateTime(world: World, mirror: Mirror): number {
  const source = sourceCluster(world, mirror);
  if (mirror.status === 'ACTIVE' && effectiveStatus(world, mirror) === 'SOURCE_UNAVAILABLE') {
    return Math.max(mirror.stateTimeMs, (outageSince(world, mirror.link) ?? 0) + world.unavailableAfterMs);
  }
  if (mirror.status === 'ACTIVE' && effectiveStatus(world, mirror) !== 'ACTIVE') {
    return Math.max(mirror.stateTimeMs, mirror.link.cluster.downChangedAt, source?.downChangedAt ?? 0);
  }
  return mirror.stateTimeMs;
}

/**
 * Per-partition lag against what the link last learnt of the source (as measured by the data plane under the link,
 * when there is one: real Kafka's end offsets). A STOPPED mirror reports lag 0 and
 * last_source_fetch_offset -1, as the real API does (terraform-provider-confluent's recorded fixture).
 */
export function mirrorLags(world: World, mirror: Mirror): MirrorLag[] {
  if (mirror.status === 'STOPPED') return mirror.topic.partitions.map((_, partition) => ({ partition, lag: 0, last_source_fetch_offset: -1 }));
  const measured = world.dataPlane?.lags({ cluster: mirror.link.cluster.name, link: mirror.link.name, topic: mirror.topic.name });
  if (measured) return measured;
  refreshKnown(world, mirror);
  return mirror.topic.partitions.map((records, partition) => ({
    partition,
    lag: Math.max(0, (mirror.knownSourceEnd[partition] ?? 0) - records.length),
    last_source_fetch_offset: records.length,
  }));
}
