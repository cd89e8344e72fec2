import { afterEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator, DataPlane, MirrorLag, MirrorRef } from '../../src/playground/confluent/index.js';
import { ManualClock, bidirectional, twoClusters } from './rest.js';

// A data plane outside the emulator (real Kafka in the real tier, src/playground/real/kafka/bridge.ts): here a
// scripted one, to pin down what the emulator asks of it and what the REST API then shows.
let emu: ConfluentEmulator;
afterEach(() => emu?.close());

class ScriptedPlane implements DataPlane {
  readonly asked: string[] = [];
  answer: 'done' | 'pending' | { error: string } = 'pending';
  measured: MirrorLag[] | undefined = [
    { partition: 0, lag: 7, last_source_fetch_offset: 40 },
    { partition: 1, lag: 0, last_source_fetch_offset: 12 },
  ];
  lags(mirror: MirrorRef): MirrorLag[] | undefined {
    return mirror.topic === 'orders' ? this.measured : undefined;
  }
  apply(mirror: MirrorRef, verb: string) {
    this.asked.push(`${verb} ${mirror.cluster}/${mirror.link}/${mirror.topic}`);
    return this.answer;
  }
}

async function setup() {
  const clock = new ManualClock();
  const started = await twoClusters({ clock });
  emu = started.emu;
  bidirectional(emu, ['orders'], 2);
  const plane = new ScriptedPlane();
  emu.useDataPlane(plane);
  return { ...started, clock, plane };
}

describe('an external data plane under the links', () => {
  it("serves the data plane's measured lags in the listing, the mirror and the alter answer; its own while the plane has none", async () => {
    const { west, plane } = await setup();
    expect((await west.get('/links/dr/mirrors')).json.data[0].mirror_lags).toEqual(plane.measured);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_lags).toEqual(plane.measured);
    const answer = await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    expect(answer.json.data[0].mirror_lags).toEqual(plane.measured);
    plane.measured = undefined;
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_lags).toEqual([
      { partition: 0, lag: 0, last_source_fetch_offset: 0 },
      { partition: 1, lag: 0, last_source_fetch_offset: 0 },
    ]);
  });

  it('keeps a failover PENDING_STOPPED until the data plane has stopped the mirror, asking again each transition, then STOPPED with no lag', async () => {
    const { west, clock, plane } = await setup();
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    for (let i = 0; i < 3; i++) {
      clock.advance(30);
      expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('PENDING_STOPPED');
    }
    expect(plane.asked).toEqual(['failover west/dr/orders', 'failover west/dr/orders', 'failover west/dr/orders']);
    plane.answer = 'done';
    clock.advance(30);
    const stopped = (await west.get('/links/dr/mirrors/orders')).json;
    expect(stopped.mirror_status).toBe('STOPPED');
    expect(stopped.mirror_lags).toEqual([
      { partition: 0, lag: 0, last_source_fetch_offset: -1 },
      { partition: 1, lag: 0, last_source_fetch_offset: -1 },
    ]);
  });

  it("fails the change back to ACTIVE with the data plane's reason as a state transition error when it cannot stop the mirror", async () => {
    const { west, clock, plane } = await setup();
    plane.answer = { error: 'promote is not available on this data plane' };
    await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    const mirror = (await west.get('/links/dr/mirrors/orders', { query: { include_state_transition_errors: 'true' } })).json;
    expect(mirror.mirror_status).toBe('ACTIVE');
    expect(mirror.mirror_state_transition_errors).toEqual([{ error_code: 'INTERNAL_ERROR', error_message: 'promote is not available on this data plane' }]);
    expect(plane.asked).toEqual(['promote west/dr/orders']);
  });

  it('asks the data plane for pause and resume too, and leaves a mirror it refused as it was', async () => {
    const { west, clock, plane } = await setup();
    plane.answer = { error: 'pause is not available on this data plane' };
    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('ACTIVE');
    plane.answer = 'done';
    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('PAUSED');
    expect(plane.asked).toEqual(['pause west/dr/orders', 'pause west/dr/orders']);
  });

  it('takes one data plane only', async () => {
    await setup();
    expect(() => emu.useDataPlane(new ScriptedPlane())).toThrow('already has a data plane');
  });
});
