/** Topics and the data plane: create, delete, produce, fetch. */
import { KafkaError, RestError, badRequest } from './errors.js';
import type { Cluster, StoredRecord, Topic, World } from './state.js';

/** Confluent Cloud's default partition count when a create request gives none. */
export const DEFAULT_PARTITIONS = 6;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** A topic creation, from REST or the admin API. */
export interface CreateTopicRequest {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  configs?: Array<{ name: string; value?: string | null }>;
  validateOnly?: boolean;
}

/** Creates a topic with the REST API's rules (name, partitions, only RF 3 accepted, no duplicates). */
export function createTopic(world: World, cluster: Cluster, request: CreateTopicRequest): Topic | undefined {
  checkTopicName(request.name);
  const partitions = request.partitions ?? DEFAULT_PARTITIONS;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 4096) {
    throw badRequest(`Number of partitions must be between 1 and 4096, got ${String(partitions)}.`);
  }
  // Confluent Cloud accepts only its own replication factor; kcp notes that anything but 3 gets 40002.
  if (request.replicationFactor !== undefined && request.replicationFactor !== 3) {
    throw badRequest(`Replication factor ${String(request.replicationFactor)} is not allowed: Confluent Cloud only accepts 3, or leave it out.`);
  }
  if (cluster.topics.has(request.name)) throw badRequest(`Topic '${request.name}' already exists.`);
  if (request.validateOnly) return undefined;
  const topic = world.newTopic(cluster, request.name, partitions);
  for (const config of request.configs ?? []) if (config.value != null) topic.configs.set(config.name, config.value);
  return topic;
}

/** Kafka's legal topic names. */
export function checkTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw badRequest(`Topic name '${name}' is illegal: use 1-249 characters from [a-zA-Z0-9._-].`);
  }
}

/** Deletes a topic. A deleted mirror topic leaves its link; mirrors of a deleted source topic go FAILED. */
export function deleteTopic(world: World, cluster: Cluster, name: string): void {
  const topic = cluster.topics.get(name);
  if (!topic) throw new RestError(404, 40403, 'This server does not host this topic-partition.');
  if (topic.mirror) world.detach(topic.mirror);
  cluster.topics.delete(name);
  for (const mirror of [...world.mirrorsOf(cluster, name)]) {
    if (mirror.status === 'STOPPED') continue;
    world.unschedule(mirror);
    world.setStatus(mirror, 'FAILED');
    mirror.topicError = 'SOURCE_TOPIC_MAY_BE_DELETED';
  }
}

/** The topic, or the data plane's UNKNOWN_TOPIC_OR_PARTITION. */
export function requireTopic(cluster: Cluster, name: string): Topic {
  const topic = cluster.topics.get(name);
  if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${cluster.name}/${name}.`);
  return topic;
}

/** The data plane fails like a client that cannot connect. */
export function requireUp(cluster: Cluster): void {
  if (cluster.down) {
    throw new KafkaError(
      'NETWORK_EXCEPTION',
      `Cluster ${cluster.name} (${cluster.bootstrap}) is unreachable: the connection ${cluster.down === 'hang' ? 'timed out' : 'was refused'}.`,
    );
  }
}

/** A topic that is a mirror (any status but STOPPED) refuses writes. */
export function writable(topic: Topic): boolean {
  return !topic.mirror || topic.mirror.status === 'STOPPED';
}

/** The broker's refusal for a write to a mirror topic. */
export function readOnlyMessage(topic: string): string {
  return `Cannot append records to read-only mirror topic '${topic}'`;
}

/** Appends records, choosing partitions like the Java client: explicit, else murmur2 of the key, else round-robin. */
export function append(
  world: World,
  cluster: Cluster,
  topic: Topic,
  records: Array<Omit<StoredRecord, 'appendedAt' | 'timestamp'> & { timestamp?: number }>,
  partition?: number,
): Array<{ partition: number; offset: number }> {
  if (!writable(topic)) throw new KafkaError('INVALID_REQUEST', readOnlyMessage(topic.name));
  const count = topic.partitions.length;
  if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition >= count)) {
    throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic.name}-${String(partition)}.`);
  }
  const now = world.now();
  const placed = records.map((record) => {
    const p = partition ?? (record.key !== undefined ? toPositive(murmur2(Buffer.from(record.key))) % count : topic.nextPartition++ % count);
    const log = topic.partitions[p];
    log.push({ ...record, timestamp: record.timestamp ?? now, appendedAt: now });
    return { partition: p, offset: log.length - 1 };
  });
  for (const mirror of world.mirrorsOf(cluster, topic.name)) world.dirty.add(mirror);
  return placed;
}

/** Records from `offset` (at most `max`); past the log end is OFFSET_OUT_OF_RANGE, as after a truncation. */
export function read(topic: Topic, partition: number, offset: number, max: number): Array<{ offset: number; key?: string; value: string }> {
  const log = topic.partitions[partition];
  if (!log) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic.name}-${String(partition)}.`);
  if (!Number.isInteger(offset) || offset < 0 || offset > log.length) {
    throw new KafkaError(
      'OFFSET_OUT_OF_RANGE',
      `Fetch position ${String(offset)} is out of range for partition ${topic.name}-${String(partition)} (log end ${String(log.length)}).`,
    );
  }
  return log
    .slice(offset, offset + max)
    .map((record, i) => ({ offset: offset + i, ...(record.key !== undefined ? { key: record.key } : {}), value: record.value }));
}

/** Kafka's murmur2 (the Java client's default partitioner hash). */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    let k = (data[o] & 0xff) | ((data[o + 1] & 0xff) << 8) | ((data[o + 2] & 0xff) << 16) | ((data[o + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = blocks * 4;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

function toPositive(n: number): number {
  return n & 0x7fffffff;
}
