import { afterAll, beforeAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { kafkaConfig, startRealKafka, type RealKafka, type RealKafkaCluster } from '../../src/playground/real/kafka/index.js';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes } from '../../src/playground/real/kafka/kafkajs.js';

/** Polls `check` until it returns a value other than undefined; throws `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Every process whose command line contains `needle` (from ps), as `pid args`. */
export function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}

/**
 * The kafkajs error of a rejection: the error itself when it carries a Kafka error type, else the cause its
 * retrier wrapped it in (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded), down to the first with a
 * type or without a cause. `code` is Kafka's error code, or the socket's (ECONNREFUSED) for a connection error.
 */
export function kafkaError(err: unknown): { name: string; type?: string; code?: number | string; message: string } {
  let e = err as { name: string; type?: string; code?: number | string; message: string; cause?: unknown; originalError?: unknown };
  while (!e.type && (e.cause || e.originalError)) e = (e.cause ?? e.originalError) as typeof e;
  const out: { name: string; type?: string; code?: number | string; message: string } = { name: e.name, message: e.message };
  if (e.type !== undefined) out.type = e.type;
  if (e.code !== undefined) out.code = e.code;
  return out;
}

/** A topic's end offsets on a cluster, by partition, read with the operator key. */
export async function endOffsets(cluster: RealKafkaCluster, topic: string): Promise<number[]> {
  const admin = new Kafka(kafkaConfig(cluster, 'operator')).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
  } finally {
    await admin.disconnect();
  }
}

/** Commits `offset` for a group on one partition with the application key, as a consumer of the group does. */
export async function commitOffset(cluster: RealKafkaCluster, group: string, topic: string, partition: number, offset: number): Promise<void> {
  const committer = new Kafka(kafkaConfig(cluster, 'app')).consumer({ groupId: group });
  await committer.connect();
  try {
    await committer.subscribe({ topics: [topic], fromBeginning: true });
    // A commit is refused until the consumer has joined its group.
    const joined = new Promise<void>((resolve) => committer.on(committer.events.GROUP_JOIN, () => resolve()));
    await committer.run({ autoCommit: false, eachMessage: async () => undefined });
    await until(`${group} joined`, async () => ((await Promise.race([joined.then(() => true), new Promise((r) => setTimeout(r, 100))])) ? true : undefined));
    await committer.commitOffsets([{ topic, partition, offset: String(offset) }]);
  } finally {
    await committer.disconnect();
  }
}

/** Creates a topic (one replica) with the application key, waiting for its leaders. */
export async function createTopic(cluster: RealKafkaCluster, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka(kafkaConfig(cluster, 'app')).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** A partition's records from offset 0 to its end, in offset order, read with the operator key (no `key` when it has none). */
export async function partitionRecords(
  cluster: RealKafkaCluster,
  topic: string,
  partition: number,
): Promise<Array<{ offset: number; key?: string; value: string }>> {
  const end = (await endOffsets(cluster, topic))[partition];
  if (end === 0) return [];
  const seen: Array<{ offset: number; key?: string; value: string }> = [];
  const consumer = new Kafka(kafkaConfig(cluster, 'operator')).consumer({ groupId: `test-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition: p, message }) => {
        if (p !== partition) return;
        const value = message.value?.toString('utf8') ?? '';
        seen.push(
          message.key === null ? { offset: Number(message.offset), value } : { offset: Number(message.offset), key: message.key.toString('utf8'), value },
        );
      },
    });
    await until(`${end} records of ${topic}/${partition} on ${cluster.name}`, () => (seen.length >= end ? true : undefined));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.offset - b.offset);
}

/**
 * Leaves a cluster as a test found it: every topic but Kafka's own deleted (waiting until its metadata lists none),
 * every consumer group deleted, and the WRITE denies a mirror left for the application principal removed.
 */
export async function clearCluster(cluster: RealKafkaCluster): Promise<void> {
  const admin = new Kafka(kafkaConfig(cluster, 'operator')).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
    await until(`no topic left on ${cluster.name}`, async () => ((await admin.listTopics()).every((t) => t.startsWith('__')) ? true : undefined));
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    if (groups.length) await admin.deleteGroups(groups);
    await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: cluster.users.app.principal,
          host: '*',
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.DENY,
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * North and west, started before a file's tests and stopped after them (call it at the file's top level): the
 * getter answers them once started.
 */
export function kafkaForFile(): () => RealKafka {
  let kafka: RealKafka | undefined;
  beforeAll(async () => {
    kafka = await startRealKafka({ log: () => undefined });
  }, 600_000);
  afterAll(async () => {
    await kafka?.stop();
  });
  return () => {
    if (!kafka) throw new Error('the real Kafka clusters are not started (kafkaForFile starts them in beforeAll)');
    return kafka;
  };
}
