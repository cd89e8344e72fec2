/**
 * The mirror verbs over a bidirectional link, written once and run on both backends: the emulator's memory
 * (test/confluent/mirrors.test.ts, in `npm test`) and two real Kafka clusters under its link (test/real-kafka/
 * mirrors.test.ts, in `npm run test:real:kafka`), where the records, the copying, the read-only mirrors and the lags
 * are the brokers' (src/playground/real/kafka/bridge.ts). On both, the control plane's clock moves only when a test
 * moves it, so every intermediate state is seen; on real Kafka the test also waits, in real time, for the brokers.
 * Every answer is checked against the published spec (rest.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { FAST, type Client, type ManualClock } from './rest.js';

export interface MirrorsBackend {
  /** A fresh emulator of north and west on a manual clock (FAST timings), with a client per cluster. */
  start(): Promise<{ emu: ConfluentEmulator; clock: ManualClock; north: Client; west: Client }>;
  /** Ends the test's emulator and removes what the test made. */
  stop(): Promise<void>;
  /** The bidirectional link `dr` on both sides, and `topics` on north; with `mirrors`, each mirrored on west (ACTIVE). */
  setup(topics: string[], partitions: number, mirrors: boolean): Promise<void>;
  /** Appends records (with `key`, when given) to one partition with the application's key, as a client does (throws when refused). */
  produce(cluster: string, topic: string, values: string[], partition: number, key?: string): Promise<void>;
  endOffsets(cluster: string, topic: string): Promise<number[]>;
  /** A partition's records from its start (no `key` when a record has none). */
  records(cluster: string, topic: string, partition: number): Promise<Array<{ key?: string; value: string }>>;
  /** Commits a group's offset as a member of it does. */
  commit(cluster: string, group: string, topic: string, partition: number, offset: number): Promise<void>;
  /** A group's committed offsets (none when the group has none). */
  committed(cluster: string, group: string): Promise<Array<{ topic: string; partition: number; offset: number }>>;
  /** Makes a cluster unreachable (`down`), for the REST API, the applications and the link alike, or reachable again. */
  outage(cluster: string, down: boolean): Promise<void>;
  /** Until every ACTIVE mirror holds every record of its source, and the REST API's lags say so. */
  replicated(): Promise<void>;
  /** Until the REST API's lags and counts reflect the records as they are now. */
  measured(): Promise<void>;
  /** Records produced from now on stay on their source (the link copies them only after `release`). */
  hold(): Promise<void>;
  release(): Promise<void>;
  /** Lets `ms` pass on the control plane's clock (and in real time where the brokers work in it). */
  elapse(ms: number): Promise<void>;
  /** Between two steps of a state change: nothing in memory; on real Kafka, a moment for the brokers. */
  pace(): Promise<void>;
  /** At most this many half-transition steps for a state change to complete (memory: 20, real Kafka: bounded by time). */
  maxSteps: number;
}

export function mirrorsSuite(backend: MirrorsBackend): void {
  let emu: ConfluentEmulator;
  let clock: ManualClock;
  let north: Client;
  let west: Client;
  beforeEach(async () => ({ emu, clock, north, west } = await backend.start()));
  afterEach(() => backend.stop());

  const T = FAST.transitionMs;
  const status = (cluster: string, topic: string) => emu.mirrorState(cluster, 'dr', topic)?.status;
  /** Moves the control plane's clock in half-transition steps until the mirror reaches `wanted`. */
  async function settle(cluster: string, topic: string, wanted: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (let step = 0; status(cluster, topic) !== wanted && step < backend.maxSteps && Date.now() < deadline; step++) {
      clock.advance(T / 2);
      await backend.pace();
    }
    expect(`${cluster}/${topic} ${status(cluster, topic)}`).toBe(`${cluster}/${topic} ${wanted}`);
  }
  const lagsOf = (cluster: string, topic: string) => emu.mirrorState(cluster, 'dr', topic)!.lags;
  const values = async (cluster: string, topic: string, partition: number) => (await backend.records(cluster, topic, partition)).map((r) => r.value);
  /** Lets time pass, 100 ms a step, until `check` holds (at most 30 s of real time, or 300 steps of the clock). */
  async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (let step = 0; !(await check()); step++) {
      if (step >= 300 || Date.now() > deadline) throw new Error(`${what}: not after ${step} steps of 100 ms`);
      await backend.elapse(100);
    }
  }
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
  const refusedTo = (cluster: string, topic: string) =>
    backend.produce(cluster, topic, ['refused?'], 0).then(
      () => 'accepted',
      () => 'refused',
    );

  describe('mirror verbs on a bidirectional link', () => {
    it('creates a mirror over REST (204: accepted): PENDING_MIRROR until its first fetch, then ACTIVE, read-only and copying its source', async () => {
      await backend.setup(['orders'], 2, false);
      await backend.produce('north', 'orders', ['n0', 'n1'], 1);
      const created = await west.post('/links/dr/mirrors', { source_topic_name: 'orders' });
      expect([created.status, created.text]).toEqual([204, '']);
      expect(status('west', 'orders')).toBe('PENDING_MIRROR');
      await settle('west', 'orders', 'ACTIVE');
      await backend.replicated();
      expect(await backend.endOffsets('west', 'orders')).toEqual([0, 2]);
      expect(await values('west', 'orders', 1)).toEqual(['n0', 'n1']);
      expect(await refusedTo('west', 'orders')).toBe('refused');
      const listed = (await west.get('/links/dr/mirrors')).json.data;
      expect(listed.map((m: { mirror_topic_name: string; mirror_status: string }) => [m.mirror_topic_name, m.mirror_status])).toEqual([['orders', 'ACTIVE']]);
    });

    it('failover: 200 with a result per topic (all six keys), PENDING_STOPPED, STOPPED and writable, then "already stopped" for every verb', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.produce('north', 'orders', ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'], 0);
      await backend.replicated();
      expect(lagsOf('west', 'orders').every((l) => l.lag === 0)).toBe(true);
      expect(await refusedTo('west', 'orders')).toBe('refused');
      const res = await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders', 'ghost'] });
      expect(res.status).toBe(200);
      const [ok, ghost] = res.json.data;
      expect(ok).toMatchObject({
        kind: 'AlterMirrorsData',
        mirror_topic_name: 'orders',
        error_code: null,
        error_message: null,
        messages_truncated: -1, // as confluentinc/cli's test server answers verbs that truncate nothing
        partition_level_truncation_data: [],
      });
      expect(ok.mirror_lags).toEqual([0, 1, 2, 3].map((p) => ({ partition: p, lag: 0, last_source_fetch_offset: p === 0 ? 6 : 0 })));
      expect([ghost.error_code, ghost.error_message]).toEqual([404, "Topic 'ghost' is not a mirror topic on cluster link 'dr'."]);

      expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('PENDING_STOPPED');
      await settle('west', 'orders', 'STOPPED');
      expect((await west.get('/links/dr/mirrors/orders')).json.mirror_lags[0]).toEqual({ partition: 0, lag: 0, last_source_fetch_offset: -1 });
      // Writable now: through REST, and for the application's own client.
      expect((await west.post('/topics/orders/records', { partition_id: 0, value: { type: 'STRING', data: 'after failover' } })).json).toMatchObject({
        error_code: 200,
        partition_id: 0,
        offset: 6,
      });
      expect(await refusedTo('west', 'orders')).toBe('accepted');

      const repeat = await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
      expect([repeat.json.data[0].error_code, repeat.json.data[0].error_message]).toEqual([400, "Topic 'orders' has already stopped its mirror from 'dr'"]);
      for (const verb of ['promote', 'pause', 'resume', 'reverse-and-start-mirror']) {
        const r = await west.post(`/links/dr/mirrors:${verb}`, { mirror_topic_names: ['orders'] });
        expect([verb, r.json.data[0].error_code, r.json.data[0].error_message]).toEqual([verb, 400, "Topic 'orders' has already stopped its mirror from 'dr'"]);
      }
    });

    it('failover stops at once: the records not yet copied are in mirror_lags and never reach the mirror', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.hold();
      await backend.produce('north', 'orders', ['a', 'b', 'c', 'd', 'e'], 0);
      await backend.produce('north', 'orders', ['f', 'g', 'h'], 2);
      await backend.measured();
      const res = await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
      expect(res.json.data[0].mirror_lags.map((l: { lag: number }) => l.lag)).toEqual([5, 0, 3, 0]);
      await settle('west', 'orders', 'STOPPED');
      await backend.release();
      await backend.elapse(1000); // long past the replication delay: a stopped mirror copies nothing
      expect(await backend.endOffsets('west', 'orders')).toEqual([0, 0, 0, 0]);
    });

    it('promote ends only after the last records are copied: STOPPED with the source’s every record, nothing lost', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.hold();
      await backend.produce('north', 'orders', ['a', 'b', 'c', 'd'], 1);
      await backend.produce('north', 'orders', ['e', 'f', 'g'], 3);
      await backend.measured();
      const res = await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
      expect(res.json.data[0].error_code).toBeNull();
      expect(sum(res.json.data[0].mirror_lags.map((l: { lag: number }) => l.lag))).toBe(7);
      expect(status('west', 'orders')).toBe('PENDING_STOPPED');
      await settle('west', 'orders', 'STOPPED');
      expect(await backend.endOffsets('west', 'orders')).toEqual([0, 4, 0, 3]);
      expect(await values('west', 'orders', 3)).toEqual(['e', 'f', 'g']);
      expect(await refusedTo('west', 'orders')).toBe('accepted');
    });

    it('pause stops copying (the lag grows, the mirror stays read-only), resume catches up; repeating either is a per-topic 400', async () => {
      await backend.setup(['orders'], 4, true);
      expect((await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBeNull();
      await settle('west', 'orders', 'PAUSED');
      await backend.produce('north', 'orders', ['a', 'b', 'c', 'd', 'e'], 3);
      await backend.elapse(300); // past the replication delay: the records would have been copied if the link were
      await backend.measured();
      expect(await backend.endOffsets('west', 'orders')).toEqual([0, 0, 0, 0]);
      expect(lagsOf('west', 'orders')[3]).toEqual({ partition: 3, lag: 5, last_source_fetch_offset: 0 });
      expect(await refusedTo('west', 'orders')).toBe('refused');
      const again = await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] });
      expect([again.json.data[0].error_code, again.json.data[0].error_message]).toEqual([400, "Topic 'orders' is already paused on cluster link 'dr'."]);
      await west.post('/links/dr/mirrors:resume', { mirror_topic_names: ['orders'] });
      await settle('west', 'orders', 'ACTIVE');
      await backend.replicated();
      expect(await values('west', 'orders', 3)).toEqual(['a', 'b', 'c', 'd', 'e']);
      const repeat = await west.post('/links/dr/mirrors:resume', { mirror_topic_names: ['orders'] });
      expect([repeat.json.data[0].error_code, repeat.json.data[0].error_message]).toEqual([400, "Topic 'orders' is not paused (status ACTIVE)."]);
    });

    it('reverse-and-start-mirror: the local mirror becomes writable and the peer topic mirrors it; reverse-and-pause-mirror back leaves a PAUSED mirror that resumes', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.produce('north', 'orders', ['n0', 'n1', 'n2', 'n3'], 0);
      await backend.replicated();
      const res = await west.post('/links/dr/mirrors:reverse-and-start-mirror', { mirror_topic_names: ['orders'] });
      expect(res.json.data[0].error_code).toBeNull();
      expect(status('west', 'orders')).toBe('PENDING_SYNCHRONIZE');
      await settle('west', 'orders', 'STOPPED');
      await settle('north', 'orders', 'ACTIVE');
      const reversed = (await north.get('/links/dr/mirrors/orders')).json;
      expect([reversed.source_topic_name, reversed.mirror_status]).toEqual(['orders', 'ACTIVE']);
      // Writes now go to west and flow to north; north refuses them, through REST and to the application.
      await backend.produce('west', 'orders', ['from west'], 2);
      await backend.replicated();
      expect(await values('north', 'orders', 2)).toEqual(['from west']);
      const refused = await north.post('/topics/orders/records', { value: { type: 'STRING', data: 'x' } });
      expect([refused.status, refused.json.error_code, refused.json.message]).toEqual([200, 40002, "Cannot append records to read-only mirror topic 'orders'"]);
      expect(await refusedTo('north', 'orders')).toBe('refused');

      // And back: reverse-and-pause-mirror from north leaves west's topic a PAUSED mirror, copying nothing until resumed.
      expect((await north.post('/links/dr/mirrors:reverse-and-pause-mirror', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBeNull();
      await settle('north', 'orders', 'STOPPED');
      await settle('west', 'orders', 'PAUSED');
      expect(await refusedTo('west', 'orders')).toBe('refused');
      await backend.produce('north', 'orders', ['home'], 1);
      await backend.elapse(300);
      expect((await backend.endOffsets('west', 'orders'))[1]).toBe(0);
      await west.post('/links/dr/mirrors:resume', { mirror_topic_names: ['orders'] });
      await settle('west', 'orders', 'ACTIVE');
      await backend.replicated();
      expect(await values('west', 'orders', 1)).toEqual(['home']);
      expect(await backend.endOffsets('west', 'orders')).toEqual(await backend.endOffsets('north', 'orders'));
    });

    it('truncate-and-restore: the divergent ex-source is cut back to the failover point (counted per partition) and mirrors again, then fails back', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.produce('north', 'orders', ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'], 0);
      await backend.produce('north', 'orders', ['b0', 'b1'], 1);
      await backend.replicated();
      expect(await backend.endOffsets('west', 'orders')).toEqual([6, 2, 0, 0]);
      // Pause so the next records stay on north only, then an unplanned failover on west.
      await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] });
      await settle('west', 'orders', 'PAUSED');
      await backend.produce('north', 'orders', ['lost0', 'lost1', 'lost2'], 0);
      await backend.produce('north', 'orders', ['lost3'], 3);
      await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
      await settle('west', 'orders', 'STOPPED');
      await backend.produce('west', 'orders', ['new0', 'new1'], 1);
      await backend.measured();

      // Not on this side: west's topic is the one that stays.
      expect((await west.post('/links/dr/mirrors:truncate-and-restore', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBe(400);
      const res = await north.post(
        '/links/dr/mirrors:truncate-and-restore',
        { mirror_topic_names: ['orders'] },
        { query: { include_partition_level_truncation_data: true } },
      );
      const [result] = res.json.data;
      expect([result.error_code, result.messages_truncated]).toEqual([null, 4]);
      expect(result.partition_level_truncation_data).toEqual([
        { partition_id: 0, offset_truncated_to: 6, messages_truncated: 3 },
        { partition_id: 1, offset_truncated_to: 2, messages_truncated: 0 },
        { partition_id: 2, offset_truncated_to: 0, messages_truncated: 0 },
        { partition_id: 3, offset_truncated_to: 0, messages_truncated: 1 },
      ]);
      expect(result.mirror_lags.map((l: { lag: number }) => l.lag)).toEqual([0, 2, 0, 0]);
      expect(status('north', 'orders')).toBe('PENDING_SETUP_FOR_RESTORE');
      await settle('north', 'orders', 'ACTIVE');
      await backend.replicated();
      expect(await backend.endOffsets('north', 'orders')).toEqual([6, 4, 0, 0]);
      expect(await values('north', 'orders', 0)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
      expect(await values('north', 'orders', 1)).toEqual(['b0', 'b1', 'new0', 'new1']);
      expect(await refusedTo('north', 'orders')).toBe('refused');
      const twice = await north.post('/links/dr/mirrors:truncate-and-restore', { mirror_topic_names: ['orders'] });
      expect(twice.json.data[0].error_message).toMatch(/is a mirror topic \(ACTIVE\)/);

      // Failback: north takes the topic back, west mirrors it again.
      await north.post('/links/dr/mirrors:reverse-and-start-mirror', { mirror_topic_names: ['orders'] });
      await settle('north', 'orders', 'STOPPED');
      await settle('west', 'orders', 'ACTIVE');
      await backend.produce('north', 'orders', ['home again'], 3);
      await backend.replicated();
      expect(await values('west', 'orders', 3)).toEqual(['home again']);
      expect(await refusedTo('west', 'orders')).toBe('refused');
    });
  });

  describe('replication over the link', () => {
    it('reports the lag of the records not yet copied, per partition, and drains it once they are; offsets, keys and values preserved', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.hold();
      await backend.produce('north', 'orders', ['r0', 'r1', 'r2', 'r3', 'r4'], 0);
      await backend.produce('north', 'orders', ['k', 'k2'], 2, 'customer-1');
      await backend.measured();
      const pairs = (body: { mirror_lags: Array<{ lag: number; last_source_fetch_offset: number }> }) =>
        body.mirror_lags.map((l) => [l.lag, l.last_source_fetch_offset]);
      expect(pairs((await west.get('/links/dr/mirrors/orders')).json)).toEqual([
        [5, 0],
        [0, 0],
        [2, 0],
        [0, 0],
      ]);
      await backend.release();
      await backend.replicated();
      expect(pairs((await west.get('/links/dr/mirrors')).json.data[0])).toEqual([
        [0, 5],
        [0, 0],
        [0, 2],
        [0, 0],
      ]);
      for (const p of [0, 1, 2, 3]) expect(await backend.records('west', 'orders', p)).toEqual(await backend.records('north', 'orders', p));
      expect(await backend.records('west', 'orders', 2)).toEqual([
        { key: 'customer-1', value: 'k' },
        { key: 'customer-1', value: 'k2' },
      ]);
    });

    it('an unreachable source freezes the lag (the last one the link learnt) and stops copying; both resume when it is back', async () => {
      await backend.setup(['orders'], 4, true);
      await backend.hold();
      await backend.produce('north', 'orders', ['a', 'b', 'c'], 1);
      await backend.measured();
      await backend.outage('north', true);
      const down = (await west.get('/links/dr/mirrors/orders')).json;
      expect([down.mirror_status, down.mirror_lags[1].lag]).toEqual(['SOURCE_UNAVAILABLE', 3]);
      await backend.release();
      await backend.elapse(1000);
      await backend.measured();
      expect(lagsOf('west', 'orders')[1]).toEqual({ partition: 1, lag: 3, last_source_fetch_offset: 0 });
      expect(await backend.endOffsets('west', 'orders')).toEqual([0, 0, 0, 0]);
      expect(await refusedTo('north', 'orders')).toBe('refused');
      await backend.outage('north', false);
      expect(status('west', 'orders')).toBe('ACTIVE');
      await backend.replicated();
      expect(await backend.endOffsets('west', 'orders')).toEqual([0, 3, 0, 0]);
      expect(await values('west', 'orders', 1)).toEqual(['a', 'b', 'c']);
    });

    it('syncs, once turned on over REST, the committed offsets of the groups the filters select, capped at what the mirror holds, until the mirror is failed over', async () => {
      await backend.setup(['orders'], 2, true);
      const on = await west.put('/links/dr/configs:alter', {
        data: [
          { name: 'consumer.offset.sync.enable', value: 'true' },
          { name: 'consumer.offset.sync.ms', value: '300' },
          {
            name: 'consumer.offset.group.filters',
            value: JSON.stringify({ groupFilters: [{ name: 'app-', patternType: 'PREFIXED', filterType: 'INCLUDE' }] }),
          },
        ],
      });
      expect(on.status).toBe(204);
      await backend.produce('north', 'orders', ['r0', 'r1', 'r2', 'r3'], 0);
      await backend.replicated();
      // Committed past the log end on the source: the synced offset stops at what the mirror holds.
      await backend.commit('north', 'app-billing', 'orders', 0, 9);
      await backend.commit('north', 'other', 'orders', 0, 1);
      const synced = () => backend.committed('west', 'app-billing');
      await eventually('app-billing synced to west', async () => (await synced()).length > 0);
      expect(await synced()).toEqual([{ topic: 'orders', partition: 0, offset: 4 }]);
      expect(await backend.committed('west', 'other')).toEqual([]);

      await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
      await settle('west', 'orders', 'STOPPED');
      await backend.commit('north', 'app-billing', 'orders', 0, 2);
      await backend.elapse(3 * 300); // three sync intervals: a stopped mirror's groups are no longer synced
      expect(await synced()).toEqual([{ topic: 'orders', partition: 0, offset: 4 }]);
    });
  });
}
