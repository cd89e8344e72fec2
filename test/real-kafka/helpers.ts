import { execFileSync } from 'node:child_process';
import { kafkaConfig, type RealKafkaCluster } from '../../src/playground/real/kafka/index.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';

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
