import { rolloutStatus } from '../../../src/actions/verify-rollout/rollout-status.js';
import type { Workload } from '../../../src/core/kube/workload.js';
import { apiCall, send, type ApiTarget } from '../../../src/playground/real/kube/http.js';
import { runCommand } from '../fixture.js';

/**
 * One corpus of API interactions, run the same way against the Kubernetes emulator and the real API server.
 * Each case works in its own namespace (`diff-<case>`) and records what it saw, step by step; the test
 * normalizes both recordings and compares them. Steps wait for controllers to settle before they record, so
 * what is compared is what the servers decide, not how fast their controllers run.
 */

export interface Target {
  name: 'emulator' | 'real';
  api: ApiTarget;
  kubeconfigPath: string;
  /** The built kubectl (the same binary against both). */
  kubectl: string;
}

/** Records one step's observation under a label. */
export type Record_ = (step: string, value: unknown) => void;

export interface Case {
  name: string;
  run(t: Target, record: Record_): Promise<void>;
}

type J = Record<string, unknown>;

/** Status and body (JSON when it is JSON). */
export async function call(t: Target, method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: unknown }> {
  const answer = await apiCall(t.api, method, path, body === undefined ? {} : { body, contentType: contentType ?? 'application/json' });
  return { status: answer.status, body: answer.json ?? answer.text };
}

export async function ok(t: Target, method: string, path: string, body?: unknown, contentType?: string): Promise<J> {
  const answer = await call(t, method, path, body, contentType);
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`${t.name}: ${method} ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body as J;
}

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cms = (n: string) => `/api/v1/namespaces/${n}/configmaps`;
const secrets = (n: string) => `/api/v1/namespaces/${n}/secrets`;
const deployments = (n: string) => `/apis/apps/v1/namespaces/${n}/deployments`;
const rv = (o: J) => (o.metadata as { resourceVersion: string }).resourceVersion;

/**
 * Creates the namespace. On the real server it is ready once the root CA publisher has put kube-root-ca.crt in it
 * (asynchronously, after the create): waiting for that keeps a case's lists from depending on how fast that
 * controller runs. The emulator has no such controller (known-differences.json says why).
 */
async function namespace(t: Target, name: string): Promise<void> {
  await ok(t, 'POST', '/api/v1/namespaces', ns(name));
  if (t.name === 'real')
    await until(`${t.name}: kube-root-ca.crt in namespace ${name}`, async () =>
      (await call(t, 'GET', `${cms(name)}/kube-root-ca.crt`)).status === 200 ? true : undefined,
    );
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the Deployment rolled out by kubectl's rules, and its ReplicaSets and pods agree (no pod terminating). */
export async function settled(t: Target, namespace: string, name: string): Promise<J> {
  return until(`${t.name}: Deployment ${namespace}/${name} to roll out`, async () => {
    const d = await ok(t, 'GET', `${deployments(namespace)}/${name}`);
    const status = rolloutStatus('Deployment', d as unknown as Workload);
    if (!status.done || status.error) return undefined;
    const pods = (await ok(t, 'GET', `/api/v1/namespaces/${namespace}/pods`)).items as J[];
    const replicas = (d.spec as { replicas: number }).replicas;
    if (pods.length !== replicas) return undefined;
    const rss = (await ok(t, 'GET', `/apis/apps/v1/namespaces/${namespace}/replicasets`)).items as J[];
    const surplus = rss.some((rs) => {
      const s = (rs.status ?? {}) as { replicas?: number };
      const spec = rs.spec as { replicas?: number };
      return (s.replicas ?? 0) !== (spec.replicas ?? 0);
    });
    return surplus ? undefined : d;
  });
}

/** A watch: the HTTP status and the events received until `count` arrived or `ms` passed. */
async function watch(t: Target, path: string, count: number, ms = 10_000): Promise<{ status: number; events: J[]; body?: unknown }> {
  const res = await send(t.api, 'GET', path);
  const status = res.statusCode ?? 0;
  const events: J[] = [];
  let buffered = '';
  if (status !== 200) {
    for await (const chunk of res) buffered += (chunk as Buffer).toString('utf8');
    let body: unknown = buffered;
    try {
      body = JSON.parse(buffered);
    } catch {
      // not JSON
    }
    return { status, events, body };
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      res.destroy();
      resolve();
    }, ms);
    res.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) events.push(JSON.parse(line) as J);
        if (events.length >= count) {
          clearTimeout(timer);
          res.destroy();
          resolve();
        }
      }
    });
    res.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    res.on('error', () => resolve());
  });
  return { status, events };
}

const configMap = (namespace: string, name: string, extra: J = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...((extra.metadata as J | undefined) ?? {}) },
  data: { a: '1' },
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'metadata')),
});

function deployment(namespace: string, name: string, replicas = 2): J {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: `registry.local/${name}:1.0`, env: [{ name: 'MODE', value: 'one' }] }], terminationGracePeriodSeconds: 0 },
      },
    },
  };
}

/** The fields of a Deployment's rollout that the corpus compares. */
function rolloutView(d: J): J {
  const meta = d.metadata as J;
  return { generation: meta.generation, annotations: meta.annotations, status: d.status };
}

export const CORPUS: Case[] = [
  {
    name: 'namespace',
    async run(t, record) {
      record('create', await call(t, 'POST', '/api/v1/namespaces', ns('diff-namespace')));
      record('get', await call(t, 'GET', '/api/v1/namespaces/diff-namespace'));
      record('create again', await call(t, 'POST', '/api/v1/namespaces', ns('diff-namespace')));
      record('get missing', await call(t, 'GET', '/api/v1/namespaces/diff-no-such-namespace'));
      record('create in a missing namespace', await call(t, 'POST', cms('diff-no-such-namespace'), configMap('diff-no-such-namespace', 'x')));
    },
  },
  {
    name: 'get',
    async run(t, record) {
      const n = 'diff-get';
      await namespace(t, n);
      record(
        'create',
        await call(
          t,
          'POST',
          cms(n),
          configMap(n, 'settings', {
            metadata: { labels: { tier: 'front' }, annotations: { note: 'x' } },
            data: { a: '1', b: 'two' },
            binaryData: { bin: 'AAEC' },
          }),
        ),
      );
      record('get', await call(t, 'GET', `${cms(n)}/settings`));
      record('get missing', await call(t, 'GET', `${cms(n)}/nope`));
      record(
        'create secret with stringData',
        await call(t, 'POST', secrets(n), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'key', namespace: n }, stringData: { password: 'p@ss' } }),
      );
      record('get secret', await call(t, 'GET', `${secrets(n)}/key`));
      record('get deployment missing', await call(t, 'GET', `${deployments(n)}/nope`));
    },
  },
  {
    name: 'list-selectors',
    async run(t, record) {
      const n = 'diff-list';
      await namespace(t, n);
      for (const [name, labels] of [
        ['a', { tier: 'front', app: 'x' }],
        ['b', { tier: 'back' }],
        ['c', { tier: 'front', env: 'prod' }],
      ] as const) {
        await ok(t, 'POST', cms(n), configMap(n, name, { metadata: { labels } }));
      }
      const list = async (query: string) => {
        const answer = await call(t, 'GET', `${cms(n)}?${query}`);
        const body = answer.body as J;
        return { status: answer.status, body: Array.isArray(body.items) ? { ...body, items: (body.items as J[]).map((i) => (i.metadata as J).name) } : body };
      };
      record('label equality', await list('labelSelector=tier%3Dfront'));
      record('label set-based', await list(`labelSelector=${encodeURIComponent('tier in (front,back),env!=prod')}`));
      record('label not exists', await list(`labelSelector=${encodeURIComponent('!env,tier')}`));
      record('field name', await list('fieldSelector=metadata.name%3Db'));
      record('field name not', await list(`fieldSelector=${encodeURIComponent('metadata.name!=b')}&labelSelector=tier`));
      record('label and field', await list(`labelSelector=tier%3Dfront&fieldSelector=${encodeURIComponent('metadata.name!=a')}`));
      record('limit and continue', await list('labelSelector=tier&limit=2'));
      record('everything', await list(''));
      record('bad label selector', await call(t, 'GET', `${cms(n)}?labelSelector=${encodeURIComponent('tier in front')}`));
      record('unsupported field', await call(t, 'GET', `${cms(n)}?fieldSelector=${encodeURIComponent('data.a=1')}`));
      const everywhere = await call(t, 'GET', '/api/v1/configmaps?labelSelector=env%3Dprod');
      record('all namespaces with label', {
        status: everywhere.status,
        items: ((everywhere.body as J).items as J[]).map((i) => `${(i.metadata as J).namespace}/${(i.metadata as J).name}`),
      });
    },
  },
  {
    name: 'patch',
    async run(t, record) {
      const n = 'diff-patch';
      await namespace(t, n);
      await ok(t, 'POST', cms(n), configMap(n, 'p', { metadata: { labels: { x: 'y' } }, data: { a: '1', b: '2' } }));
      const path = `${cms(n)}/p`;
      record('merge', await call(t, 'PATCH', path, { data: { b: null, c: '3' }, metadata: { labels: { x: 'z' } } }, 'application/merge-patch+json'));
      record(
        'strategic',
        await call(t, 'PATCH', path, { data: { d: '4' }, metadata: { labels: { x: null, y: '1' } } }, 'application/strategic-merge-patch+json'),
      );
      record(
        'json patch',
        await call(
          t,
          'PATCH',
          path,
          [
            { op: 'add', path: '/data/e', value: '5' },
            { op: 'remove', path: '/data/a' },
            { op: 'replace', path: '/metadata/labels/y', value: '2' },
          ],
          'application/json-patch+json',
        ),
      );
      record('json patch failing test', await call(t, 'PATCH', path, [{ op: 'test', path: '/data/e', value: 'nope' }], 'application/json-patch+json'));
      record('json patch missing path', await call(t, 'PATCH', path, [{ op: 'remove', path: '/data/zzz' }], 'application/json-patch+json'));
      record('json patch not a list', await call(t, 'PATCH', path, { op: 'remove' }, 'application/json-patch+json'));
      record('unsupported patch type', await call(t, 'PATCH', path, { data: {} }, 'application/x-patch'));
      await ok(t, 'POST', cms(n), configMap(n, 'fin', { metadata: { finalizers: ['example.com/a', 'example.com/b'] } }));
      const fin = await call(
        t,
        'PATCH',
        `${cms(n)}/fin`,
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'], finalizers: ['example.com/c'] } },
        'application/strategic-merge-patch+json',
      );
      record('strategic primitive list', { status: fin.status, finalizers: ((fin.body as J).metadata as J).finalizers });
      record('merge patch on a missing object', await call(t, 'PATCH', `${cms(n)}/missing`, { data: { a: '1' } }, 'application/merge-patch+json'));

      // Strategic merge on a Deployment's containers (merged by name) against plain merge (replaced whole).
      await ok(t, 'POST', deployments(n), deployment(n, 'web', 1));
      await settled(t, n, 'web');
      const dpath = `${deployments(n)}/web`;
      const containers = (answer: { status: number; body: unknown }) => ({
        status: answer.status,
        generation: ((answer.body as J).metadata as J | undefined)?.generation,
        containers: (((answer.body as J).spec as J | undefined)?.template as { spec?: { containers?: unknown } } | undefined)?.spec?.containers,
      });
      record(
        'strategic containers',
        containers(
          await call(
            t,
            'PATCH',
            dpath,
            {
              spec: {
                template: {
                  spec: {
                    containers: [
                      { name: 'app', env: [{ name: 'EXTRA', value: '1' }] },
                      { name: 'sidecar', image: 'registry.local/sidecar:2' },
                    ],
                  },
                },
              },
            },
            'application/strategic-merge-patch+json',
          ),
        ),
      );
      await settled(t, n, 'web');
      record(
        'strategic delete directive',
        containers(
          await call(
            t,
            'PATCH',
            dpath,
            { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
            'application/strategic-merge-patch+json',
          ),
        ),
      );
      await settled(t, n, 'web');
      record(
        'strategic order of merged items',
        containers(
          await call(
            t,
            'PATCH',
            dpath,
            {
              spec: {
                template: {
                  spec: {
                    containers: [
                      {
                        name: 'app',
                        env: [
                          { name: 'NEW', value: 'x' },
                          { name: 'EXTRA', value: '2' },
                        ],
                      },
                    ],
                  },
                },
              },
            },
            'application/strategic-merge-patch+json',
          ),
        ),
      );
      await settled(t, n, 'web');
      record(
        'merge containers',
        containers(
          await call(
            t,
            'PATCH',
            dpath,
            { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/web:2.0' }] } } } },
            'application/merge-patch+json',
          ),
        ),
      );
      await settled(t, n, 'web');

      // Server-side apply.
      const apply = (manager: string | undefined, body: J, force = false) =>
        call(t, 'PATCH', `${cms(n)}/applied?${manager ? `fieldManager=${manager}` : ''}${force ? '&force=true' : ''}`, body, 'application/apply-patch+yaml');
      record('apply creates', await apply('alice', configMap(n, 'applied', { data: { owner: 'alice' } })));
      record('apply again, changed', await apply('alice', configMap(n, 'applied', { data: { owner: 'alice', more: 'x' } })));
      record('apply conflicting', await apply('bob', configMap(n, 'applied', { data: { owner: 'bob' } })));
      record('apply forced', await apply('bob', configMap(n, 'applied', { data: { owner: 'bob' } }), true));
      record('apply without fieldManager', await apply(undefined, configMap(n, 'applied', { data: { owner: 'carol' } })));
    },
  },
  {
    name: 'dry-run',
    async run(t, record) {
      const n = 'diff-dry-run';
      await namespace(t, n);
      record('create', await call(t, 'POST', `${cms(n)}?dryRun=All`, configMap(n, 'ghost')));
      record('get after create', await call(t, 'GET', `${cms(n)}/ghost`));
      const real = await ok(t, 'POST', cms(n), configMap(n, 'kept'));
      record('update', await call(t, 'PUT', `${cms(n)}/kept?dryRun=All`, { ...real, data: { a: 'changed' } }));
      record('patch', await call(t, 'PATCH', `${cms(n)}/kept?dryRun=All`, { data: { b: 'new' } }, 'application/merge-patch+json'));
      record('get after update and patch', await call(t, 'GET', `${cms(n)}/kept`));
      record('delete', await call(t, 'DELETE', `${cms(n)}/kept?dryRun=All`));
      record('get after delete', await call(t, 'GET', `${cms(n)}/kept`));
      record('bad value', await call(t, 'POST', `${cms(n)}?dryRun=Yes`, configMap(n, 'ghost')));
      record('deployment create', await call(t, 'POST', `${deployments(n)}?dryRun=All`, deployment(n, 'web')));
    },
  },
  {
    name: 'watch',
    async run(t, record) {
      const n = 'diff-watch';
      await namespace(t, n);
      const created = await ok(t, 'POST', cms(n), configMap(n, 'w', { metadata: { labels: { app: 'w' } } }));
      const from = rv(created);
      const second = await ok(t, 'PUT', `${cms(n)}/w`, { ...created, data: { a: '2' } });
      await ok(t, 'PUT', `${cms(n)}/w`, { ...second, data: { a: '3' } });
      await ok(t, 'PATCH', `${cms(n)}/w`, { metadata: { labels: { app: 'other' } } }, 'application/merge-patch+json');
      await ok(t, 'DELETE', `${cms(n)}/w`);
      const types = (w: { status: number; events: J[] }) => ({ status: w.status, events: w.events.map((e) => ({ type: e.type, object: e.object })) });
      // By name: on the real server the root CA publisher adds kube-root-ca.crt to the namespace at any moment.
      record('all events from a resourceVersion', types(await watch(t, `${cms(n)}?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dw`, 4)));
      record('with a label selector', types(await watch(t, `${cms(n)}?watch=true&resourceVersion=${from}&labelSelector=app%3Dw`, 3)));
      await ok(t, 'POST', cms(n), configMap(n, 'x', { metadata: { labels: { app: 'x' } } }));
      record('from 0: the current objects as ADDED', types(await watch(t, `${cms(n)}?watch=true&resourceVersion=0&labelSelector=app%3Dx`, 1)));
      record('bad resourceVersion', await watch(t, `${cms(n)}?watch=true&resourceVersion=abc`, 1, 2000));
    },
  },
  {
    name: 'watch-gone',
    async run(t, record) {
      const n = 'diff-watch-gone';
      await namespace(t, n);
      // Enough Secret writes that their first resourceVersion is gone: the emulator keeps a short history per type
      // (eventHistory), the real server has no watch cache for Secrets in this suite (--watch-cache-sizes=secrets#0)
      // and compacts etcd every few seconds (--etcd-compaction-interval), so a watch from there reaches etcd's compaction.
      const first = await ok(t, 'POST', secrets(n), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'churn', namespace: n }, data: { a: 'MA==' } });
      let current = first;
      for (let i = 0; i < 30; i++) current = await ok(t, 'PUT', `${secrets(n)}/churn`, { ...current, data: { a: Buffer.from(String(i)).toString('base64') } });
      const old = rv(first);
      const answer = await until(`${t.name}: resourceVersion ${old} to be compacted away`, async () => {
        const w = await watch(t, `${secrets(n)}?watch=true&resourceVersion=${old}`, 1, 3000);
        return w.status !== 200 || w.events[0]?.type === 'ERROR' ? w : undefined;
      });
      record('watch from a compacted resourceVersion', { status: answer.status, events: answer.events, body: answer.body });
    },
  },
  {
    name: 'conflict',
    async run(t, record) {
      const n = 'diff-conflict';
      await namespace(t, n);
      const first = await ok(t, 'POST', cms(n), configMap(n, 'c'));
      await ok(t, 'PUT', `${cms(n)}/c`, { ...first, data: { a: '2' } });
      record('stale update', await call(t, 'PUT', `${cms(n)}/c`, { ...first, data: { a: '3' } }));
      record('create existing', await call(t, 'POST', cms(n), configMap(n, 'c')));
      record(
        'delete with a stale precondition',
        await call(t, 'DELETE', `${cms(n)}/c`, { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: rv(first) } }),
      );
      record('update of a missing object', await call(t, 'PUT', `${cms(n)}/none`, configMap(n, 'none')));
      record('name mismatch', await call(t, 'PUT', `${cms(n)}/c`, configMap(n, 'other')));
    },
  },
  {
    name: 'immutable',
    async run(t, record) {
      const n = 'diff-immutable';
      await namespace(t, n);
      const cm = await ok(t, 'POST', cms(n), configMap(n, 'frozen', { immutable: true }));
      record('change data', await call(t, 'PUT', `${cms(n)}/frozen`, { ...cm, data: { a: '2' } }));
      record('make mutable', await call(t, 'PUT', `${cms(n)}/frozen`, { ...cm, immutable: false }));
      record('change labels only', await call(t, 'PUT', `${cms(n)}/frozen`, { ...cm, metadata: { ...(cm.metadata as J), labels: { l: '1' } } }));
      const secret = await ok(t, 'POST', secrets(n), {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sealed', namespace: n },
        immutable: true,
        data: { k: 'djE=' },
      });
      record('secret change data', await call(t, 'PATCH', `${secrets(n)}/sealed`, { data: { k: 'djI=' } }, 'application/merge-patch+json'));
      record('secret change type', await call(t, 'PUT', `${secrets(n)}/sealed`, { ...secret, type: 'kubernetes.io/tls' }));
      record('delete', await call(t, 'DELETE', `${cms(n)}/frozen`));
    },
  },
  {
    name: 'validation',
    async run(t, record) {
      const n = 'diff-validation';
      await namespace(t, n);
      record('bad name', await call(t, 'POST', cms(n), configMap(n, 'Bad_Name')));
      record('bad data key', await call(t, 'POST', cms(n), { ...configMap(n, 'keys'), data: { 'a b': '1' } }));
      record('bad label value', await call(t, 'POST', cms(n), configMap(n, 'labels', { metadata: { labels: { tier: 'not ok!' } } })));
      record(
        'secret not base64',
        await call(t, 'POST', secrets(n), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: n }, data: { k: 'not base64!' } }),
      );
      const d = deployment(n, 'web');
      record(
        'selector does not match',
        await call(t, 'POST', deployments(n), { ...d, spec: { ...(d.spec as J), selector: { matchLabels: { app: 'other' } } } }),
      );
      record(
        'no containers',
        await call(t, 'POST', deployments(n), {
          ...d,
          spec: { ...(d.spec as J), template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
        }),
      );
      record(
        'several problems',
        await call(t, 'POST', deployments(n), {
          ...d,
          metadata: { name: 'web', namespace: n },
          spec: { ...(d.spec as J), replicas: -1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } },
        }),
      );
      record('kind mismatch', await call(t, 'POST', cms(n), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k', namespace: n } }));
      record('not JSON', await call(t, 'POST', cms(n), '{not json', 'application/json'));
      await ok(t, 'POST', deployments(n), d);
      record(
        'selector is immutable',
        await call(t, 'PATCH', `${deployments(n)}/web`, { spec: { selector: { matchLabels: { app: 'web', v: '2' } } } }, 'application/merge-patch+json'),
      );
    },
  },
  {
    name: 'rollout',
    async run(t, record) {
      const n = 'diff-rollout';
      await namespace(t, n);
      record('create', await call(t, 'POST', deployments(n), deployment(n, 'web')));
      const first = await settled(t, n, 'web');
      record('rolled out', rolloutView(first));
      const rsView = async () =>
        ((await ok(t, 'GET', `/apis/apps/v1/namespaces/${n}/replicasets`)).items as J[]).map((rs) => ({
          metadata: rs.metadata,
          spec: { replicas: (rs.spec as J).replicas },
          status: rs.status,
        }));
      record('replicasets', await rsView());
      const podView = async (query = '') =>
        ((await ok(t, 'GET', `/api/v1/namespaces/${n}/pods${query}`)).items as J[]).map((p) => ({
          labels: (p.metadata as J).labels,
          owner: ((p.metadata as J).ownerReferences as J[] | undefined)?.map((o) => ({ kind: o.kind, controller: o.controller })),
          phase: (p.status as J).phase,
          conditions: (((p.status as J).conditions as J[] | undefined) ?? []).map((c) => `${c.type}=${c.status}`).sort(),
        }));
      record('pods', await podView());
      record('pods by phase', await podView('?fieldSelector=status.phase%3DRunning'));
      record('scale', await call(t, 'GET', `${deployments(n)}/web/scale`));

      const patched = await call(
        t,
        'PATCH',
        `${deployments(n)}/web`,
        { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'MODE', value: 'two' }] }] } } } },
        'application/strategic-merge-patch+json',
      );
      record('template change', {
        status: patched.status,
        generation: ((patched.body as J).metadata as J).generation,
        observedGeneration: ((patched.body as J).status as J).observedGeneration,
      });
      const second = await settled(t, n, 'web');
      record('rolled out again', rolloutView(second));
      record('replicasets after', await rsView());
      const annotated = await call(t, 'PATCH', `${deployments(n)}/web`, { metadata: { annotations: { team: 'payments' } } }, 'application/merge-patch+json');
      record('annotation change', { status: annotated.status, generation: ((annotated.body as J).metadata as J).generation });
      const scaled = await call(t, 'PATCH', `${deployments(n)}/web/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
      record('scale up', scaled);
      record('scaled', rolloutView(await settled(t, n, 'web')));

      // Events: who said what, without counts and times (how often a controller repeats itself is timing); the
      // control plane's apart from the kubelet's (on the real side kwok plays the kubelet).
      const events = ((await ok(t, 'GET', `/api/v1/namespaces/${n}/events`)).items as J[]).map((e) => {
        const involved = e.involvedObject as J;
        const source = (e.source ?? {}) as J;
        return { type: e.type, reason: e.reason, kind: involved.kind, component: String(source.component ?? e.reportingComponent), message: e.message };
      });
      const unique = [...new Map(events.map((e) => [JSON.stringify(e), e])).values()].sort((a, b) =>
        `${a.kind} ${a.reason} ${a.message}`.localeCompare(`${b.kind} ${b.reason} ${b.message}`),
      );
      const kubelet = (e: { component: string }) => e.component === 'kubelet' || e.component.startsWith('kwok');
      record(
        'events of the control plane',
        unique.filter((e) => !kubelet(e)),
      );
      record('events of the kubelet', unique.filter(kubelet));
    },
  },
  {
    name: 'kubectl',
    async run(t, record) {
      const n = 'diff-kubectl';
      await namespace(t, n);
      const list = JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [configMap(n, 'from-list'), { ...deployment(n, 'listed', 1) }],
      });
      const kubectl = (args: string[], input?: string) => runCommand(t.kubectl, args, { KUBECONFIG: t.kubeconfigPath }, input);
      const shown = (r: { code: number | null; stdout: string; stderr: string }) => ({
        code: r.code,
        stdout: r.stdout.trim().split('\n'),
        stderr: r.stderr.trim(),
      });
      record('apply a List', shown(await kubectl(['apply', '-f', '-'], list)));
      record('apply it again', shown(await kubectl(['apply', '-f', '-'], list)));
      record('get what it created', shown(await kubectl(['get', 'configmap/from-list', 'deployment/listed', '-n', n, '-o', 'name'])));
      record('server-side apply', shown(await kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify(configMap(n, 'ssa')))));
      record('patch', shown(await kubectl(['patch', 'configmap', 'ssa', '-n', n, '-p', '{"data":{"b":"2"}}'])));
      record('get jsonpath', shown(await kubectl(['get', 'configmap', 'ssa', '-n', n, '-o', 'jsonpath={.data}'])));
      record('delete', shown(await kubectl(['delete', 'configmap', 'ssa', '-n', n])));
    },
  },
];
