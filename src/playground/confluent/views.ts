/** JSON bodies exactly as the Kafka REST v3 spec shapes them (explicit nulls included). */
import { LINK_CONFIG_DEFAULTS, config, isSensitive, linkState, linkTasks } from './links.js';
import { effectiveStateTime, effectiveStatus, mirrorLags } from './replication.js';
import type { AlterResult } from './mirrors.js';
import type { PartitionLag } from './groups.js';
import type { Cluster, Group, Link, Mirror, Topic, World } from './state.js';

/** The REST base URL of a cluster (`.../kafka/v3/clusters/{id}`). */
export function base(cluster: Cluster): string {
  return `${cluster.restEndpoint}/kafka/v3/clusters/${cluster.id}`;
}

function crn(cluster: Cluster, rest = ''): string {
  return `crn:///kafka=${cluster.id}${rest}`;
}

function list(kind: string, self: string, data: unknown[]): object {
  return { kind, metadata: { self, next: null }, data };
}

const related = (url: string) => ({ related: url });

/** The spec's Error body. */
export function errorBody(errorCode: number, message: string | null): object {
  return { error_code: errorCode, message };
}

/** ClusterData. */
export function clusterView(cluster: Cluster): object {
  const b = base(cluster);
  return {
    kind: 'KafkaCluster',
    metadata: { self: b, resource_name: crn(cluster) },
    cluster_id: cluster.id,
    controller: related(`${b}/brokers/0`),
    acls: related(`${b}/acls`),
    brokers: related(`${b}/brokers`),
    broker_configs: related(`${b}/broker-configs`),
    consumer_groups: related(`${b}/consumer-groups`),
    topics: related(`${b}/topics`),
    partition_reassignments: related(`${b}/topics/-/partitions/-/reassignment`),
  };
}

/** TopicData. */
export function topicView(cluster: Cluster, topic: Topic): object {
  const self = `${base(cluster)}/topics/${topic.name}`;
  return {
    kind: 'KafkaTopic',
    metadata: { self, resource_name: crn(cluster, `/topic=${topic.name}`) },
    cluster_id: cluster.id,
    topic_name: topic.name,
    is_internal: false,
    replication_factor: 3,
    partitions_count: topic.partitions.length,
    partitions: related(`${self}/partitions`),
    configs: related(`${self}/configs`),
    partition_reassignments: related(`${self}/partitions/-/reassignment`),
  };
}

/** TopicDataList. */
export function topicListView(cluster: Cluster, topics: Iterable<Topic> = cluster.topics.values()): object {
  return list(
    'KafkaTopicList',
    `${base(cluster)}/topics`,
    // By name, as kafka-rest's TopicsResource.listTopics sorts them (Java's String order: UTF-16 code units, as here).
    [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => topicView(cluster, t)),
  );
}

/** PartitionData. */
export function partitionView(cluster: Cluster, topic: Topic, partition: number): object {
  const self = `${base(cluster)}/topics/${topic.name}/partitions/${partition}`;
  return {
    kind: 'KafkaPartition',
    metadata: { self, resource_name: crn(cluster, `/topic=${topic.name}/partition=${partition}`) },
    cluster_id: cluster.id,
    topic_name: topic.name,
    partition_id: partition,
    leader: related(`${self}/replicas/0`),
    replicas: related(`${self}/replicas`),
    reassignment: related(`${self}/reassignment`),
  };
}

/** PartitionDataList. */
export function partitionListView(cluster: Cluster, topic: Topic): object {
  return list(
    'KafkaPartitionList',
    `${base(cluster)}/topics/${topic.name}/partitions`,
    topic.partitions.map((_, p) => partitionView(cluster, topic, p)),
  );
}

/** ListLinksResponseData; `tasks` only when asked for. */
export function linkView(world: World, link: Link, includeTasks: boolean): object {
  const { state, error, message } = linkState(world, link);
  const c = link.cluster;
  return {
    kind: 'KafkaLinkData',
    metadata: { self: `${base(c)}/links/${link.name}`, resource_name: crn(c, `/cluster-link=${link.name}`) },
    source_cluster_id: link.mode === 'DESTINATION' ? link.remoteId : null,
    destination_cluster_id: link.mode === 'SOURCE' ? link.remoteId : null,
    remote_cluster_id: link.mode === 'BIDIRECTIONAL' ? link.remoteId : null,
    link_name: link.name,
    link_id: link.linkId,
    cluster_link_id: link.clusterLinkId,
    topic_names: [...link.mirrors.keys()],
    link_state: state,
    link_error: error,
    link_error_message: message,
    category_counts: categoryCounts(world, link),
    ...(includeTasks ? { tasks: linkTasks(world, link) } : {}),
  };
}

/** `category_counts`: the link's mirror topics by state category (the spec's LinkCategory), non-zero ones only. */
function categoryCounts(world: World, link: Link): Array<{ state_category: string; count: number }> {
  const counts = new Map<string, number>();
  for (const mirror of link.mirrors.values()) {
    const status = effectiveStatus(world, mirror);
    const category =
      status === 'ACTIVE'
        ? 'ACTIVE'
        : status === 'PAUSED' || status === 'LINK_PAUSED'
          ? 'PAUSED'
          : status.startsWith('PENDING_')
            ? 'PENDING'
            : status === 'STOPPED'
              ? 'NOT_APPLICABLE'
              : 'IN_ERROR';
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  return [...counts].map(([state_category, count]) => ({ state_category, count }));
}

/** ListLinksResponseDataList. */
export function linkListView(world: World, cluster: Cluster): object {
  return list(
    'KafkaLinkDataList',
    `${base(cluster)}/links`,
    [...cluster.links.values()].map((l) => linkView(world, l, false)),
  );
}

/** ListLinkConfigsResponseData. */
export function linkConfigView(link: Link, name: string): object {
  const c = link.cluster;
  const set = link.configs.has(name);
  const value = isSensitive(name) ? '' : config(link, name);
  return {
    kind: 'KafkaLinkConfigData',
    metadata: { self: `${base(c)}/links/${link.name}/configs/${name}`, resource_name: crn(c, `/cluster-link=${link.name}/config=${name}`) },
    cluster_id: c.id,
    name,
    value,
    is_default: !set,
    is_read_only: LINK_CONFIG_DEFAULTS[name]?.readOnly === true,
    is_sensitive: isSensitive(name),
    source: set ? 'DYNAMIC_CLUSTER_LINK_CONFIG' : 'DEFAULT_CONFIG',
    synonyms: [],
    link_name: link.name,
  };
}

/** ListLinkConfigsResponseDataList: defaults and set values. */
export function linkConfigListView(link: Link): object {
  const names = [...new Set([...Object.keys(LINK_CONFIG_DEFAULTS), ...link.configs.keys()])].sort();
  return list(
    'KafkaLinkConfigDataList',
    `${base(link.cluster)}/links/${link.name}/configs`,
    names.map((n) => linkConfigView(link, n)),
  );
}

/** ListMirrorTopicsResponseData. */
export function mirrorView(world: World, mirror: Mirror, includeTransitionErrors: boolean): object {
  const c = mirror.link.cluster;
  return {
    kind: 'KafkaMirrorData',
    metadata: {
      self: `${base(c)}/links/${mirror.link.name}/mirrors/${mirror.topic.name}`,
      resource_name: crn(c, `/cluster-link=${mirror.link.name}/mirror-topic=${mirror.topic.name}`),
    },
    link_name: mirror.link.name,
    mirror_topic_name: mirror.topic.name,
    source_topic_name: mirror.sourceTopic,
    num_partitions: mirror.topic.partitions.length,
    mirror_lags: mirrorLags(world, mirror),
    mirror_status: effectiveStatus(world, mirror),
    state_time_ms: effectiveStateTime(world, mirror),
    mirror_topic_error: mirror.topicError,
    ...(includeTransitionErrors ? { mirror_state_transition_errors: mirror.transitionErrors } : {}),
  };
}

/** ListMirrorTopicsResponseDataList. */
export function mirrorListView(world: World, self: string, mirrors: Iterable<Mirror>): object {
  return list(
    'KafkaMirrorDataList',
    self,
    [...mirrors].map((m) => mirrorView(world, m, false)),
  );
}

/** AlterMirrorStatusResponseDataList: one entry per selected topic. */
export function alterView(cluster: Cluster, linkName: string, results: AlterResult[]): object {
  const self = `${base(cluster)}/links/${linkName}/mirrors`;
  return {
    kind: 'KafkaPromoteMirror',
    metadata: { self, resource_name: crn(cluster, `/cluster-link=${linkName}`), next: null },
    data: results.map((r) => ({
      kind: 'AlterMirrorsData',
      metadata: { self: `${self}/${r.mirror_topic_name}`, resource_name: crn(cluster, `/cluster-link=${linkName}/mirror-topic=${r.mirror_topic_name}`) },
      ...r,
    })),
  };
}

/** ConsumerGroupData. */
export function groupView(cluster: Cluster, group: Group): object {
  const self = `${base(cluster)}/consumer-groups/${group.id}`;
  return {
    kind: 'KafkaConsumerGroup',
    metadata: { self, resource_name: crn(cluster, `/consumer-group=${group.id}`) },
    cluster_id: cluster.id,
    consumer_group_id: group.id,
    is_simple: group.described?.simple ?? !group.classic,
    partition_assignor: group.described?.assignor ?? (group.members.length ? 'range' : ''),
    state: group.described?.state ?? (group.members.length ? 'STABLE' : 'EMPTY'),
    type: 'CLASSIC',
    is_mixed_consumer_group: false,
    coordinator: related(`${base(cluster)}/brokers/0`),
    consumers: related(`${self}/consumers`),
    lag_summary: related(`${self}/lag-summary`),
  };
}

/** ConsumerGroupDataList. */
export function groupListView(cluster: Cluster, groups: Iterable<Group>): object {
  return list(
    'KafkaConsumerGroupList',
    `${base(cluster)}/consumer-groups`,
    [...groups].map((g) => groupView(cluster, g)),
  );
}

/** ConsumerData. */
export function consumerView(cluster: Cluster, group: Group, member: Group['members'][number]): object {
  const self = `${base(cluster)}/consumer-groups/${group.id}/consumers/${member.consumerId}`;
  return {
    kind: 'KafkaConsumer',
    metadata: { self, resource_name: crn(cluster, `/consumer-group=${group.id}/consumer=${member.consumerId}`) },
    cluster_id: cluster.id,
    consumer_group_id: group.id,
    consumer_id: member.consumerId,
    instance_id: member.instanceId ?? null,
    client_id: member.clientId,
    assignments: related(`${self}/assignments`),
  };
}

/** ConsumerDataList. */
export function consumerListView(cluster: Cluster, group: Group): object {
  return list(
    'KafkaConsumerList',
    `${base(cluster)}/consumer-groups/${group.id}/consumers`,
    group.members.map((m) => consumerView(cluster, group, m)),
  );
}

/** ConsumerLagData. */
export function lagView(cluster: Cluster, group: Group, lag: PartitionLag): object {
  return {
    kind: 'KafkaConsumerLag',
    metadata: {
      self: `${base(cluster)}/consumer-groups/${group.id}/lags/${lag.topic}/partitions/${lag.partition}`,
      resource_name: crn(cluster, `/consumer-group=${group.id}/lag=${lag.topic}/partition=${lag.partition}`),
    },
    cluster_id: cluster.id,
    consumer_group_id: group.id,
    topic_name: lag.topic,
    partition_id: lag.partition,
    current_offset: lag.current,
    log_end_offset: lag.end,
    lag: lag.lag,
    consumer_id: lag.consumerId,
    instance_id: lag.instanceId,
    client_id: lag.clientId,
  };
}

/** ConsumerLagDataList. */
export function lagListView(cluster: Cluster, group: Group, lags: PartitionLag[]): object {
  return list(
    'KafkaConsumerLagList',
    `${base(cluster)}/consumer-groups/${group.id}/lags`,
    lags.map((l) => lagView(cluster, group, l)),
  );
}

/** ConsumerGroupLagSummaryData. */
export function lagSummaryView(cluster: Cluster, group: Group, lags: PartitionLag[]): object {
  const max = lags.reduce<PartitionLag | undefined>((best, l) => (!best || l.lag > best.lag ? l : best), undefined);
  const self = `${base(cluster)}/consumer-groups/${group.id}`;
  return {
    kind: 'KafkaConsumerGroupLagSummary',
    metadata: { self: `${self}/lag-summary`, resource_name: crn(cluster, `/consumer-group=${group.id}/lag-summary`) },
    cluster_id: cluster.id,
    consumer_group_id: group.id,
    max_lag_consumer_id: max?.consumerId ?? '',
    max_lag_instance_id: max?.instanceId ?? null,
    max_lag_client_id: max?.clientId ?? '',
    max_lag_topic_name: max?.topic ?? '',
    max_lag_partition_id: max?.partition ?? 0,
    max_lag: max?.lag ?? 0,
    total_lag: lags.reduce((sum, l) => sum + l.lag, 0),
    max_lag_consumer: related(`${self}/consumers/${max?.consumerId ?? ''}`),
    max_lag_partition: related(`${base(cluster)}/topics/${max?.topic ?? ''}/partitions/${max?.partition ?? 0}`),
  };
}
