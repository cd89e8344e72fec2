import { afterEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { FAST, ManualClock, bidirectional, records, twoClusters } from './rest.js';

// How the link shows trouble, as Confluent Cloud does: an outage only after 5 minutes, a bad key at once, a pause.
let emu: ConfluentEmulator;
afterEach(() => emu?.close());
const FIVE_MINUTES = 300_000;

async function setup(options: Parameters<typeof twoClusters>[0] = {}) {
  const clock = new ManualClock();
  const started = await twoClusters({ clock, ...options });
  emu = started.emu;
  bidirectional(emu);
  return { ...started, clock };
}

describe('the link during an outage (Confluent metrics docs: UNAVAILABLE after 5 minutes without reaching the source)', () => {
  it('shows ACTIVE for the first 5 minutes of an outage, with the lags of the last fetch, then UNAVAILABLE and SOURCE_UNAVAILABLE', async () => {
    const { west, clock } = await setup({ unavailableAfterMs: FIVE_MINUTES });
    emu.produce('north', 'orders', records(3), 0);
    clock.advance(FAST.replicationDelayMs);
    expect(emu.endOffsets('west', 'orders')[0]).toBe(3);
    await emu.setFault('north', { kind: 'unreachable' });
    const downAt = clock.now();
    const link = async () => (await west.get('/links/dr')).json;
    const mirror = async () => (await west.get('/links/dr/mirrors/orders')).json;

    clock.advance(FIVE_MINUTES - 1);
    expect([(await link()).link_state, (await link()).link_error]).toEqual(['ACTIVE', 'NO_ERROR']);
    const early = await mirror();
    expect(early.mirror_status).toBe('ACTIVE');
    expect(early.mirror_lags[0]).toEqual({ partition: 0, lag: 0, last_source_fetch_offset: 3 });

    clock.advance(1);
    const later = await link();
    expect([later.link_state, later.link_error]).toEqual(['UNAVAILABLE', 'BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR']);
    const shown = await mirror();
    expect(shown.mirror_status).toBe('SOURCE_UNAVAILABLE');
    expect(shown.state_time_ms).toBe(downAt + FIVE_MINUTES);
    expect(later.category_counts).toEqual([{ state_category: 'IN_ERROR', count: 1 }]);
  });

  it('accepts a promote in the first minutes of an outage and never completes it while the source is away; refuses it once the link shows the outage', async () => {
    const { west, clock } = await setup({ unavailableAfterMs: FIVE_MINUTES });
    await emu.setFault('north', { kind: 'unreachable' });
    clock.advance(60_000);
    const accepted = await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    expect(accepted.json.data[0].error_code).toBeNull();
    clock.advance(FIVE_MINUTES);
    expect(emu.mirrorState('west', 'dr', 'orders')!.status).toBe('PENDING_STOPPED');

    emu.createTopic('north', 'payments');
    await emu.setFault('north', null);
    emu.createMirror('west', 'dr', 'payments');
    await emu.setFault('north', { kind: 'unreachable' });
    clock.advance(FIVE_MINUTES);
    const refused = await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['payments'] });
    expect(refused.json.data[0]).toMatchObject({ error_code: 400, error_message: expect.stringContaining('use failover') });
    // failover needs no source, early or late
    expect(
      (await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders', 'payments'] })).json.data.map(
        (d: { error_code: unknown }) => d.error_code,
      ),
    ).toEqual([null, null]);
  });
});

describe('a misconfigured or paused link', () => {
  it('shows wrong credentials at once as UNAVAILABLE with link_error AUTHENTICATION_ERROR, its mirrors LINK_FAILED', async () => {
    const { west } = await setup({ unavailableAfterMs: FIVE_MINUTES });
    const r = await west.put('/links/dr/configs:alter', {
      data: [{ name: 'sasl.jaas.config', value: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="WRONG" password="wrong";' }],
    });
    expect(r.status).toBe(204);
    const link = (await west.get('/links/dr', { query: { include_tasks: true } })).json;
    expect([link.link_state, link.link_error]).toEqual(['UNAVAILABLE', 'AUTHENTICATION_ERROR']);
    expect(link.link_error_message).toContain('Authentication');
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('LINK_FAILED');
    expect(link.tasks.find((t: { task_name: string }) => t.task_name === 'TopicConfigsSync').state).toBe('LINK_FAILED');
  });

  it('cluster.link.paused=true shows link_state PAUSED and mirrors LINK_PAUSED, stops fetching, and resumes when set back', async () => {
    const { west, clock } = await setup();
    expect((await west.put('/links/dr/configs:alter', { data: [{ name: 'cluster.link.paused', value: 'true' }] })).status).toBe(204);
    const link = (await west.get('/links/dr')).json;
    expect([link.link_state, link.link_error]).toEqual(['PAUSED', 'NO_ERROR']);
    expect(link.category_counts).toEqual([{ state_category: 'PAUSED', count: 1 }]);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('LINK_PAUSED');
    emu.produce('north', 'orders', records(4), 1);
    clock.advance(10 * FAST.replicationDelayMs);
    expect(emu.endOffsets('west', 'orders')[1]).toBe(0);
    await west.put('/links/dr/configs:alter', { data: [{ name: 'cluster.link.paused', value: 'false' }] });
    clock.advance(FAST.replicationDelayMs);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('ACTIVE');
    expect(emu.endOffsets('west', 'orders')[1]).toBe(4);
  });

  it('answers entries of the verbs that truncate nothing with messages_truncated -1 (confluentinc/cli test server; the spec example shows null)', async () => {
    const { west } = await setup();
    const answer = (await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders', 'nope'] })).json.data;
    expect(answer.map((a: { messages_truncated: unknown }) => a.messages_truncated)).toEqual([-1, -1]);
  });
});
