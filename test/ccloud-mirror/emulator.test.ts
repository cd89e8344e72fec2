import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfluentApiError } from '../../src/actions/ccloud-mirror/confluent/errors.js';
import { ActionError } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/time.js';
import { runMirror } from '../../src/actions/ccloud-mirror/mirror.js';
import { failureOf } from '../../src/actions/ccloud-mirror/report.js';
import { clientFor, config, drWorld, memoryLogger, topicNames, type DrWorld } from './fixture.js';

// The logic over real HTTP against the Confluent emulator: every DR operation, the lag guard, auth and
// network failures, chunking, waiting and re-runs.
let world: DrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const alters = (w: DrWorld, cluster: string, verb: string) => w.emulator.requests(cluster).filter((r) => r.route.endsWith(`:${verb}`));

/** Sleep records the wait and returns at once: retries cost no real time. */
function fakeSleep(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.now(), sleep: async (ms) => void slept.push(ms) };
}

describe('ccloud-mirror against the emulator', () => {
  it('fails over several topics with real lag: total-lag is exactly the records the cut left behind', async () => {
    world = await drWorld({ topics: ['orders', 'payments', 'audit'], partitions: 3, replicationDelayMs: 60_000 });
    const { emulator } = world;
    emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }], 0);
    emulator.produce('north', 'orders', [{ value: '4' }], 2);
    emulator.produce('north', 'payments', [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }, { value: '5' }], 1);
    const result = await runMirror(clientFor(emulator, 'south', { operation: 'failover' }), config(world.link, { operation: 'failover' }));

    const notMirrored = sum(['orders', 'payments', 'audit'].map((t) => sum(emulator.endOffsets('north', t)) - sum(emulator.endOffsets('south', t))));
    expect(notMirrored).toBe(9);
    expect(result.totalLag).toBe(notMirrored);
    expect(result.maxLag).toBe(5);
    expect(result.topics.map((t) => [t.topic, t.before, t.after, t.maxLag, t.totalLag, t.outcome])).toEqual([
      ['orders', 'ACTIVE', 'STOPPED', 3, 4, 'changed'],
      ['payments', 'ACTIVE', 'STOPPED', 5, 5, 'changed'],
      ['audit', 'ACTIVE', 'STOPPED', 0, 0, 'changed'],
    ]);
    expect(result.failed).toEqual([]);
    for (const t of ['orders', 'payments', 'audit']) expect(emulator.mirrorState('south', world.link, t)?.status).toBe('STOPPED');
    // STOPPED means writable on DR.
    expect(emulator.produce('south', 'orders', [{ value: 'after' }])).toHaveLength(1);
    // One alter request, and one list call per poll.
    expect(alters(world, 'south', 'failover')).toHaveLength(1);
    const lists = emulator.requests('south').filter((r) => r.route.endsWith('/mirrors') && r.method === 'GET');
    expect(lists).toHaveLength(1 + result.polls);
    expect(result.requests).toBe(emulator.requests('south').length);
  });

  it('promotes caught-up topics with nothing lost, and a re-run sends nothing', async () => {
    world = await drWorld({ topics: ['orders', 'payments'] });
    const { emulator } = world;
    emulator.produce('north', 'orders', [{ value: 'a' }, { value: 'b' }]);
    const client = clientFor(emulator, 'south', { operation: 'promote' });
    const result = await runMirror(client, config(world.link, { operation: 'promote', maxLag: 10 }));
    expect(result.succeeded).toEqual(['orders', 'payments']);
    expect(result.topics.every((t) => t.after === 'STOPPED')).toBe(true);
    expect(emulator.endOffsets('south', 'orders')).toEqual(emulator.endOffsets('north', 'orders'));

    emulator.resetRequests();
    const again = await runMirror(client, config(world.link, { operation: 'promote' }));
    expect(again.topics.map((t) => t.outcome)).toEqual(['already', 'already']);
    expect(again.failed).toEqual([]);
    expect(again.totalLag).toBe(0);
    expect(alters(world, 'south', 'promote')).toHaveLength(0);
  });

  it('pauses and resumes, each waiting for its target state', async () => {
    world = await drWorld({ topics: ['a', 'b'] });
    const { emulator } = world;
    const paused = await runMirror(clientFor(emulator, 'south', { operation: 'pause' }), config(world.link, { operation: 'pause' }));
    expect(paused.topics.map((t) => [t.before, t.after, t.outcome])).toEqual([
      ['ACTIVE', 'PAUSED', 'changed'],
      ['ACTIVE', 'PAUSED', 'changed'],
    ]);
    expect(emulator.mirrorState('south', world.link, 'a')?.status).toBe('PAUSED');
    const resumed = await runMirror(
      clientFor(emulator, 'south', { operation: 'resume' }),
      config(world.link, { operation: 'resume', selection: { kind: 'names', names: ['b'] } }),
    );
    expect(resumed.topics.map((t) => [t.topic, t.before, t.after, t.outcome])).toEqual([['b', 'PAUSED', 'ACTIVE', 'changed']]);
    expect(emulator.mirrorState('south', world.link, 'a')?.status).toBe('PAUSED');
    expect(emulator.mirrorState('south', world.link, 'b')?.status).toBe('ACTIVE');
  });

  it('reverses a bidirectional link: reverse-and-start-mirror on DR, then the failback on the primary with its own key', async () => {
    world = await drWorld({ topics: ['active-passive-a'], bidirectional: true });
    const { emulator } = world;
    const topic = 'active-passive-a';
    emulator.produce('north', topic, [{ value: 'before' }]);
    const reversed = await runMirror(
      clientFor(emulator, 'south', { operation: 'reverse-and-start-mirror' }),
      config('bidi', { operation: 'reverse-and-start-mirror', selection: { kind: 'names', names: [topic] } }),
    );
    expect(reversed.topics[0]).toMatchObject({ before: 'ACTIVE', after: 'STOPPED', outcome: 'changed' });
    // DR is now writable, and the primary's topic became a mirror of it.
    expect(emulator.produce('south', topic, [{ value: 'on-dr' }])).toHaveLength(1);
    await waitUntil(() => emulator.mirrorState('north', 'bidi', topic)?.status === 'ACTIVE');
    await waitUntil(() => sum(emulator.endOffsets('north', topic)) === 2);

    // Step 12: failback, run against the primary with the primary's key.
    const back = await runMirror(
      clientFor(emulator, 'north', { operation: 'reverse-and-start-mirror' }),
      config('bidi', { operation: 'reverse-and-start-mirror', selection: { kind: 'names', names: [topic] } }),
    );
    expect(back.topics[0]).toMatchObject({ before: 'ACTIVE', after: 'STOPPED', outcome: 'changed' });
    await waitUntil(() => emulator.mirrorState('south', 'bidi', topic)?.status === 'ACTIVE');
    expect(emulator.produce('north', topic, [{ value: 'back-home' }])).toHaveLength(1);
    expect(() => emulator.produce('south', topic, [{ value: 'refused' }])).toThrow();
  });

  it('refuses a reverse verb on a link that is not bidirectional, changing nothing', async () => {
    world = await drWorld({ topics: ['a'] });
    const err = await runMirror(clientFor(world.emulator, 'south'), config(world.link, { operation: 'reverse-and-start-mirror' })).catch((e: unknown) => e);
    expect((err as ActionError).describe()).toContain("'reverse-and-start-mirror' needs a BIDIRECTIONAL link, but 'dr-link' is a DESTINATION link");
    expect(world.emulator.mirrorState('south', world.link, 'a')?.status).toBe('ACTIVE');
  });

  it('truncates the divergent ex-source after an unplanned failover and restores it as a mirror', async () => {
    world = await drWorld({ topics: ['orders'], bidirectional: true, replicationDelayMs: 60_000 });
    const { emulator } = world;
    emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }]);
    const failover = await runMirror(clientFor(emulator, 'south', { operation: 'failover' }), config('bidi', { operation: 'failover' }));
    expect(failover.totalLag).toBe(4);
    // The old primary took two more writes that DR never saw.
    emulator.produce('north', 'orders', [{ value: '5' }, { value: '6' }]);
    emulator.produce('south', 'orders', [{ value: 'dr-1' }]);

    const restore = await runMirror(
      clientFor(emulator, 'north', { operation: 'truncate-and-restore' }),
      config('bidi', { operation: 'truncate-and-restore', selection: { kind: 'names', names: ['orders'] }, includePartitionDetail: true }),
    );
    expect(restore.topics[0]).toMatchObject({ topic: 'orders', before: 'NOT_A_MIRROR', after: 'ACTIVE', outcome: 'changed', messagesTruncated: 6 });
    expect(restore.messagesTruncated).toBe(6);
    expect(sum(restore.topics[0].truncation!.map((t) => t.messagesTruncated))).toBe(6);
    expect(emulator.mirrorState('north', 'bidi', 'orders')?.status).toBe('ACTIVE');
    // A re-run finds it ACTIVE: done, nothing truncated twice.
    const again = await runMirror(
      clientFor(emulator, 'north', { operation: 'truncate-and-restore' }),
      config('bidi', { operation: 'truncate-and-restore', selection: { kind: 'names', names: ['orders'] } }),
    );
    expect(again.topics[0].outcome).toBe('already');
    expect(again.messagesTruncated).toBeUndefined();
  });

  it("truncate-and-restore by pattern, or of everything, takes the names from the peer's STOPPED mirrors and sends names only (as the CLI does)", async () => {
    world = await drWorld({ topics: ['orders-eu', 'orders-us', 'payments'], bidirectional: true, replicationDelayMs: 60_000 });
    const { emulator } = world;
    for (const t of ['orders-eu', 'orders-us', 'payments']) emulator.produce('north', t, [{ value: '1' }, { value: '2' }]);
    await runMirror(clientFor(emulator, 'south'), config('bidi', { operation: 'failover' }));
    const north = clientFor(emulator, 'north', { operation: 'truncate-and-restore' });
    // Without the peer there is no way to know the names: refused, nothing sent.
    emulator.resetRequests();
    await expect(runMirror(north, config('bidi', { operation: 'truncate-and-restore' }))).rejects.toThrow(
      'truncate-and-restore needs the names of the topics to restore',
    );
    expect(emulator.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    const peer = { peer: clientFor(emulator, 'south') };
    const dry = await runMirror(
      north,
      config('bidi', { operation: 'truncate-and-restore', dryRun: true, selection: { kind: 'pattern', pattern: /^(?:orders-.*)$/, text: 'orders-.*' } }),
      peer,
    );
    expect(emulator.requests('north').filter((r) => r.route.endsWith(':truncate-and-restore'))).toHaveLength(1);
    expect(dry.topics.map((t) => [t.topic, t.outcome, t.messagesTruncated])).toEqual([
      ['orders-eu', 'would-change', 2],
      ['orders-us', 'would-change', 2],
    ]);
    expect(emulator.endOffsets('north', 'orders-eu')).toEqual([1, 1]);

    const some = await runMirror(
      north,
      config('bidi', { operation: 'truncate-and-restore', selection: { kind: 'pattern', pattern: /^(?:orders-.*)$/, text: 'orders-.*' } }),
      peer,
    );
    expect(some.topics.map((t) => [t.topic, t.before, t.after, t.outcome])).toEqual([
      ['orders-eu', 'NOT_A_MIRROR', 'ACTIVE', 'changed'],
      ['orders-us', 'NOT_A_MIRROR', 'ACTIVE', 'changed'],
    ]);
    expect(some.messagesTruncated).toBe(4);
    expect(some.alterRequests).toBe(1);
    const rest = await runMirror(north, config('bidi', { operation: 'truncate-and-restore' }), peer);
    expect(rest.topics.map((t) => [t.topic, t.outcome])).toEqual([
      ['orders-eu', 'already'],
      ['orders-us', 'already'],
      ['payments', 'changed'],
    ]);
    expect(rest.messagesTruncated).toBe(2);
    expect(emulator.endOffsets('north', 'payments')).toEqual(emulator.endOffsets('south', 'payments'));
  });

  it('reports status with current lag, and a named topic that is not a mirror', async () => {
    world = await drWorld({ topics: ['a', 'b'], replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'b', [{ value: '1' }, { value: '2' }], 1);
    const result = await runMirror(clientFor(world.emulator, 'south'), config(world.link, { selection: { kind: 'names', names: ['b', 'ghost'] } }));
    expect(result.topics.map((t) => [t.topic, t.before, t.maxLag, t.totalLag, t.outcome, t.error])).toEqual([
      ['b', 'ACTIVE', 2, 2, 'reported', undefined],
      ['ghost', 'NOT_A_MIRROR', 0, 0, 'failed', 'not a mirror topic on link dr-link'],
    ]);
    expect([result.lagBasis, result.maxLag, result.totalLag, result.alterRequests, result.polls]).toEqual(['current', 2, 2, 0, 0]);
  });

  it('dry-run sends validate_only and changes nothing', async () => {
    world = await drWorld({ topics: ['a', 'b'], replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'a', [{ value: '1' }]);
    const result = await runMirror(clientFor(world.emulator, 'south', { operation: 'failover' }), config(world.link, { operation: 'failover', dryRun: true }));
    expect(result.topics.map((t) => [t.topic, t.before, t.after, t.outcome])).toEqual([
      ['a', 'ACTIVE', 'ACTIVE', 'would-change'],
      ['b', 'ACTIVE', 'ACTIVE', 'would-change'],
    ]);
    expect(result.totalLag).toBe(1);
    const sent = alters(world, 'south', 'failover');
    expect(sent.map((r) => r.query)).toEqual(['validate_only=true']);
    expect(result.polls).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(world.emulator.mirrorState('south', world.link, 'a')?.status).toBe('ACTIVE');
    expect(world.emulator.mirrorState('south', world.link, 'b')?.status).toBe('ACTIVE');
  });

  it('tries every topic, lists each failure with its reason, and a re-run completes a half-done failover', async () => {
    world = await drWorld({ topics: ['a', 'b'] });
    const { emulator } = world;
    const client = clientFor(emulator, 'south', { operation: 'failover' });
    const cfg = config(world.link, { operation: 'failover', selection: { kind: 'names', names: ['a', 'late', 'b'] } });
    const first = await runMirror(client, cfg);
    expect(first.succeeded).toEqual(['a', 'b']);
    expect(first.failed).toEqual(['late']);
    expect(first.topics[1].error).toBe("error_code 404: Topic 'late' is not a mirror topic on cluster link 'dr-link'.");
    // The missing mirror gets created; the same step re-run completes the job.
    emulator.createTopic('north', 'late');
    emulator.createMirror('south', world.link, 'late');
    emulator.resetRequests();
    const second = await runMirror(client, cfg);
    expect(second.topics.map((t) => [t.topic, t.outcome])).toEqual([
      ['a', 'already'],
      ['late', 'changed'],
      ['b', 'already'],
    ]);
    expect(second.failed).toEqual([]);
    expect(alters(world, 'south', 'failover')).toHaveLength(1);
  });

  it('fails a topic the server refuses (pause of a STOPPED topic) while pausing the others', async () => {
    world = await drWorld({ topics: ['a', 'b', 'c'] });
    await runMirror(clientFor(world.emulator, 'south'), config(world.link, { operation: 'failover', selection: { kind: 'names', names: ['b'] } }));
    const result = await runMirror(clientFor(world.emulator, 'south'), config(world.link, { operation: 'pause' }));
    expect(result.topics.map((t) => [t.topic, t.after, t.outcome])).toEqual([
      ['a', 'PAUSED', 'changed'],
      ['b', 'STOPPED', 'failed'],
      ['c', 'PAUSED', 'changed'],
    ]);
    expect(result.topics[1].error).toBe("error_code 400: Topic 'b' has already stopped its mirror from 'dr-link'");
    expect(result.timedOut).toBe(false);
  });

  it('refuses a failover above max-lag naming topic, partition and lag; force cuts anyway', async () => {
    world = await drWorld({ topics: ['a', 'b'], partitions: 2, replicationDelayMs: 60_000 });
    const { emulator } = world;
    emulator.produce('north', 'a', [{ value: '1' }, { value: '2' }, { value: '3' }], 1);
    emulator.produce('north', 'b', [{ value: '1' }], 0);
    const logger = memoryLogger();
    const err = await runMirror(clientFor(emulator, 'south'), config(world.link, { operation: 'failover', maxLag: 1 }), { logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).describe()).toBe(
      "refusing to failover: 1 partition(s) of 1 topic(s) lag more than max-lag 1: a partition 1: lag 3 (cluster lkc-south, link dr-link). Nothing was changed. Stop the producers on the source and wait for the lag to drop, raise 'max-lag', or set 'force: true' to cut now and lose those records",
    );
    expect(alters(world, 'south', 'failover')).toHaveLength(0);
    expect(emulator.mirrorState('south', world.link, 'a')?.status).toBe('ACTIVE');

    const forced = await runMirror(clientFor(emulator, 'south'), config(world.link, { operation: 'failover', maxLag: 1, force: true }), { logger });
    expect(forced.forcedOver).toEqual([{ topic: 'a', partition: 1, lag: 3 }]);
    expect(forced.totalLag).toBe(4);
    expect(forced.failed).toEqual([]);
    expect(logger.lines.some((l) => l.startsWith('warning: force: true: cutting 1 topic(s)'))).toBe(true);
  });

  it('names the links that exist when the link is missing, with one extra GET /links', async () => {
    world = await drWorld({ topics: ['a'] });
    const err = await runMirror(clientFor(world.emulator, 'south'), config('dr-lnk', { operation: 'failover' })).catch((e: unknown) => e);
    expect((err as ActionError).describe()).toBe(
      "the cluster link 'dr-lnk' doesn't exist (cluster lkc-south). Links on cluster lkc-south: dr-link (DESTINATION, ACTIVE). Set 'link-name' to one of them",
    );
    expect(world.emulator.requests('south').map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'GET /kafka/v3/clusters/{cluster_id}/links/{link_name} 404',
      'GET /kafka/v3/clusters/{cluster_id}/links 200',
    ]);
  });

  it('explains a wrong key: cluster and key id, never the secret, and the ACLs', async () => {
    world = await drWorld({ topics: ['a'] });
    const wrong = 'not-the-secret-0123456789';
    const err = (await runMirror(
      clientFor(world.emulator, 'south', { operation: 'failover', apiSecret: wrong }),
      config(world.link, { operation: 'failover' }),
    ).catch((e: unknown) => e)) as ConfluentApiError;
    expect(err).toBeInstanceOf(ConfluentApiError);
    expect(err.status).toBe(401);
    const text = err.describe();
    const key = world.emulator.info('south').apiKey;
    expect(text).toContain(`API key ${key} was rejected by cluster lkc-south (HTTP 401, error_code 40101: Authentication failed)`);
    expect(text).toContain('CLUSTER ALTER and DESCRIBE, TOPIC READ and DESCRIBE_CONFIGS');
    expect(text).not.toContain(wrong);
    expect(world.emulator.requests('south')).toHaveLength(1);
  });

  it('lists the ACLs when the key may read but not alter (403)', async () => {
    world = await drWorld({ topics: ['a'], bidirectional: true });
    world.emulator.setPermissions('south', 'read-only');
    const err = (await runMirror(
      clientFor(world.emulator, 'south', { operation: 'reverse-and-start-mirror' }),
      config('bidi', { operation: 'reverse-and-start-mirror' }),
    ).catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('forbidden');
    expect(err.describe()).toContain(
      `API key ${world.emulator.info('south').apiKey} is not allowed to reverse-and-start-mirror 1 mirror topic(s) on cluster lkc-south (HTTP 403, error_code 40301`,
    );
    expect(err.describe()).toContain('on both clusters (this one, lkc-south, and the link');
    expect(world.emulator.mirrorState('south', 'bidi', 'a')?.status).toBe('ACTIVE');
  });

  it('rides out a storm of HTML 429s, honouring Retry-After, then succeeds', async () => {
    world = await drWorld({ topics: ['a', 'b'] });
    const clock = fakeSleep();
    await world.emulator.setFault('south', { kind: 'rate-limit', retryAfterSeconds: 3, count: 3 });
    const result = await runMirror(clientFor(world.emulator, 'south', { operation: 'failover', clock }), config(world.link, { operation: 'failover' }));
    expect(result.succeeded).toEqual(['a', 'b']);
    expect(clock.slept).toEqual([3000, 3000, 3000]);
    expect(world.emulator.requests('south').filter((r) => r.status === 429)).toHaveLength(3);
  });

  it('gives a readable error when the 429s outlast the retries', async () => {
    world = await drWorld({ topics: ['a'] });
    await world.emulator.setFault('south', { kind: 'rate-limit' });
    const err = (await runMirror(clientFor(world.emulator, 'south', { clock: fakeSleep(), retries: 2 }), config(world.link, { operation: 'failover' })).catch(
      (e: unknown) => e,
    )) as ConfluentApiError;
    expect(err.kind).toBe('rate-limited');
    expect(err.describe()).toContain(
      'Confluent rate-limited the requests (HTTP 429: Error 429 Too Many Requests) after 3 attempts (cluster lkc-south, link dr-link). Wait a minute and re-run',
    );
  });

  it('refuses promote while the source is unreachable and suggests failover, which then works', async () => {
    world = await drWorld({ topics: ['a', 'b'], replicationDelayMs: 60_000 });
    const { emulator } = world;
    emulator.produce('north', 'a', [{ value: '1' }, { value: '2' }]);
    await emulator.setFault('north', { kind: 'unreachable' });
    const err = await runMirror(clientFor(emulator, 'south', { operation: 'promote' }), config(world.link, { operation: 'promote' })).catch((e: unknown) => e);
    const text = (err as ActionError).describe();
    expect(text).toContain(
      'cannot promote: the remote cluster is not reachable from the link: the link is UNAVAILABLE (BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR: Connection to cluster lkc-north (north.kafka.local:9092) was refused.) and 2 topic(s) cannot reach their source: a (SOURCE_UNAVAILABLE), b (SOURCE_UNAVAILABLE); the other cluster refused or dropped the connection',
    );
    expect(text).toContain("use 'operation: failover'");
    expect(alters(world, 'south', 'promote')).toHaveLength(0);

    const failover = await runMirror(clientFor(emulator, 'south', { operation: 'failover' }), config(world.link, { operation: 'failover' }));
    expect(failover.topics.map((t) => [t.before, t.after])).toEqual([
      ['SOURCE_UNAVAILABLE', 'STOPPED'],
      ['SOURCE_UNAVAILABLE', 'STOPPED'],
    ]);
    expect(failover.totalLag).toBe(2);
  });

  it('when the source dies during a promote, fails the stuck topics with the failover hint; failover then completes', async () => {
    world = await drWorld({ topics: ['a'], replicationDelayMs: 60_000 });
    const { emulator } = world;
    emulator.produce('north', 'a', [{ value: '1' }, { value: '2' }, { value: '3' }]);
    // Promote waits for the last sync, which cannot finish before the records arrive (60 s here).
    const promoting = runMirror(clientFor(emulator, 'south', { operation: 'promote' }), config(world.link, { operation: 'promote', timeoutMs: 400 }));
    await new Promise((r) => setTimeout(r, 100));
    await emulator.setFault('north', { kind: 'unreachable' });
    const result = await promoting;
    expect(result.timedOut).toBe(true);
    expect(result.topics[0]).toMatchObject({ outcome: 'failed', error: 'still PENDING_STOPPED when the wait for STOPPED timed out' });
    expect(failureOf(result)?.describe()).toContain("If the source cluster is unreachable, use 'operation: failover' instead");
    const failover = await runMirror(clientFor(emulator, 'south', { operation: 'failover' }), config(world.link, { operation: 'failover' }));
    expect(failover.topics[0]).toMatchObject({ before: 'PENDING_STOPPED', after: 'STOPPED', outcome: 'changed' });
    expect(failover.totalLag).toBe(3);
  });

  it('selects topics by a pattern matched against whole names', async () => {
    world = await drWorld({ topics: ['orders-eu', 'orders-us', 'payments', 'old-orders-eu'] });
    const result = await runMirror(
      clientFor(world.emulator, 'south'),
      config(world.link, { operation: 'failover', selection: { kind: 'pattern', pattern: /^(?:orders-.*)$/, text: 'orders-.*' } }),
    );
    expect(result.succeeded).toEqual(['orders-eu', 'orders-us']);
    expect(world.emulator.mirrorState('south', world.link, 'payments')?.status).toBe('ACTIVE');
    expect(world.emulator.mirrorState('south', world.link, 'old-orders-eu')?.status).toBe('ACTIVE');
    const none = await runMirror(
      clientFor(world.emulator, 'south'),
      config(world.link, { operation: 'failover', selection: { kind: 'pattern', pattern: /^(?:refunds-.*)$/, text: 'refunds-.*' } }),
    ).catch((e: unknown) => e);
    expect((none as ActionError).describe()).toContain("no mirror topics match the pattern 'refunds-.*', so there is nothing to failover");
    // status too: a pattern that matches nothing is a mistake, not an empty report; a whole empty link is reported.
    const status = await runMirror(
      clientFor(world.emulator, 'south'),
      config(world.link, { selection: { kind: 'pattern', pattern: /^(?:refunds-.*)$/, text: 'refunds-.*' } }),
    ).catch((e: unknown) => e);
    expect((status as ActionError).describe()).toBe(
      "no mirror topics match the pattern 'refunds-.*', so there is nothing to report (cluster lkc-south, link dr-link). The link mirrors: orders-eu, orders-us, payments, old-orders-eu",
    );
  });

  it('fails over 1,001 topics in ceil(1001 / 100) = 11 alter requests', async () => {
    const topics = topicNames('t', 1001);
    world = await drWorld({ topics, partitions: 1 });
    const result = await runMirror(
      clientFor(world.emulator, 'south', { operation: 'failover' }),
      config(world.link, { operation: 'failover', chunkSize: 100 }),
    );
    expect(result.succeeded).toHaveLength(1001);
    expect(result.alterRequests).toBe(11);
    expect(alters(world, 'south', 'failover')).toHaveLength(11);
    // link, link configs, mirror list, 11 alters, the polls
    expect(world.emulator.requests('south')).toHaveLength(3 + 11 + result.polls);
    expect(topics.every((t) => world!.emulator.mirrorState('south', 'dr-link', t)?.status === 'STOPPED')).toBe(true);
  });

  it('creates mirrors named prefix + source and waits for ACTIVE; a re-run counts them as done', async () => {
    world = await drWorld({ topics: [], prefix: 'north-' });
    const { emulator } = world;
    emulator.createTopic('north', 'orders');
    emulator.createTopic('north', 'payments');
    const cfg = config(world.link, { operation: 'create', sourceTopics: ['orders', 'payments', 'nope'] });
    const result = await runMirror(clientFor(emulator, 'south', { operation: 'create' }), cfg);
    expect(result.topics.map((t) => [t.topic, t.source, t.after, t.outcome])).toEqual([
      ['north-orders', 'orders', 'ACTIVE', 'changed'],
      ['north-payments', 'payments', 'ACTIVE', 'changed'],
      ['north-nope', 'nope', 'NOT_A_MIRROR', 'failed'],
    ]);
    expect(result.topics[2].error).toBe(
      "could not create mirror topic 'north-nope': not found (HTTP 404, error_code 40403: Topic 'nope' does not exist on source cluster lkc-north.) (cluster lkc-south, link dr-link)",
    );
    emulator.createTopic('north', 'nope');
    const again = await runMirror(clientFor(emulator, 'south', { operation: 'create' }), cfg);
    expect(again.topics.map((t) => t.outcome)).toEqual(['already', 'already', 'changed']);
  });

  it('with wait: false, reports topics as accepted without polling', async () => {
    world = await drWorld({ topics: ['a'] });
    const result = await runMirror(clientFor(world.emulator, 'south'), config(world.link, { operation: 'failover', wait: false }));
    expect(result.topics[0]).toMatchObject({ outcome: 'accepted', before: 'ACTIVE', note: 'accepted; not awaited (wait: false)' });
    expect(result.succeeded).toEqual(['a']);
    expect([result.polls, world.emulator.requests('south').length]).toEqual([0, 4]);
  });

  it('gives up on a cluster that accepts connections but never answers, saying so', async () => {
    world = await drWorld({ topics: ['a'] });
    await world.emulator.setFault('south', { kind: 'unreachable', mode: 'hang' });
    const err = (await runMirror(
      clientFor(world.emulator, 'south', { timeoutMs: 150, retries: 1, clock: fakeSleep() }),
      config(world.link, { operation: 'failover' }),
    ).catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('unreachable');
    expect(err.describe()).toMatch(
      /^could not read link 'dr-link': http:\/\/127\.0\.0\.1:\d+ did not answer \(timed out: no answer within 150ms\) after 2 attempts \(cluster lkc-south, link dr-link\)\. Check input 'rest-endpoint'/,
    );
  });

  it('stops waiting at the deadline and reports the topics still on their way', async () => {
    world = await drWorld({ topics: ['slow'], transitionMs: 30_000 });
    const result = await runMirror(clientFor(world.emulator, 'south'), config(world.link, { operation: 'failover', timeoutMs: 150 }));
    expect(result.timedOut).toBe(true);
    expect(result.failed).toEqual(['slow']);
    expect(result.topics[0].error).toBe('still PENDING_STOPPED when the wait for STOPPED timed out');
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
