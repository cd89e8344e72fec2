import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ClusterInfo, ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { Client, twoClusters } from './rest.js';

let emu: ConfluentEmulator;
let north: Client;
let west: Client;
beforeEach(async () => ({ emu, north, west } = await twoClusters()));
afterEach(() => emu.close());

/** The configs a destination-initiated link to `remote` needs. */
function credentials(remote: ClusterInfo, secret = remote.apiSecret) {
  return [
    { name: 'bootstrap.servers', value: `SASL_SSL://${remote.bootstrap}` },
    { name: 'security.protocol', value: 'SASL_SSL' },
    { name: 'sasl.mechanism', value: 'PLAIN' },
    { name: 'sasl.jaas.config', value: `org.apache.kafka.common.security.plain.PlainLoginModule required username="${remote.apiKey}" password="${secret}";` },
  ];
}

describe('cluster links', () => {
  it('creates a DESTINATION link (204, empty), lists and gets it with explicit nulls; tasks only on request', async () => {
    const n = emu.info('north');
    const created = await west.post('/links', { source_cluster_id: n.id, configs: credentials(n) }, { query: { link_name: 'from-north' } });
    expect([created.status, created.text]).toEqual([204, '']);
    const listed = await west.get('/links');
    expect(listed.json.data).toHaveLength(1);
    const link = listed.json.data[0];
    expect(link).toMatchObject({
      kind: 'KafkaLinkData',
      link_name: 'from-north',
      source_cluster_id: 'lkc-north',
      destination_cluster_id: null,
      remote_cluster_id: null,
      topic_names: [],
      link_state: 'ACTIVE',
      link_error: 'NO_ERROR',
      link_error_message: null,
    });
    expect(link.tasks).toBeUndefined();
    const withTasks = await west.get('/links/from-north', { query: { include_tasks: true } });
    expect(withTasks.json.tasks.map((t: { task_name: string; state: string }) => `${t.task_name}:${t.state}`)).toEqual([
      'AclSync:NOT_CONFIGURED',
      'AutoCreateMirror:NOT_CONFIGURED',
      'ConsumerOffsetSync:NOT_CONFIGURED',
      'TopicConfigsSync:ACTIVE',
    ]);
    expect((await west.get('/links/nope')).json).toEqual({ error_code: 404, message: "The cluster link doesn't exist." });
  });

  it('refuses a duplicate name (the spec’s odd error_code 404 inside a 400), a bad name and a missing link_name; validate_only creates nothing', async () => {
    const n = emu.info('north');
    await west.post('/links', { source_cluster_id: n.id }, { query: { link_name: 'l1' } });
    const dup = await west.post('/links', { source_cluster_id: n.id }, { query: { link_name: 'l1' } });
    expect([dup.status, dup.json]).toEqual([400, { error_code: 404, message: 'A cluster link already exists with the provided link name' }]);
    expect((await west.post('/links', { source_cluster_id: n.id }, { query: { link_name: 'bad name' } })).json.message).toBe('Invalid Cluster Link Name.');
    expect((await west.post('/links', { source_cluster_id: n.id })).status).toBe(400);
    const dry = await west.post('/links', { source_cluster_id: n.id }, { query: { link_name: 'dry', validate_only: true } });
    expect(dry.status).toBe(204);
    expect((await west.get('/links')).json.data.map((l: { link_name: string }) => l.link_name)).toEqual(['l1']);
  });

  it('validate_link checks the remote: unknown id, wrong credentials, mode/field mismatch', async () => {
    const n = emu.info('north');
    const unknown = await west.post('/links', { source_cluster_id: 'lkc-nowhere' }, { query: { link_name: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toMatch(/cluster lkc-nowhere cannot be found/);
    const badKey = await west.post('/links', { source_cluster_id: n.id, configs: credentials(n, 'wrong') }, { query: { link_name: 'x' } });
    expect(badKey.json.message).toMatch(/Authentication to cluster lkc-north failed/);
    const mismatch = await west.post('/links', { remote_cluster_id: n.id }, { query: { link_name: 'x' } });
    expect(mismatch.json.message).toBe('link.mode DESTINATION needs source_cluster_id, not remote_cluster_id.');
    expect((await west.post('/links', { source_cluster_id: n.id, remote_cluster_id: n.id }, { query: { link_name: 'x' } })).status).toBe(400);
    expect((await west.get('/links')).json.data).toEqual([]);

    // validate_link=false creates it anyway; the failure shows on the link, and mirrors cannot be created.
    const created = await west.post(
      '/links',
      { source_cluster_id: n.id, configs: credentials(n, 'wrong') },
      { query: { link_name: 'x', validate_link: false } },
    );
    expect(created.status).toBe(204);
    const link = (await west.get('/links/x')).json;
    // UNAVAILABLE with the reason in link_error, as the spec's example and confluentinc/cli's test server show it.
    expect([link.link_state, link.link_error]).toEqual(['UNAVAILABLE', 'AUTHENTICATION_ERROR']);
    emu.createTopic('north', 'orders');
    expect((await west.post('/links/x/mirrors', { source_topic_name: 'orders' })).status).toBe(400);
    // Fixing the secret heals it.
    const fixed = await west.put('/links/x/configs/sasl.jaas.config', { value: credentials(n)[3].value });
    expect([fixed.status, fixed.text]).toEqual([204, '']);
    expect((await west.get('/links/x')).json.link_state).toBe('ACTIVE');
  });

  it('pairs a bidirectional link: the second side must pass the first side’s cluster_link_id', async () => {
    const n = emu.info('north');
    const w = emu.info('west');
    expect(
      (
        await north.post(
          '/links',
          { remote_cluster_id: w.id, configs: [...credentials(w), { name: 'link.mode', value: 'BIDIRECTIONAL' }] },
          { query: { link_name: 'dr' } },
        )
      ).status,
    ).toBe(204);
    const first = (await north.get('/links/dr')).json;
    expect([first.remote_cluster_id, first.source_cluster_id, first.destination_cluster_id]).toEqual(['lkc-west', null, null]);
    const configs = [...credentials(n), { name: 'link.mode', value: 'BIDIRECTIONAL' }];
    const missing = await west.post('/links', { remote_cluster_id: n.id, configs }, { query: { link_name: 'dr' } });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toContain(`pass cluster_link_id=${first.cluster_link_id}`);
    const second = await west.post('/links', { remote_cluster_id: n.id, cluster_link_id: first.cluster_link_id, configs }, { query: { link_name: 'dr' } });
    expect(second.status).toBe(204);
    expect((await west.get('/links/dr')).json.cluster_link_id).toBe(first.cluster_link_id);
  });

  it('reports UNAVAILABLE with the connection error while the remote is unreachable', async () => {
    emu.createLink('west', 'dr', { remote: 'north' });
    await emu.setFault('north', { kind: 'unreachable' });
    let link = (await west.get('/links/dr')).json;
    expect([link.link_state, link.link_error]).toEqual(['UNAVAILABLE', 'BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR']);
    expect((await west.get('/links/dr', { query: { include_tasks: true } })).json.tasks[3]).toEqual({
      task_name: 'TopicConfigsSync',
      state: 'LINK_UNAVAILABLE',
      errors: [],
    });
    await emu.setFault('north', { kind: 'unreachable', mode: 'hang' });
    link = (await west.get('/links/dr')).json;
    expect([link.link_state, link.link_error]).toEqual(['UNAVAILABLE', 'TIMEOUT_ERROR']);
    await emu.setFault('north', null);
    expect((await west.get('/links/dr')).json.link_state).toBe('ACTIVE');
  });

  it('deletes a link (200, empty); mirrors still mirroring need force=true', async () => {
    emu.createTopic('north', 'orders', { partitions: 2 });
    emu.createLink('west', 'dr', { remote: 'north' });
    emu.createMirror('west', 'dr', 'orders');
    const refused = await west.delete('/links/dr');
    expect([refused.status, refused.json.message]).toEqual([
      400,
      "Cluster link 'dr' still has 1 mirror topic(s) that are mirroring: orders. Promote or fail them over first, or delete with force=true.",
    ]);
    expect((await west.delete('/links/dr', { query: { force: true, validate_only: true } })).status).toBe(200);
    expect((await west.get('/links/dr')).status).toBe(200);
    const deleted = await west.delete('/links/dr', { query: { force: true } });
    expect([deleted.status, deleted.text]).toEqual([200, '']);
    expect((await west.get('/links/dr')).status).toBe(404);
    // The former mirror topic stays, as a regular topic.
    expect(emu.produce('west', 'orders', [{ value: 'x' }])).toHaveLength(1);
    expect((await west.delete('/links/dr')).status).toBe(404);
  });
});

describe('link configs', () => {
  beforeEach(() => emu.createLink('west', 'dr', { remote: 'north', prefix: 'north-' }));

  it('lists defaults (DEFAULT_CONFIG) and set values (DYNAMIC_CLUSTER_LINK_CONFIG), hiding sensitive values', async () => {
    const list = await west.get('/links/dr/configs');
    const byName = new Map(list.json.data.map((c: { name: string }) => [c.name, c]));
    expect(byName.get('cluster.link.prefix')).toMatchObject({
      value: 'north-',
      is_default: false,
      is_read_only: true,
      source: 'DYNAMIC_CLUSTER_LINK_CONFIG',
      link_name: 'dr',
    });
    expect(byName.get('consumer.offset.sync.ms')).toMatchObject({ value: '30000', is_default: true, source: 'DEFAULT_CONFIG' });
    expect(byName.get('sasl.jaas.config')).toMatchObject({ value: '', is_sensitive: true });
    expect(list.text).not.toContain(emu.info('north').apiSecret);
    expect((await west.get('/links/dr/configs/acl.sync.ms')).json.value).toBe('5000');
    expect((await west.get('/links/dr/configs/no.such.config')).status).toBe(404);
  });

  it('offsetSync() reads the link’s consumer offset sync as its configs stand (what a data plane outside follows): off by default, on with its filters, the 30 s default interval', async () => {
    expect(emu.offsetSync('west', 'dr')).toBeUndefined();
    expect(emu.offsetSync('west', 'nope')).toBeUndefined();
    await west.put('/links/dr/configs/consumer.offset.sync.enable', { value: 'true' });
    // On, but no group filter: no group is synced, as the emulator's own sync does.
    expect(emu.offsetSync('west', 'dr')).toBeUndefined();
    const filters = JSON.stringify({ groupFilters: [{ name: 'app-', patternType: 'PREFIXED', filterType: 'INCLUDE' }] });
    await west.put('/links/dr/configs/consumer.offset.group.filters', { value: filters });
    const sync = emu.offsetSync('west', 'dr')!;
    expect([sync.everyMs, sync.accept('app-billing'), sync.accept('other')]).toEqual([30_000, true, false]);
    await west.put('/links/dr/configs/consumer.offset.sync.ms', { value: '1500' });
    expect(emu.offsetSync('west', 'dr')!.everyMs).toBe(1500);
    await west.put('/links/dr/configs/consumer.offset.sync.enable', { value: 'false' });
    expect(emu.offsetSync('west', 'dr')).toBeUndefined();
  });

  it('PUT sets, DELETE resets, configs:alter does both at once; read-only configs are refused', async () => {
    expect((await west.put('/links/dr/configs/consumer.offset.sync.ms', { value: '1000' })).status).toBe(204);
    expect((await west.get('/links/dr/configs/consumer.offset.sync.ms')).json).toMatchObject({ value: '1000', is_default: false });
    const reset = await west.delete('/links/dr/configs/consumer.offset.sync.ms');
    expect([reset.status, reset.text]).toEqual([204, '']);
    expect((await west.get('/links/dr/configs/consumer.offset.sync.ms')).json).toMatchObject({ value: '30000', is_default: true });
    const batch = {
      data: [
        { name: 'acl.sync.enable', value: 'true' },
        { name: 'topic.config.sync.ms', operation: 'DELETE' },
      ],
    };
    expect((await west.put('/links/dr/configs:alter', batch, { query: { validate_only: true } })).status).toBe(204);
    expect((await west.get('/links/dr/configs/acl.sync.enable')).json.value).toBe('false');
    expect((await west.put('/links/dr/configs:alter', batch)).status).toBe(204);
    expect((await west.get('/links/dr/configs/acl.sync.enable')).json.value).toBe('true');
    // confluentinc/cli #3072: ACL sync on without acl.filters shows as a task IN_ERROR, not as a create error.
    const tasks = (await west.get('/links/dr', { query: { include_tasks: true } })).json.tasks;
    expect(tasks[0]).toEqual({
      task_name: 'AclSync',
      state: 'IN_ERROR',
      errors: [{ error_code: 'MISCONFIGURATION_ERROR', error_message: 'acl.sync.enable is true but acl.filters is not set.' }],
    });
    const readOnly = await west.put('/links/dr/configs/cluster.link.prefix', { value: 'x-' });
    expect([readOnly.status, readOnly.json.error_code]).toEqual([400, 40002]);
    expect((await west.put('/links/dr/configs:alter', { data: [{ name: 'link.mode', value: 'SOURCE' }] })).status).toBe(400);
    expect((await west.put('/links/nope/configs/acl.sync.ms', { value: '1' })).status).toBe(404);
  });
});
