import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { desiredFromInputs, desiredFromManifests, type DesiredObject } from '../../src/actions/swap-configmap/desired.js';
import { swap, SwapError, TARGET_LABEL, type SwapSettings } from '../../src/actions/swap-configmap/swap.js';
import { ActionError } from '../../src/core/errors.js';
import { connectKube, resolveKubeconfig, type KubeClients } from '../../src/core/kube/client.js';
import { configMapHash, envVarName, secretHash } from '../../src/core/kube/reloader.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { noProxyClients, proxyClients, reloaderEnv, secretClients, settled, until, WEST, writes } from '../verify-rollout/clients.js';
import { conflictProxy } from './conflict-proxy.js';
import { dropProxy, type DropDecision } from './drop-proxy.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const manifest = (name: string) => ({ path: `k8s/${name}`, text: readFileSync(join(fixtures, name), 'utf8') });
const quiet = { info: () => {}, warning: () => {}, debug: () => {} };

let kube: KubeEmulator;
let clients: KubeClients;
const warnings: string[] = [];
const masked: string[] = [];
const settings = (objects: DesiredObject[], more: Partial<SwapSettings> = {}): SwapSettings => ({
  objects,
  dryRun: false,
  logger: { ...quiet, warning: (m) => warnings.push(m) },
  mask: (v) => masked.push(v),
  ...more,
});
type Obj = { data?: Record<string, string>; metadata: { resourceVersion: string; labels?: Record<string, string> } };

beforeAll(async () => {
  kube = await startKube({ podReadyDelayMs: 20 });
  kube.apply([...proxyClients(), ...noProxyClients(), ...secretClients()]);
  await settled(kube, ['clients', 'nproxy-clients']);
  clients = await connectKube(resolveKubeconfig(kube.kubeconfigPath));
});
afterAll(async () => kube.close());
beforeEach(() => {
  kube.resetRequests();
  warnings.length = 0;
});

describe('swap against the Kubernetes emulator', () => {
  it('proxy clients: rewrites kafka-proxy-config in place; Reloader rolls producer and consumer with the hash we report', async () => {
    const before = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
    const result = await swap(clients, settings(desiredFromManifests([manifest('kafka-proxy-configmap.yaml')], WEST), { target: 'west' }));
    const [o] = result.objects;
    const after = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
    expect(after.data).toEqual({
      BOOTSTRAP_SERVER_MAPPING: 'west.kafka.local:9092,0.0.0.0:32400',
      SASL_USERNAME: WEST.CCLOUD_APIKEY,
      SASL_PASSWORD: WEST.CCLOUD_PASSWD,
      TLS_ENABLE: 'true',
    });
    expect(after.metadata.labels?.[TARGET_LABEL]).toBe('west');
    expect(o).toMatchObject({ changed: true, written: true, hash: configMapHash(after), previousHash: configMapHash(before), target: 'west', conflicts: 0 });
    expect(o.previousTarget).toBeUndefined();
    expect(o.workloads?.map((w) => `${w.kind}/${w.name}/${w.match}`).sort()).toEqual([
      'Deployment/java-cloud-consumer/named',
      'Deployment/java-cloud-producer/named',
    ]);
    // In place: one read and one PUT of the object (never delete + create), then lists to pick workloads.
    expect(writes(kube)).toEqual(['PUT /api/v1/namespaces/clients/configmaps/kafka-proxy-config 200']);
    // The emulator's Reloader computed the same hash and rolled both Deployments with it.
    const env = envVarName('kafka-proxy-config', 'CONFIGMAP');
    await until(
      () => ['java-cloud-producer', 'java-cloud-consumer'].every((d) => reloaderEnv(kube, 'clients', d, env) !== undefined),
      'Reloader rolling both clients',
    );
    await settled(kube, ['clients']);
    expect(reloaderEnv(kube, 'clients', 'java-cloud-producer', env)).toBe(o.hash);
    expect(reloaderEnv(kube, 'clients', 'java-cloud-consumer', env)).toBe(o.hash);
    expect(warnings).toEqual([]);

    // Same data again: changed false, nothing written, the previous target reported.
    kube.resetRequests();
    const again = await swap(clients, settings(desiredFromManifests([manifest('kafka-proxy-configmap.yaml')], WEST), { target: 'west' }));
    expect(again.objects[0]).toMatchObject({ changed: false, written: false, hash: o.hash, previousHash: o.hash, previousTarget: 'west', workloads: [] });
    expect(writes(kube)).toEqual([]);
  });

  it("reports Reloader's hash of the data (the SHA-1 of its sorted, joined key=value entries) and, before, the hash of no data", async () => {
    kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vector', namespace: 'clients' }, data: {} });
    const result = await swap(
      clients,
      settings([
        desiredFromInputs(
          { kind: 'ConfigMap', name: 'vector', namespace: 'clients', data: 'bootstrap.servers: "kafka-dr-0:9092,kafka-dr-1:9092"\nsecurity.protocol: SSL' },
          {},
        ),
      ]),
    );
    expect(result.objects[0]).toMatchObject({ hash: '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5', previousHash: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' });
    expect(warnings.join('\n')).toContain('no workload in namespace clients will be rolled by Reloader for ConfigMap/clients/vector');
  });

  it('no-proxy clients: two ConfigMaps from one file; search/match and auto both select their Deployment', async () => {
    const result = await swap(clients, settings(desiredFromManifests([manifest('java-cloud-producer-noproxy-configmap.yaml')], WEST)));
    expect(result.objects.map((o) => [o.name, o.changed, o.workloads?.map((w) => `${w.name}/${w.match}`)])).toEqual([
      ['java-cloud-producer-noproxy-config', true, ['java-cloud-producer-noproxy/search']],
      ['java-cloud-consumer-noproxy-config', true, ['java-cloud-consumer-noproxy/auto']],
    ]);
    expect(result.objects[0].changedKeys).toEqual(['config.properties']);
    // The summary lines show the bootstrap change and hide both clusters' credentials.
    const lines = result.objects[0].changes[0].lines.join('\n');
    expect(lines).toContain('+ bootstrap.servers=west.kafka.local:9092');
    expect(lines).toContain('- bootstrap.servers=north.kafka.local:9092');
    expect(lines).not.toContain('PlainLoginModule');
  });

  it('a Secret holding the API key: stringData folded into data, Reloader hash of the decoded bytes, old values masked', async () => {
    const before = kube.get('Secret', 'clients', 'ccloud-api-key') as Obj;
    masked.length = 0;
    const result = await swap(clients, settings(desiredFromManifests([manifest('ccloud-api-key-secret.yaml')], WEST)));
    const after = kube.get('Secret', 'clients', 'ccloud-api-key') as Obj;
    expect(Buffer.from(after.data!.password, 'base64').toString()).toBe(WEST.CCLOUD_PASSWD);
    expect(result.objects[0]).toMatchObject({ changed: true, hash: secretHash(after), previousHash: secretHash(before) });
    expect(result.objects[0].workloads?.map((w) => w.name)).toEqual(['java-cloud-streams']);
    expect(masked).toContain(Buffer.from(before.data!.password, 'base64').toString());
    expect(result.objects[0].changes[0].lines[0]).toMatch(/^\(secret value: \d+ bytes → \d+ bytes\)$/);
  });

  it('dry run: the server validates (dryRun=All) and nothing changes', async () => {
    const before = kube.get('ConfigMap', 'nproxy-clients', 'java-cloud-consumer-noproxy-config') as Obj;
    const result = await swap(
      clients,
      settings(
        [desiredFromInputs({ kind: 'ConfigMap', name: 'java-cloud-consumer-noproxy-config', namespace: 'nproxy-clients', data: 'extra.key: "1"' }, {})],
        { dryRun: true, target: 'north' },
      ),
    );
    expect(result.objects[0]).toMatchObject({ changed: true, written: false });
    // The PUT was sent and accepted with dryRun=All, and the object is unchanged.
    const puts = kube.requests().filter((r) => r.method === 'PUT') as Array<{ path: string; status: number; query?: string }>;
    expect(puts.map((r) => `${r.path} ${r.status}`)).toEqual(['/api/v1/namespaces/nproxy-clients/configmaps/java-cloud-consumer-noproxy-config 200']);
    expect(new URLSearchParams(puts[0].query).get('dryRun')).toBe('All');
    expect(kube.get('ConfigMap', 'nproxy-clients', 'java-cloud-consumer-noproxy-config')).toEqual(before);
  });

  it('a concurrent writer (409): re-reads and applies the change on the fresh object, keeping the other write', async () => {
    const path = '/api/v1/namespaces/clients/configmaps/kafka-proxy-config';
    const proxy = await conflictProxy(
      kube,
      path,
      (n) => {
        const current = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
        kube.apply({ ...current, data: { ...current.data, [`OTHER_WRITER_${n}`]: 'kept' } });
      },
      2,
    );
    try {
      const viaProxy = await connectKube(resolveKubeconfig(proxy.kubeconfigPath));
      const result = await swap(
        viaProxy,
        settings([desiredFromInputs({ kind: 'ConfigMap', name: 'kafka-proxy-config', namespace: 'clients', data: 'TLS_ENABLE: "false"' }, {})]),
      );
      expect(result.objects[0].conflicts).toBe(2);
      const after = kube.get('ConfigMap', 'clients', 'kafka-proxy-config') as Obj;
      expect(after.data).toMatchObject({ TLS_ENABLE: 'false', OTHER_WRITER_1: 'kept', OTHER_WRITER_2: 'kept' });
      // Every PUT carried the version it was computed from: two refused, the third accepted.
      const log = kube
        .requests()
        .filter((r) => r.path.startsWith(path))
        .map((r) => `${r.method} ${r.status}`);
      expect(log.filter((l) => l.startsWith('PUT'))).toEqual(['PUT 409', 'PUT 409', 'PUT 200']);
      expect(log.filter((l) => l.startsWith('GET')).length).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.close();
    }
  });

  it('gives up after the bounded number of conflicts, saying who to look for', async () => {
    const path = '/api/v1/namespaces/clients/configmaps/java-cloud-producer-config';
    const proxy = await conflictProxy(
      kube,
      path,
      (n) => {
        const current = kube.get('ConfigMap', 'clients', 'java-cloud-producer-config') as Obj;
        kube.apply({ ...current, data: { ...current.data, busy: String(n) } });
      },
      99,
    );
    try {
      const viaProxy = await connectKube(resolveKubeconfig(proxy.kubeconfigPath));
      const err = await swap(
        viaProxy,
        settings([desiredFromInputs({ kind: 'ConfigMap', name: 'java-cloud-producer-config', namespace: 'clients', data: 'topic: payments' }, {})], {
          maxAttempts: 3,
        }),
      ).catch((e: ActionError) => e);
      expect((err as ActionError).describe()).toContain(
        'ConfigMap/clients/java-cloud-producer-config kept changing under us: 3 writes in a row answered 409 Conflict',
      );
      expect((kube.get('ConfigMap', 'clients', 'java-cloud-producer-config') as Obj).data).not.toHaveProperty('topic', 'payments');
    } finally {
      await proxy.close();
    }
  });

  describe('a write whose answer is lost is read back', () => {
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'clients' }, data: { URL: 'north:9092' } });
    const change = (name: string) => desiredFromInputs({ kind: 'ConfigMap', name, namespace: 'clients', data: 'URL: west:9092' }, {});
    const objectPath = (name: string) => `/api/v1/namespaces/clients/configmaps/${name}`;

    async function through(decide: (method: string, path: string) => DropDecision, objects: DesiredObject[], infos: string[] = []) {
      const proxy = await dropProxy(kube, decide);
      try {
        const viaProxy = await connectKube(resolveKubeconfig(proxy.kubeconfigPath));
        return await swap(viaProxy, settings(objects, { logger: { ...quiet, info: (m) => infos.push(m) } })).catch((e: unknown) => e);
      } finally {
        await proxy.close();
      }
    }

    it('the server applied it and the connection dropped: written, with one PUT', async () => {
      kube.apply(cm('lost-answer'));
      kube.resetRequests();
      const infos: string[] = [];
      const result = await through((m, p) => (m === 'PUT' && p === objectPath('lost-answer') ? 'applied' : 'pass'), [change('lost-answer')], infos);
      expect(result).not.toBeInstanceOf(Error);
      const after = kube.get('ConfigMap', 'clients', 'lost-answer') as Obj;
      expect(after.data).toEqual({ URL: 'west:9092' });
      expect((result as Awaited<ReturnType<typeof swap>>).objects[0]).toMatchObject({
        changed: true,
        written: true,
        state: 'written',
        hash: configMapHash(after),
      });
      expect(infos.join('\n')).toContain("ConfigMap/clients/lost-answer: the write's answer was lost");
      expect(infos.join('\n')).toContain('read it back: the server holds the new data, so the write was applied');
      expect(writes(kube)).toEqual([`PUT ${objectPath('lost-answer')} 200`]);
    });

    it('the second of two was not applied: the first is reported applied, the second as still holding its previous data', async () => {
      kube.apply([cm('lost-first'), cm('lost-second')]);
      const second = configMapHash(kube.get('ConfigMap', 'clients', 'lost-second') as Obj);
      const err = await through((m, p) => (m === 'PUT' && p === objectPath('lost-second') ? 'drop' : 'pass'), [change('lost-first'), change('lost-second')]);
      expect(err).toBeInstanceOf(SwapError);
      const e = err as SwapError;
      expect(e.describe()).toContain('read it back: it does not hold the new data, so the write was not applied');
      expect(e.describe()).toContain('already written: ConfigMap/clients/lost-first');
      expect(e.applied.objects.map((o) => [o.name, o.state])).toEqual([['lost-first', 'written']]);
      const first = configMapHash(kube.get('ConfigMap', 'clients', 'lost-first') as Obj);
      expect(e.objects).toEqual([
        { object: 'ConfigMap/clients/lost-first', state: 'written', now: { hash: first, target: undefined } },
        expect.objectContaining({ object: 'ConfigMap/clients/lost-second', state: 'failed', now: { hash: second, target: undefined } }),
      ]);
      expect((kube.get('ConfigMap', 'clients', 'lost-second') as Obj).data).toEqual({ URL: 'north:9092' });
    });

    it('reading it back fails too: the outcome is unknown, and said so', async () => {
      kube.apply(cm('lost-twice'));
      let reads = 0;
      const err = await through(
        (m, p) => (p !== objectPath('lost-twice') ? 'pass' : m === 'PUT' ? 'drop' : m === 'GET' && reads++ > 0 ? 'drop' : 'pass'),
        [change('lost-twice')],
      );
      expect(err).toBeInstanceOf(SwapError);
      expect((err as SwapError).describe()).toContain('reading it back failed too');
      expect((err as SwapError).describe()).toContain('whether the write was applied is unknown');
      expect((err as SwapError).objects).toEqual([expect.objectContaining({ object: 'ConfigMap/clients/lost-twice', state: 'unknown' })]);
    });

    it('a refusal (4xx) is not read back: nothing was stored', async () => {
      kube.apply(cm('refused'));
      kube.resetRequests();
      const desired = desiredFromInputs({ kind: 'ConfigMap', name: 'refused', namespace: 'clients', data: 'URL: west:9092' }, {});
      const err = await through(() => 'pass', [{ ...desired, labels: { 'bad label!': 'x' } }]);
      expect(err).toBeInstanceOf(SwapError);
      expect((err as SwapError).describe()).not.toContain('read it back');
      expect(kube.requests().filter((r) => r.path === objectPath('refused') && r.method === 'GET')).toHaveLength(1);
    });
  });

  describe('nothing is half-applied', () => {
    afterEach(() => expect(writes(kube)).toEqual([]));

    it('a missing object or namespace in the batch: the others are not written either', async () => {
      const objects = [
        desiredFromInputs({ kind: 'ConfigMap', name: 'java-cloud-producer-config', namespace: 'clients', data: 'a: "1"' }, {}),
        desiredFromInputs({ kind: 'ConfigMap', name: 'no-such-config', namespace: 'clients', data: 'a: "1"' }, {}),
        desiredFromInputs({ kind: 'Secret', name: 'ccloud-api-key', namespace: 'no-such-namespace', data: 'a: "1"' }, {}),
      ];
      const err = (await swap(clients, settings(objects)).catch((e: ActionError) => e)) as ActionError;
      expect(err.describe()).toContain('nothing was written');
      expect(err.describe()).toContain('ConfigMap no-such-config does not exist in namespace clients');
      expect(err.describe()).toContain('namespace no-such-namespace does not exist');
    });

    it('an immutable ConfigMap is refused with the way out', async () => {
      kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen', namespace: 'clients' }, data: { a: '1' }, immutable: true });
      kube.resetRequests();
      const err = (await swap(clients, settings([desiredFromInputs({ kind: 'ConfigMap', name: 'frozen', namespace: 'clients', data: 'a: "2"' }, {})])).catch(
        (e: ActionError) => e,
      )) as ActionError;
      expect(err.describe()).toContain('ConfigMap/clients/frozen is immutable (immutable: true), so its data cannot change in place');
    });

    it('a Secret type that differs from the existing one', async () => {
      const desired = desiredFromManifests(
        [
          {
            path: 's.yaml',
            text: 'apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata: {name: ccloud-api-key, namespace: clients}\nstringData: {username: x}\n',
          },
        ],
        {},
      );
      const err = (await swap(clients, settings(desired)).catch((e: ActionError) => e)) as ActionError;
      expect(err.describe()).toContain('has type Opaque but s.yaml says kubernetes.io/tls');
    });
  });
});
