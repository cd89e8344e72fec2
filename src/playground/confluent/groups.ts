/** Consumer groups: committed offsets, members, lag, and the cluster link's consumer offset sync. */
import { KafkaError } from './errors.js';
import { config, prefixOf } from './links.js';
import { linkUp } from './replication.js';
import type { Cluster, Group, Link, Mirror, World } from './state.js';

/** The group, created empty when it does not exist yet. */
export function groupOf(cluster: Cluster, id: string): Group {
  let group = cluster.groups.get(id);
  if (!group) cluster.groups.set(id, (group = { id, offsets: new Map(), members: [] }));
  return group;
}

/** Commits offsets for a group (creating it); unknown topics or partitions are refused, nothing is half-applied. */
export function commit(cluster: Cluster, groupId: string, offsets: Array<{ topic: string; partition: number; offset: number }>): void {
  for (const o of offsets) {
    const topic = cluster.topics.get(o.topic);
    if (!topic || !Number.isInteger(o.partition) || o.partition < 0 || o.partition >= topic.partitions.length) {
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${o.topic}-${String(o.partition)}.`);
    }
    if (!Number.isInteger(o.offset) || o.offset < 0)
      throw new KafkaError('INVALID_REQUEST', `Offset ${String(o.offset)} for ${o.topic}-${String(o.partition)} is not a valid offset.`);
  }
  const group = groupOf(cluster, groupId);
  for (const o of offsets) {
    let byPartition = group.offsets.get(o.topic);
    if (!byPartition) group.offsets.set(o.topic, (byPartition = new Map()));
    byPartition.set(o.partition, o.offset);
  }
}

/** Consumer lag of one committed partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  current: number;
  end: number;
  lag: number;
  consumerId: string;
  clientId: string;
  instanceId: string | null;
}

/**
 * The consumer groups of a cluster: a data plane's (real brokers) when it has them, else this memory's. A data plane's
 * are read-only snapshots, rebuilt at each call.
 */
export function groupsOf(world: World, cluster: Cluster): Map<string, Group> {
  const outside = world.dataPlane?.consumerGroups?.(cluster.name);
  if (!outside) return cluster.groups;
  const groups = new Map<string, Group>();
  for (const g of outside) {
    const offsets = new Map<string, Map<number, number>>();
    for (const o of g.offsets) {
      if (!offsets.has(o.topic)) offsets.set(o.topic, new Map());
      offsets.get(o.topic)!.set(o.partition, o.offset);
    }
    groups.set(g.id, { id: g.id, offsets, members: g.members.map((m) => ({ ...m, assignments: [...m.assignments] })), described: g.described });
  }
  return groups;
}

/** Lag of every committed partition (topics deleted since are skipped), with the member assigned to it. */
export function groupLags(cluster: Cluster, group: Group, world?: World): PartitionLag[] {
  const owner = new Map<string, Group['members'][number]>();
  for (const member of group.members) for (const a of member.assignments) owner.set(`${a.topic}\u0000${a.partition}`, member);
  const lags: PartitionLag[] = [];
  for (const [topicName, byPartition] of group.offsets) {
    const topic = cluster.topics.get(topicName);
    // With a data plane outside, its end offsets (the records are there, not in this memory).
    const ends = world?.dataPlane?.endOffsets?.(cluster.name, topicName);
    if (!topic && !ends) continue;
    for (const [partition, current] of [...byPartition].sort((a, b) => a[0] - b[0])) {
      const end = ends ? (ends[partition] ?? 0) : (topic!.partitions[partition]?.length ?? 0);
      const member = owner.get(`${topicName}\u0000${partition}`);
      lags.push({
        topic: topicName,
        partition,
        current,
        end,
        lag: Math.max(0, end - current),
        consumerId: member?.consumerId ?? '',
        clientId: member?.clientId ?? '',
        instanceId: member?.instanceId ?? null,
      });
    }
  }
  return lags;
}

/**
 * `consumer.offset.group.filters` as a predicate: `{"groupFilters":[{"name":"*"|"x","patternType":"LITERAL"|"PREFIXED",
 * "filterType":"INCLUDE"|"EXCLUDE"}]}`. Undefined when unset or unreadable: then no group is synced.
 */
export function groupFilter(json: string): ((group: string) => boolean) | undefined {
  if (!json) return undefined;
  let filters: Array<{ name?: string; patternType?: string; filterType?: string }>;
  try {
    filters = (JSON.parse(json) as { groupFilters?: typeof filters }).groupFilters ?? [];
  } catch {
    return undefined;
  }
  const matches = (f: (typeof filters)[number], group: string) =>
    f.name === '*' || (f.patternType?.toUpperCase() === 'PREFIXED' ? group.startsWith(f.name ?? '\u0000') : group === f.name);
  return (group) => {
    const hits = filters.filter((f) => matches(f, group));
    return hits.some((f) => (f.filterType ?? 'INCLUDE').toUpperCase() === 'INCLUDE') && !hits.some((f) => f.filterType?.toUpperCase() === 'EXCLUDE');
  };
}

/**
 * Copies committed offsets of the source cluster's groups to this side for topics the link still mirrors. Groups
 * with members on this side are skipped (the real link reports CONSUMER_GROUP_IN_USE_ERROR); offsets are capped at
 * the mirror's log end. `only` restricts the sync to one mirror (promote's last sync).
 */
export function syncGroupOffsets(world: World, link: Link, only?: Mirror): void {
  const remote = world.remoteOf(link);
  const accept = groupFilter(config(link, 'consumer.offset.group.filters'));
  if (!remote || !accept || link.failure || remote.down || link.cluster.down) return;
  const prefix = prefixOf(link);
  for (const source of remote.groups.values()) {
    if (!accept(source.id)) continue;
    const local = link.cluster.groups.get(source.id);
    if (local && local.members.length > 0) continue;
    for (const [topicName, byPartition] of source.offsets) {
      const mirror = link.mirrors.get(prefix + topicName);
      if (!mirror || mirror.sourceTopic !== topicName || (only && mirror !== only)) continue;
      if (mirror.status === 'STOPPED' || !linkUp(world, mirror)) continue;
      const target = groupOf(link.cluster, source.id);
      let offsets = target.offsets.get(mirror.topic.name);
      if (!offsets) target.offsets.set(mirror.topic.name, (offsets = new Map()));
      for (const [partition, offset] of byPartition) {
        const end = mirror.topic.partitions[partition]?.length;
        if (end !== undefined) offsets.set(partition, Math.min(offset, end));
      }
    }
  }
}
