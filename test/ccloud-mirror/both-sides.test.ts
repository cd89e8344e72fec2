import { afterEach, describe, expect, it } from '@jest/globals';
import { errorLines, findLeaks, runAction } from '../helpers/run-action.js';
import { actionInputs, drWorld, type DrWorld } from './fixture.js';

// ccloud-mirror with both sides of the link (the peer-* inputs), and the link's own trouble, as the bundled
// dist/ccloud-mirror/index.js runs on the runner, against the emulator over HTTP. The emulator shows an outage
// after the service's 5 minutes where a test says so (FIVE_MINUTES); otherwise at once (an outage long under way).
let world: DrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});
const FIVE_MINUTES = 300_000;

const inputsFor = (w: DrWorld, cluster: string, peer: string | undefined, more: Record<string, string> = {}) =>
  actionInputs(w, cluster, { timeout: '60s', ...more }, peer);

const secretsOf = (w: DrWorld) =>
  ['north', 'south'].flatMap((c) => {
    const { apiKey, apiSecret } = w.emulator.info(c);
    return [apiSecret, Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')];
  });
const changes = (w: DrWorld) => w.emulator.requests().filter((r) => r.method !== 'GET');

async function setLinkConfigs(w: DrWorld, cluster: string, configs: Record<string, string>): Promise<void> {
  const info = w.emulator.info(cluster);
  const res = await fetch(`${info.restEndpoint}/kafka/v3/clusters/${info.id}/links/${w.link}/configs:alter`, {
    method: 'PUT',
    headers: { authorization: `Basic ${Buffer.from(`${info.apiKey}:${info.apiSecret}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: Object.entries(configs).map(([name, value]) => ({ name, value })) }),
  });
  expect(res.status).toBe(204);
}

describe('the peer-* inputs: both sides of the link', () => {
  it('refuses a promote, sending nothing, when the source does not answer within request-timeout, even while the link still shows ACTIVE (the first 5 minutes of an outage)', async () => {
    world = await drWorld({ topics: ['orders'], unavailableAfterMs: FIVE_MINUTES });
    await world.emulator.setFault('north', { kind: 'unreachable', mode: 'hang' });
    world.emulator.resetRequests();
    const started = Date.now();
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', 'north', { operation: 'promote', 'request-timeout': '1s' }) });
    expect(run.code).toBe(1);
    // One request-timeout, not the 60s timeout: bounded whatever the machine's speed (a generous margin for start-up).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errorLines(run)[0]).toContain('cannot promote: the peer cluster lkc-north did not answer');
    expect(errorLines(run)[0]).toContain("use 'operation: failover'");
    expect(changes(world)).toEqual([]);
    expect(world.emulator.mirrorState('south', world.link, 'orders')?.status).toBe('ACTIVE');
    expect(findLeaks(run.everything, secretsOf(world))).toEqual([]);
  });

  it('without peer inputs, a promote accepted in the first minutes of an outage fails at once on its state transition error, not at the timeout, and says what was not checked', async () => {
    world = await drWorld({ topics: ['orders'], unavailableAfterMs: FIVE_MINUTES });
    await world.emulator.setFault('north', { kind: 'unreachable' });
    const started = Date.now();
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', undefined, { operation: 'promote' }) });
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(errorLines(run)[0]).toContain('state transition errors: INTERNAL_ERROR');
    expect(errorLines(run)[0]).not.toContain('timed out');
    expect(run.summary).toContain('Whether the peer cluster answers was not checked before promote');
  });

  it('after reverse-and-start-mirror, waits until the other side mirrors again (ACTIVE), and reports it', async () => {
    world = await drWorld({ topics: ['orders', 'payments'], bidirectional: true });
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', 'north', { operation: 'reverse-and-start-mirror' }) });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.outputs.result);
    expect(result.remote).toEqual({ clusterId: 'lkc-north', link: world.link, target: 'ACTIVE', reached: 2, failed: [] });
    expect(world.emulator.mirrorState('north', world.link, 'orders')?.status).toBe('ACTIVE');
    expect(run.outputs['rpo-basis']).toBe('none');
    expect(run.summary).toContain('Other side: 2 topic(s) ACTIVE on `lkc-north`');
    expect(findLeaks(run.everything, secretsOf(world))).toEqual([]);
  });

  it("says whether a failover's RPO was measured while the source answered, or is only a lower bound because it did not", async () => {
    world = await drWorld({ topics: ['orders'], replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }]);
    const live = await runAction('ccloud-mirror', {
      inputs: inputsFor(world, 'south', 'north', { operation: 'failover', 'dry-run': 'true' }),
    });
    expect(live.code).toBe(0);
    expect(live.outputs['rpo-basis']).toBe('measured');

    await world.emulator.setFault('north', { kind: 'unreachable' });
    const down = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', 'north', { operation: 'failover', 'request-timeout': '1s' }) });
    expect(down.code).toBe(0);
    expect(down.outputs['rpo-basis']).toBe('lower-bound');
    expect(down.outputs['total-lag']).toBe('2');
    expect(JSON.parse(down.outputs.result).rpo.text).toMatch(
      /^at least 2: the lag as of the link's last fetch from the source \(the source lkc-north did not answer at /,
    );
    expect(down.summary).toContain('**RPO**: at least 2');
    expect(world.emulator.mirrorState('south', world.link, 'orders')?.status).toBe('STOPPED');
  });

  it("without peer inputs, a failover's RPO is marked unchecked", async () => {
    world = await drWorld({ topics: ['orders'], replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'orders', [{ value: '1' }]);
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', undefined, { operation: 'failover' }) });
    expect(run.outputs['rpo-basis']).toBe('unchecked');
    expect(run.summary).toContain('whether the source still answered was not checked');
  });

  it('refuses half the peer inputs before any request', async () => {
    world = await drWorld({ topics: ['orders'] });
    world.emulator.resetRequests();
    const inputs = inputsFor(world, 'south', 'north', { operation: 'failover' });
    delete inputs['peer-api-secret'];
    const run = await runAction('ccloud-mirror', { inputs });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toContain("input 'peer-api-secret' is empty, but 'peer-rest-endpoint', 'peer-cluster-id', 'peer-api-key' are set");
    expect(world.emulator.requests()).toEqual([]);
  });
});

describe("the link's own trouble, before any verb", () => {
  it('refuses a promote on a link whose credentials were refused (UNAVAILABLE, AUTHENTICATION_ERROR), naming what it means; a failover still goes', async () => {
    world = await drWorld({ topics: ['orders'] });
    await setLinkConfigs(world, 'south', {
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="OLDKEY" password="rotated";',
    });
    world.emulator.resetRequests();
    const promote = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', undefined, { operation: 'promote' }) });
    expect(promote.code).toBe(1);
    expect(errorLines(promote)[0]).toContain('the link is UNAVAILABLE (AUTHENTICATION_ERROR');
    expect(errorLines(promote)[0]).toContain("the link's credentials for the other cluster were refused");
    expect(changes(world)).toEqual([]);
    const failover = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', undefined, { operation: 'failover' }) });
    expect(failover.code).toBe(0);
    expect(failover.outputs['rpo-basis']).toBe('lower-bound');
    expect(failover.summary).toContain('The link is UNAVAILABLE');
    expect(failover.summary).toContain('the lags shown are those of its last successful fetch');
  });

  it('refuses a reverse on a paused link (PAUSED, mirrors LINK_PAUSED) and says how to resume it', async () => {
    world = await drWorld({ topics: ['orders'], bidirectional: true });
    await setLinkConfigs(world, 'south', { 'cluster.link.paused': 'true' });
    world.emulator.resetRequests();
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', 'north', { operation: 'reverse-and-start-mirror' }) });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toContain('the link is PAUSED');
    expect(errorLines(run)[0]).toContain('cluster.link.paused=false');
    expect(changes(world)).toEqual([]);
  });
});

describe('consumer offset sync and ACL sync in view', () => {
  it('reports offset sync (interval, filters, the groups synced for the cut topics, the replay window) and ACL sync at a failover', async () => {
    world = await drWorld({ topics: ['orders', 'payments'] });
    await setLinkConfigs(world, 'south', {
      'consumer.offset.sync.enable': 'true',
      'consumer.offset.sync.ms': '1000',
      'consumer.offset.group.filters': JSON.stringify({ groupFilters: [{ name: 'billing', patternType: 'PREFIXED', filterType: 'INCLUDE' }] }),
      'acl.sync.enable': 'true',
      'acl.filters': JSON.stringify({ aclFilters: [] }),
    });
    world.emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }]);
    world.emulator.commitOffsets('north', 'billing-app', [{ topic: 'orders', partition: 0, offset: 1 }]);
    world.emulator.commitOffsets('north', 'audit', [{ topic: 'orders', partition: 0, offset: 1 }]);
    await new Promise((r) => setTimeout(r, 1200)); // one sync interval
    world.emulator.requests();
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', undefined, { operation: 'failover', 'mirror-topics': 'orders' }) });
    expect(run.code).toBe(0);
    const sync = JSON.parse(run.outputs.result).sync;
    expect(sync.offsets).toMatchObject({ enabled: true, intervalMs: 1000, groups: ['billing-app'], selected: 1, read: 1 });
    expect(sync.acls).toMatchObject({ enabled: true, intervalMs: 5000 });
    expect(run.summary).toContain('may re-read up to 1.0s of records');
  });

  it('warns that consumers start from auto.offset.reset when an active-passive failover runs with offset sync off', async () => {
    world = await drWorld({ topics: ['orders'] });
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', undefined, { operation: 'failover' }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::warning::Consumer offset sync is off on link dr-link');
    expect(run.summary).toContain('Consumer offset sync: **off**');
  });
});
