import { afterEach, describe, expect, it } from '@jest/globals';
import { DrillSession, type Pattern, type Style } from '../../src/playground/drill/index.js';
import { TEST_TIMING, workspace } from './helpers.js';

/**
 * The simulated clients against the Confluent and Kubernetes emulators, without any workflow: they read the
 * configuration their pod mounted, follow Reloader's rollouts, fail (and retry) like real clients.
 */
let session: DrillSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(style: Style, pattern: Pattern = 'active-passive'): Promise<DrillSession> {
  session = await DrillSession.start({ workspace, scenario: { pattern, style, mode: 'planned' }, timing: TEST_TIMING });
  await session.deployClients('north');
  return session;
}

/** Waits until `done()` or fails after `ms`. */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

/** The style's connection ConfigMap(s) rewritten for `cluster`, as swap-configmap would, with optional wrong credentials. */
function pointAt(s: DrillSession, cluster: string, credentialsOf = cluster): void {
  const { confluent, namespace } = s.topology;
  const kube = s.topology.emulator!;
  const target = confluent.info(cluster);
  const creds = confluent.info(credentialsOf);
  const names = s.scenario.style === 'proxy' ? ['kafka-proxy-config'] : ['java-cloud-producer-noproxy-config', 'java-cloud-consumer-noproxy-config'];
  for (const name of names) {
    const cm = kube.get('ConfigMap', namespace, name) as { data: Record<string, string> };
    const data = Object.fromEntries(
      Object.entries(cm.data).map(([k, v]) => [
        k,
        v
          .replace(/(north|west)\.kafka\.local:9092/g, target.bootstrap)
          .replace(confluent.info('north').appApiKey, creds.appApiKey)
          .replace(confluent.info('north').appApiSecret, creds.appApiSecret),
      ]),
    );
    kube.apply({ ...cm, data });
  }
}

describe('simulated clients', () => {
  it('proxy clients reach north through their sidecar; consumers share the partitions; no record is seen twice while nothing moves', async () => {
    const s = await start('proxy');
    expect(
      s.fleet
        .live()
        .map((p) => `${p.role}@${p.cluster}/${p.connection?.via}`)
        .sort(),
    ).toEqual(['consumer@north/proxy', 'consumer@north/proxy', 'producer@north/proxy', 'producer@north/proxy']);
    await s.startTraffic();
    await sleep(500);
    await s.fleet.stopUsers();
    await until(() => [...s.ledger.acks.keys()].every((k) => s.ledger.timesSeen(k) === 1));
    const acks = [...s.ledger.acks.values()];
    expect(acks.length).toBeGreaterThan(20);
    expect(new Set(acks.map((a) => a.cluster))).toEqual(new Set(['north']));
    // Both producer pods served the users (the service's endpoints), and each consumer owned some partitions.
    expect(new Set(acks.map((a) => a.pod)).size).toBe(2);
    const byConsumer = new Map<string, Set<number>>();
    for (const d of s.ledger.deliveries) byConsumer.set(d.pod, (byConsumer.get(d.pod) ?? new Set()).add(d.partition));
    expect(byConsumer.size).toBe(2);
    const [a, b] = [...byConsumer.values()];
    expect([...a].filter((p) => b.has(p))).toEqual([]);
    expect(s.ledger.duplicates()).toBe(0);
    // Committed offsets on north are the consumers' positions: the log ends.
    const committed = s.topology.confluent.committedOffsets('north', 'java-cloud-consumer');
    expect(committed.map((c) => c.offset).reduce((x, y) => x + y, 0)).toBe(acks.length);
  });

  it('an unreachable cluster gives producers errors, not acknowledgements; the users retry and nothing is acknowledged twice', async () => {
    const s = await start('noproxy');
    await s.startTraffic();
    const { at } = await s.outage('north');
    await sleep(300);
    const during = [...s.ledger.acks.values()].filter((a) => a.at > at);
    expect(during).toEqual([]);
    const errors = s.ledger.errors.filter((e) => e.at >= at && e.cluster === 'north');
    expect(errors.map((e) => e.role)).toEqual(expect.arrayContaining(['producer', 'consumer']));
    expect(errors.find((e) => e.role === 'producer')!.message).toMatch(/north.*unreachable/);
    await s.recover('north');
    await until(() => [...s.ledger.acks.values()].some((a) => a.at > at));
    await s.fleet.stopUsers();
    // Each user's numbers are contiguous: a record that failed was retried until acknowledged, never skipped.
    for (let user = 0; user < TEST_TIMING.users; user++) {
      const seqs = [...s.ledger.acks.values()]
        .filter((a) => a.key.startsWith(`${user}:`))
        .map((a) => Number(a.key.split(':')[1]))
        .sort((x, y) => x - y);
      expect(seqs).toEqual(seqs.map((_, i) => i));
    }
  });

  it('a ConfigMap change rolls the clients through Reloader; new pods read the new cluster when they start, deleted ones stop', async () => {
    // Active-active: west's own topic is writable, so moving only the clients is a complete switch.
    const s = await start('noproxy', 'active-active');
    await s.startTraffic();
    const old = s.fleet.live().map((p) => p.name);
    const changedAt = Date.now();
    pointAt(s, 'west');
    await until(() => s.fleet.live().length === 4 && s.fleet.live().every((p) => p.cluster === 'west' && p.readyAt !== undefined && !old.includes(p.name)));
    await until(() => [...s.ledger.acks.values()].some((a) => a.cluster === 'west'));
    // The old pods stopped when deleted: no delivery to them afterwards, no acknowledgement through them.
    for (const pod of s.fleet.pods.filter((p) => old.includes(p.name))) {
      expect(pod.deletedAt).toBeGreaterThan(changedAt);
      expect(s.ledger.deliveries.filter((d) => d.pod === pod.name && d.at > pod.deletedAt!)).toEqual([]);
      expect([...s.ledger.acks.values()].filter((a) => a.pod === pod.name && a.at > pod.deletedAt!)).toEqual([]);
    }
    // Nothing was written to west by a pod that started before the change, and the consumers on west read
    // both west's topic and north's prefixed mirror.
    expect([...s.ledger.acks.values()].filter((a) => a.cluster === 'west' && old.includes(a.pod))).toEqual([]);
    await until(() => new Set(s.ledger.deliveries.filter((d) => d.cluster === 'west').map((d) => d.topic)).size === 2);
    expect([...new Set(s.ledger.deliveries.filter((d) => d.cluster === 'west').map((d) => d.topic))].sort()).toEqual(['north-np-orders', 'np-orders']);
  });

  it("a pod started with another cluster's credentials fails SASL and writes nothing; the message carries no secret", async () => {
    const s = await start('proxy');
    await s.startTraffic();
    pointAt(s, 'north', 'west');
    await until(() => s.fleet.live().length === 4 && s.fleet.live().every((p) => p.problem));
    const problems = new Set(s.fleet.live().map((p) => p.problem));
    expect([...problems]).toEqual(["SASL authentication failed on cluster north: the configured API key/secret are not north's"]);
    const since = Date.now();
    await sleep(200);
    expect([...s.ledger.acks.values()].filter((a) => a.at > since)).toEqual([]);
    const shown = JSON.stringify(s.ledger.errors);
    for (const secret of s.topology.secretValues) expect(shown).not.toContain(secret);
  });
});
