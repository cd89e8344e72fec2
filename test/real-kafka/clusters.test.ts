/**
 * Two real Apache Kafka clusters, north and west (single-node KRaft, SASL/PLAIN, StandardAuthorizer), used
 * with kafkajs the way the actions' clients will use Confluent Cloud: an application key that produces and
 * consumes, an operator key for cluster operations, a WRITE deny that keeps a topic read-only, and a proxy
 * that makes a cluster unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startRealKafka, kafkaConfig, type RealKafka, type RealKafkaCluster } from '../../src/playground/real/kafka/index.js';
import { denyWrite, waitForAcls } from '../../src/playground/real/kafka/acls.js';
import { Kafka, finalConsumer, requestQueue, type Consumer } from '../../src/playground/real/kafka/kafkajs.js';
import { alive, kafkaError, processesMentioning, until } from './helpers.js';

let kafka: RealKafka;
let north: RealKafkaCluster;
let west: RealKafkaCluster;
const progress: string[] = [];

beforeAll(async () => {
  kafka = await startRealKafka({ log: (line) => progress.push(line) });
  north = kafka.cluster('north');
  west = kafka.cluster('west');
  console.log(`real kafka: both clusters ready in ${(kafka.startMs / 1000).toFixed(1)} s\n${progress.join('\n')}`);
}, 600_000);

afterAll(async () => {
  await kafka?.stop();
});

const client = (cluster: RealKafkaCluster, user: 'operator' | 'app', overrides = {}) => new Kafka(kafkaConfig(cluster, user, overrides));

describe('real Kafka: north and west', () => {
  it('starts two separate clusters behind their proxies, each answering its own operator key', async () => {
    expect(kafka.clusters.map((c) => c.name)).toEqual(['north', 'west']);
    expect(north.clusterId).not.toBe(west.clusterId);
    for (const cluster of [north, west]) {
      expect(cluster.bootstrap).toBe(cluster.proxy?.address);
      expect(cluster.bootstrap).not.toBe(cluster.listener);
      expect(cluster.users.operator.username).toMatch(/^[A-Z0-9]{16}$/);
      expect(cluster.users.app.password).toHaveLength(64);
      const admin = client(cluster, 'operator').admin();
      await admin.connect();
      try {
        const described = await admin.describeCluster();
        expect(described.clusterId).toBe(cluster.clusterId);
        // The broker advertises the proxy, so every later connection goes through it too.
        expect(described.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([cluster.bootstrap]);
      } finally {
        await admin.disconnect();
      }
    }
    // Keys belong to one cluster: north's app key does not log in to west.
    const wrong = new Kafka(kafkaConfig(north, 'app', { brokers: [west.bootstrap], retry: { retries: 0 } })).admin();
    await expect(wrong.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    await wrong.disconnect();
  });

  it("an idle kafkajs connection checks its request queue only when there is something to send (kafkajs #1704/#1751: 2.2.4's loop every millisecond, and Node's TimeoutNegativeWarning, are gone)", async () => {
    const proto = requestQueue.prototype as unknown as {
      checkPendingRequests: () => void;
      scheduleCheckPendingRequests: (() => void) & { unfixed?: () => void };
    };
    const check = proto.checkPendingRequests;
    let checks = 0;
    proto.checkPendingRequests = function (this: unknown) {
      checks++;
      check.call(this);
    };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    /** The queue checks during one idle second of a connected admin. */
    const idleChecks = async () => {
      const admin = client(north, 'operator').admin();
      await admin.connect();
      try {
        await admin.describeCluster();
        checks = 0;
        await new Promise((r) => setTimeout(r, 1000));
        return checks;
      } finally {
        await admin.disconnect();
      }
    };
    const fixed = proto.scheduleCheckPendingRequests;
    try {
      expect(await idleChecks()).toBe(0);
      expect(warnings.filter((w) => w.startsWith('TimeoutNegativeWarning'))).toEqual([]);
      // kafkajs' own scheduling, put back for one connection: the same idle second is a busy loop.
      proto.scheduleCheckPendingRequests = fixed.unfixed!;
      expect(await idleChecks()).toBeGreaterThan(100);
    } finally {
      proto.scheduleCheckPendingRequests = fixed;
      proto.checkPendingRequests = check;
      process.off('warning', onWarning);
    }
  });

  it("north's app key creates a topic, produces 100 numbered records, consumes them in a group and commits", async () => {
    const topic = 'orders';
    const groupId = 'orders-app';
    const app = client(north, 'app');
    const admin = app.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);

      const producer = app.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const sent = await producer.send({ topic, acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ key: `order-${i}`, value: String(i) })) });
        expect(sent.every((r) => r.errorCode === 0)).toBe(true);
      } finally {
        await producer.disconnect();
      }

      const received: number[] = [];
      const consumer = app.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        const last = new Map<number, string>();
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            received.push(Number(message.value?.toString()));
            last.set(partition, message.offset);
          },
        });
        await until('100 records consumed', () => (received.length >= 100 ? true : undefined), 60_000);
        await consumer.commitOffsets([...last].map(([partition, offset]) => ({ topic, partition, offset: String(Number(offset) + 1) })));
      } finally {
        await consumer.disconnect();
      }
      expect([...received].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));

      // End offsets through the admin API, and the group's committed offsets equal to them.
      const ends = await admin.fetchTopicOffsets(topic);
      expect(ends).toHaveLength(3);
      expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(100);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
      for (const p of ends) expect(byPartition.get(p.partition)).toBe(p.high);
    } finally {
      await admin.disconnect();
    }
  });

  it("refuses an operator-only action to the app key with Kafka's own CLUSTER_AUTHORIZATION_FAILED", async () => {
    const admin = client(north, 'app').admin();
    await admin.connect();
    try {
      const error = await admin.createAcls({ acl: [denyWrite(north.users.app.principal, 'anything')] }).then(
        () => undefined,
        (err: unknown) => kafkaError(err),
      );
      expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'CLUSTER_AUTHORIZATION_FAILED', code: 31 });
      // Nothing was created: the operator sees no ACL for that topic.
      const operator = client(north, 'operator').admin();
      await operator.connect();
      try {
        const { resources } = await operator.describeAcls({ ...denyWrite(north.users.app.principal, 'anything') });
        expect(resources).toEqual([]);
      } finally {
        await operator.disconnect();
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('a WRITE deny for the app principal on one topic fails its produce with TOPIC_AUTHORIZATION_FAILED, and only there', async () => {
    const mirror = 'orders-mirror';
    const operator = client(north, 'operator').admin();
    await operator.connect();
    const app = client(north, 'app');
    const producer = app.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    try {
      expect(await operator.createTopics({ topics: [{ topic: mirror, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
      const deny = denyWrite(north.users.app.principal, mirror);
      await operator.createAcls({ acl: [deny] });
      await waitForAcls(operator, [deny]);

      await producer.connect();
      const error = await producer.send({ topic: mirror, acks: -1, messages: [{ value: 'must not land' }] }).then(
        () => undefined,
        (err: unknown) => kafkaError(err),
      );
      expect(error).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 });
      // The same key still writes elsewhere (the wildcard ALLOW), and reads the denied topic.
      const ok = await producer.send({ topic: 'orders', acks: -1, messages: [{ value: '100' }] });
      expect(ok.every((r) => r.errorCode === 0)).toBe(true);
      const appAdmin = app.admin();
      await appAdmin.connect();
      try {
        expect((await appAdmin.fetchTopicOffsets(mirror)).map((p) => p.high)).toEqual(['0']);
        expect((await appAdmin.fetchTopicOffsets('orders')).reduce((sum, p) => sum + Number(p.high), 0)).toBe(101);
      } finally {
        await appAdmin.disconnect();
      }
      // The broker's authorizer log names the denied principal, operation and topic.
      const authorizerLog = readFileSync(join(north.logDir, 'authorizer.log'), 'utf8');
      expect(authorizerLog).toMatch(new RegExp(`Principal = ${north.users.app.principal} .*is Denied operation = WRITE .*resource = Topic:LITERAL:${mirror}`));
    } finally {
      await producer.disconnect();
      await operator.disconnect();
    }
  });

  it('makes north unreachable through its proxy (refuse, then drop) while west keeps answering, and back', async () => {
    const proxy = north.proxy!;
    const quick = { retry: { retries: 0 }, connectionTimeout: 1000, requestTimeout: 2000 };
    const describe = async (cluster: RealKafkaCluster) => {
      const admin = client(cluster, 'app', quick).admin();
      try {
        await admin.connect();
        return (await admin.describeCluster()).clusterId;
      } finally {
        await admin.disconnect();
      }
    };
    const failure = (work: Promise<unknown>) =>
      work.then(
        () => undefined,
        (err: unknown) => kafkaError(err),
      );
    const refused = { name: 'KafkaJSConnectionError', code: 'ECONNREFUSED', message: `Connection error: connect ECONNREFUSED ${north.bootstrap}` };

    // A producer connected before the cut loses its connection, and cannot connect again.
    const producer = client(north, 'app', quick).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic: 'orders', messages: [{ value: 'before the cut' }] });
      expect(proxy.connections.open).toBeGreaterThan(0);
      await proxy.setMode('refuse');
      expect(proxy.connections.open).toBe(0);
      expect(await failure(producer.send({ topic: 'orders', messages: [{ value: 'refused' }] }))).toEqual(refused);
      expect(await failure(describe(north))).toEqual(refused);
      expect(await describe(west)).toBe(west.clusterId);

      await proxy.setMode('forward');
      expect(await describe(north)).toBe(north.clusterId);
      await producer.send({ topic: 'orders', messages: [{ value: 'after refuse' }] });

      // drop: connections open, nothing answers; each request ends at the 2 s request timeout.
      await proxy.setMode('drop');
      let started = Date.now();
      expect(await failure(describe(north))).toEqual({ name: 'KafkaJSRequestTimeoutError', message: 'Request ApiVersions(key: 18, version: 2) timed out' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      started = Date.now();
      const produced = await failure(producer.send({ topic: 'orders', messages: [{ value: 'dropped' }] }));
      expect(produced).toMatchObject({
        name: 'KafkaJSRequestTimeoutError',
        message: expect.stringMatching(/^Request Produce\(key: 0, version: \d+\) timed out$/),
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(await describe(west)).toBe(west.clusterId);
    } finally {
      await proxy.setMode('forward');
    }
    try {
      expect(await describe(north)).toBe(north.clusterId);
      const after = await producer.send({ topic: 'orders', acks: -1, messages: [{ value: 'after drop' }] });
      expect(after.every((r) => r.errorCode === 0)).toBe(true);
    } finally {
      await producer.disconnect();
    }
  });

  it("a consumer disconnected while kafkajs sets up its restart after a crash: kafkajs alone restarts it anyway; finalConsumer's stays gone, cluster out of reach or back", async () => {
    const proxy = north.proxy!;
    const app = client(north, 'app', { retry: { retries: 0 }, connectionTimeout: 1000, requestTimeout: 2000 });
    const admin = client(north, 'operator').admin();
    await admin.connect();
    const members = async (groupId: string) => (await admin.describeGroups([groupId])).groups[0].members.length;
    const settle = () => new Promise((r) => setTimeout(r, 4000)); // well past the 1.5 s restart delay, twice
    /**
     * One consumer of `orders` on north; north then refuses at its proxy. In the tick where kafkajs reports the crash
     * and decides to restart (its CRASH event, before it sets the restart timer), disconnect() is called, and with
     * `back` north is reachable again before the restart comes. Resolves with what the consumer did, in order.
     */
    const race = async (consumer: Consumer, back: boolean) => {
      const events: string[] = [];
      let disconnected: Promise<void> | undefined;
      consumer.on(consumer.events.GROUP_JOIN, () => void events.push(disconnected ? 'joined after disconnect' : 'joined'));
      consumer.on(consumer.events.CRASH, (e) => {
        events.push(`${disconnected ? 'crashed after disconnect' : 'crashed'}, restart ${(e.payload as { restart: boolean }).restart}`);
        if (disconnected) return;
        disconnected = consumer.disconnect().catch(() => undefined);
        if (back) void proxy.setMode('forward');
      });
      await consumer.connect();
      await consumer.subscribe({ topics: ['orders'] });
      await consumer.run({ eachMessage: async () => undefined });
      await until('the consumer joined', () => (events.includes('joined') ? true : undefined));
      await proxy.setMode('refuse');
      await until('the consumer crashed', () => (disconnected ? true : undefined));
      await disconnected;
      return events;
    };
    const consumerConfig = (groupId: string) => ({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, retry: { retries: 0, initialRetryTime: 1500 } });
    try {
      // kafkajs alone: the restart is not cancelled; north out of reach, it crashes and restarts again and again.
      const plain = app.consumer(consumerConfig('final-plain'));
      const plainEvents = await race(plain, false);
      await until(
        'kafkajs restarted it after the disconnect',
        () => (plainEvents.includes('crashed after disconnect, restart true') ? true : undefined),
        20_000,
      );
      // (Once north answers, it joins again; only a disconnect() of the joined consumer ends it.)
      await proxy.setMode('forward');
      await until('the plain consumer joined again', () => (plainEvents.includes('joined after disconnect') ? true : undefined), 20_000);
      expect(await members('final-plain')).toBe(1);
      await plain.disconnect();

      // finalConsumer, north still out of reach: the restart that was under way fails, and is the last.
      const out = finalConsumer(app, consumerConfig('final-out'));
      const outEvents = await race(out, false);
      await until('the restart under way failed', () => (outEvents.includes('crashed after disconnect, restart false') ? true : undefined), 20_000);
      await settle();
      expect(outEvents).toEqual(['joined', 'crashed, restart true', 'crashed after disconnect, restart false']);
      await proxy.setMode('forward');
      // It never said goodbye (north was out of reach), so the broker drops it when its session times out (6 s).
      await until('the broker dropped the silent member', async () => ((await members('final-out')) === 0 ? true : undefined), 20_000);
      await settle();
      expect(outEvents.length).toBe(3);
      expect(await members('final-out')).toBe(0);

      // finalConsumer, north back before the restart: the restart joins, and leaves the group at once.
      const back = finalConsumer(app, consumerConfig('final-back'));
      const backEvents = await race(back, true);
      await until('the restart joined', () => (backEvents.includes('joined after disconnect') ? true : undefined), 20_000);
      await until('it left the group', async () => ((await members('final-back')) === 0 ? true : undefined), 20_000);
      await settle();
      // Leaving while the restarted run was starting may end that run with one more crash: never restarted.
      expect(backEvents.slice(0, 3)).toEqual(['joined', 'crashed, restart true', 'joined after disconnect']);
      expect(backEvents.slice(3).filter((e) => e !== 'crashed after disconnect, restart false')).toEqual([]);
      expect(await members('final-back')).toBe(0);
    } finally {
      await proxy.setMode('forward');
      await admin.disconnect();
    }
  }, 120_000);

  it('stops both clusters: SIGTERM, no process and no folder left', async () => {
    const pids = kafka.clusters.map((c) => c.pid!);
    const tmp = dirname(kafka.logDir);
    expect(pids.every(alive)).toBe(true);
    expect(processesMentioning(tmp).length).toBeGreaterThanOrEqual(2);
    const started = Date.now();
    await kafka.stop();
    console.log(`real kafka: both clusters stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(pids.filter(alive)).toEqual([]);
    expect(processesMentioning(tmp)).toEqual([]);
    expect(existsSync(tmp)).toBe(false);
    // A clean stop, not the SIGKILL after the grace period: each JVM ran its shutdown hooks on SIGTERM.
    for (const name of ['north', 'west'])
      expect(progress).toContainEqual(expect.stringMatching(new RegExp(`^${name}: stopped in \\d+ ms \\(exit code 143\\)$`)));
  });
});
