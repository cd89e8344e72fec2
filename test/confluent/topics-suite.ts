/**
 * The REST API's cluster, topic and produce routes, written once and run on both backends: the emulator's memory
 * (test/confluent/topics.test.ts, in `npm test`) and two real Kafka clusters under it (the data plane's brokers,
 * test/real-kafka/topics.test.ts, in `npm run test:real:kafka`). Every answer is checked against the published
 * spec (rest.ts); what a test reads back (records, end offsets) comes from where the backend keeps them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { basic, type Client } from './rest.js';

export interface TopicsBackend {
  /** A fresh emulator of north and west for one test, with a client per cluster. */
  start(): Promise<{ emu: ConfluentEmulator; north: Client; west: Client }>;
  /** Ends the test's emulator and removes every topic the test made. */
  stop(): Promise<void>;
  createTopic(cluster: string, topic: string, partitions: number): Promise<void>;
  /** `topics` on north, mirrored on west over the bidirectional link `dr` (the topics' partitions on both). */
  mirrored(topics: string[], partitions: number): Promise<void>;
  /** A partition's records from its start, as the backend holds them (no `key` when it has none). */
  records(cluster: string, topic: string, partition: number): Promise<Array<{ offset: number; key?: string; value: string }>>;
  endOffsets(cluster: string, topic: string): Promise<number[]>;
}

export function topicsSuite(backend: TopicsBackend): void {
  let emu: ConfluentEmulator;
  let north: Client;
  let west: Client;
  beforeEach(async () => ({ emu, north, west } = await backend.start()));
  afterEach(() => backend.stop());

  describe('cluster and topics', () => {
    it('describes the cluster', async () => {
      const res = await north.get('');
      expect([res.status, res.json.kind, res.json.cluster_id]).toEqual([200, 'KafkaCluster', 'lkc-north']);
    });

    it('creates (201), lists, gets and deletes (204) topics; validate_only creates nothing', async () => {
      const created = await north.post('/topics', { topic_name: 'orders', partitions_count: 3 });
      expect([created.status, created.json.topic_name, created.json.partitions_count, created.json.replication_factor]).toEqual([201, 'orders', 3, 3]);
      const defaulted = await north.post('/topics', { topic_name: 'events' });
      expect(defaulted.json.partitions_count).toBe(6);
      const dry = await north.post('/topics', { topic_name: 'dry', validate_only: true });
      expect([dry.status, dry.json.topic_name]).toEqual([200, 'dry']);
      // Listed by name, as kafka-rest sorts them (its TopicsResource.listTopics), not in the order they were made.
      expect((await north.get('/topics')).json.data.map((t: { topic_name: string }) => t.topic_name)).toEqual(['events', 'orders']);
      expect((await north.get('/topics/orders')).json.partitions_count).toBe(3);
      const partitions = await north.get('/topics/orders/partitions');
      expect(partitions.json.data.map((p: { partition_id: number }) => p.partition_id)).toEqual([0, 1, 2]);
      expect((await north.get('/topics/orders/partitions/2')).json.partition_id).toBe(2);
      expect((await north.get('/topics/orders/partitions/3')).status).toBe(404);
      const deleted = await north.delete('/topics/orders');
      expect([deleted.status, deleted.text]).toEqual([204, '']);
      const gone = await north.get('/topics/orders');
      expect([gone.status, gone.json]).toEqual([404, { error_code: 40403, message: 'This server does not host this topic-partition.' }]);
      expect((await north.delete('/topics/orders')).status).toBe(404);
    });

    it('refuses a duplicate, an illegal name, a replication factor other than 3 and a bad partition count', async () => {
      await north.post('/topics', { topic_name: 'orders' });
      const dup = await north.post('/topics', { topic_name: 'orders' });
      expect([dup.status, dup.json]).toEqual([400, { error_code: 40002, message: "Topic 'orders' already exists." }]);
      for (const body of [
        { topic_name: 'bad name' },
        { topic_name: 'x', replication_factor: 2 },
        { topic_name: 'y', partitions_count: 0 },
        { topic_name: 'z', partitions_count: 'A' },
        {},
      ]) {
        expect([JSON.stringify(body), (await north.post('/topics', body)).status]).toEqual([JSON.stringify(body), 400]);
      }
      const notJson = await north.call('POST', '/topics', { rawBody: '{"topic_name":', contentType: 'application/json' });
      expect(notJson.status).toBe(400);
      const form = await north.call('POST', '/topics', { rawBody: 'topic_name=x', contentType: 'application/x-www-form-urlencoded' });
      expect([form.status, form.json.error_code]).toEqual([415, 415]);
    });
  });

  describe('produce (POST /topics/{topic}/records)', () => {
    beforeEach(() => backend.createTopic('north', 'orders', 4));

    it('answers a delivery report for STRING, JSON and BINARY records and stores them', async () => {
      const res = await north.post('/topics/orders/records', {
        partition_id: 2,
        key: { type: 'STRING', data: 'k1' },
        value: { type: 'JSON', data: { amount: 5 } },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        error_code: 200,
        cluster_id: 'lkc-north',
        topic_name: 'orders',
        partition_id: 2,
        offset: 0,
        key: { type: 'STRING', size: 2 },
        value: { type: 'JSON', size: 12 },
      });
      expect(Number.isNaN(Date.parse(res.json.timestamp))).toBe(false);
      const binary = await north.post('/topics/orders/records', { partition_id: 2, value: { type: 'BINARY', data: Buffer.from('héllo').toString('base64') } });
      expect([binary.json.offset, binary.json.value, binary.json.key]).toEqual([1, { type: 'BINARY', size: 6 }, null]);
      expect(await backend.records('north', 'orders', 2)).toEqual([
        { offset: 0, key: 'k1', value: '{"amount":5}' },
        { offset: 1, value: 'héllo' },
      ]);
    });

    it('puts record-level failures inside a 200 report: bad base64, and a read-only mirror topic', async () => {
      const bad = await north.post('/topics/orders/records', { value: { type: 'BINARY', data: 'not base64!' } });
      expect([bad.status, bad.json.error_code, bad.json.message]).toEqual([200, 400, 'Bad Request: data="not base64!" is not a base64 string.']);
      await backend.mirrored(['mirrored'], 4);
      const refused = await west.post('/topics/mirrored/records', { value: { type: 'STRING', data: 'x' } });
      expect([refused.status, refused.json]).toEqual([200, { error_code: 40002, message: "Cannot append records to read-only mirror topic 'mirrored'" }]);
      expect(await backend.endOffsets('west', 'mirrored')).toEqual([0, 0, 0, 0]);
    });

    it('answers 404 (unknown topic or partition), 415 (not JSON), 422 (empty) and 400 (header not base64)', async () => {
      expect((await north.post('/topics/ghost/records', { value: { type: 'STRING', data: 'x' } })).json).toEqual({
        error_code: 40403,
        message: 'This server does not host this topic-partition.',
      });
      expect((await north.post('/topics/orders/records', { partition_id: 9, value: { type: 'STRING', data: 'x' } })).status).toBe(404);
      expect((await north.call('POST', '/topics/orders/records', { rawBody: 'x', contentType: 'text/plain' })).status).toBe(415);
      expect((await north.call('POST', '/topics/orders/records', { rawBody: '', contentType: 'application/json' })).json).toEqual({
        error_code: 422,
        message: 'Payload error. Request body is empty. Data is required.',
      });
      const header = await north.post('/topics/orders/records', { headers: [{ name: 'h', value: '%%%' }], value: { type: 'STRING', data: 'x' } });
      expect([header.status, header.json.error_code]).toEqual([400, 400]);
      expect(await backend.endOffsets('north', 'orders')).toEqual([0, 0, 0, 0]);
    });

    it('streams: concatenated JSON records get one report each, in order', async () => {
      const body = [1, 2, 3].map((i) => JSON.stringify({ partition_id: 1, value: { type: 'STRING', data: `v${i}` } })).join('\n');
      const res = await north.call('POST', '/topics/orders/records', { rawBody: body, contentType: 'application/json', concatenated: true });
      expect(res.status).toBe(200);
      const reports = res.text.split('\n').map((line) => JSON.parse(line) as { offset: number });
      const { SPECS, spec } = await import('../helpers/openapi.js');
      for (const report of reports) expect(spec(SPECS.confluent).check('ProduceResponse', report)).toEqual([]);
      expect(reports.map((r) => r.offset)).toEqual([0, 1, 2]);
    });
  });

  describe('authentication, authorization and routing', () => {
    it('401 40101 without credentials, with a wrong secret, with another cluster’s key, or a bearer token', async () => {
      const w = emu.info('west');
      const n = emu.info('north');
      for (const authorization of [null, basic(n.apiKey, 'wrong'), basic(w.apiKey, w.apiSecret), 'Bearer abc']) {
        const res = await north.get('/topics', { authorization });
        expect([String(authorization).slice(0, 6), res.status, res.json]).toEqual([
          String(authorization).slice(0, 6),
          401,
          { error_code: 40101, message: 'Authentication failed' },
        ]);
      }
    });

    it('403 40301: read-only permissions refuse writes and verbs, none refuses everything', async () => {
      await backend.mirrored(['orders'], 4);
      emu.setPermissions('west', 'read-only');
      expect((await west.get('/links/dr/mirrors')).status).toBe(200);
      const verb = await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
      expect([verb.status, verb.json]).toEqual([403, { error_code: 40301, message: 'Request is not authorized' }]);
      expect((await west.post('/topics', { topic_name: 'x' })).status).toBe(403);
      emu.setPermissions('west', 'none');
      expect((await west.get('/links')).status).toBe(403);
      emu.setPermissions('west', 'full');
      expect((await west.get('/links')).status).toBe(200);
      expect(emu.mirrorState('west', 'dr', 'orders')?.status).toBe('ACTIVE');
    });

    it('404 for another cluster id or an unknown path, 405 for a wrong method', async () => {
      const other = await north.absolute('GET', '/kafka/v3/clusters/lkc-west/topics');
      expect([other.status, other.json.message]).toEqual([404, 'Cluster lkc-west cannot be found.']);
      const unknown = await north.absolute('GET', '/v3/clusters/lkc-north/topics');
      expect([unknown.status, unknown.json]).toEqual([404, { error_code: 404, message: 'HTTP 404 Not Found' }]);
      const method = await north.call('PATCH', '/links');
      expect([method.status, method.json.error_code]).toEqual([405, 405]);
    });
  });
}
