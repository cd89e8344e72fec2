import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMP_MERGE_LISTS } from '../../src/playground/kube/patch.js';
import { SPECS, spec } from '../helpers/openapi.js';
import { deployment, namespace, startFixture, waitFor, type KubeFixture } from './helpers.js';

/**
 * Holds the emulator to the published OpenAPI files: every kind of object it returns, in the
 * states the controllers produce (rolling, crash-looping, complete), its lists, errors, discovery
 * and watch events must validate against the schemas in spec/kubernetes (copies of the API server's
 * published OpenAPI v3 documents; spec/kubernetes/SOURCE.md says which).
 */

let f: KubeFixture;
let ns: string;
const core = () => spec(SPECS.kubeCore);
const apps = () => spec(SPECS.kubeApps);

async function get(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${f.emu.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  f = await startFixture({ podReadyDelayMs: 20 });
  ns = namespace(f.emu, 'spec');
  f.emu.setPodFault(ns, 'crasher', 'CrashLoopBackOff');
  f.emu.setPodFault(ns, 'puller', 'ImagePullBackOff');
  f.emu.apply([
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kafka', namespace: ns, labels: { app: 'kafka' } },
      data: { 'bootstrap.servers': 'east:9092' },
      binaryData: { truststore: Buffer.from([1, 2, 3]).toString('base64') },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, stringData: { key: 'K', secret: 'S' } },
    deployment('web', ns, {
      replicas: 2,
      annotations: { 'reloader.stakater.com/auto': 'true' },
      containers: [
        {
          name: 'app',
          image: 'web:1',
          ports: [{ containerPort: 8080 }],
          envFrom: [{ configMapRef: { name: 'kafka' } }],
          volumeMounts: [{ name: 'creds', mountPath: '/creds' }],
        },
      ],
      volumes: [{ name: 'creds', secret: { secretName: 'creds' } }],
    }),
    deployment('crasher', ns),
    deployment('puller', ns),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: ns },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } },
      },
    },
  ]);
  await waitFor('everything settled', () => {
    const pods = f.emu.list('Pod', ns) as Array<{ status?: { containerStatuses?: Array<{ restartCount: number; state: { waiting?: { reason: string } } }> } }>;
    const crashed = pods.some((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2);
    const pulled = pods.some((p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff');
    const web = f.emu.get('Deployment', ns, 'web') as { status?: { availableReplicas?: number } };
    return crashed && pulled && web.status?.availableReplicas === 2;
  });
  // A reload in progress leaves ReplicaSets and a Deployment mid-rollout.
  await fetch(`${f.emu.url}/api/v1/namespaces/${ns}/configmaps/kafka`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ data: { 'bootstrap.servers': 'west:9092' } }),
  });
  await waitFor(
    'a second ReplicaSet',
    () => (f.emu.list('ReplicaSet', ns) as Array<{ metadata: { name: string } }>).filter((r) => r.metadata.name.startsWith('web-')).length === 2,
  );
});
afterAll(() => f.emu.close());

describe('emulator responses validate against the Kubernetes OpenAPI specs', () => {
  const collections: Array<['core' | 'apps', string, string]> = [
    ['core', '/api/v1/namespaces/{namespace}/configmaps', 'configmaps'],
    ['core', '/api/v1/namespaces/{namespace}/secrets', 'secrets'],
    ['core', '/api/v1/namespaces/{namespace}/pods', 'pods'],
    ['core', '/api/v1/namespaces/{namespace}/events', 'events'],
    ['apps', '/apis/apps/v1/namespaces/{namespace}/deployments', 'deployments'],
    ['apps', '/apis/apps/v1/namespaces/{namespace}/replicasets', 'replicasets'],
    ['apps', '/apis/apps/v1/namespaces/{namespace}/statefulsets', 'statefulsets'],
    ['apps', '/apis/apps/v1/namespaces/{namespace}/daemonsets', 'daemonsets'],
  ];

  it.each(collections)('%s list and every item: GET %s', async (which, template, _plural) => {
    const api = which === 'core' ? core() : apps();
    const path = template.replace('{namespace}', ns);
    const list = await get(path);
    expect(list.status).toBe(200);
    expect((list.body.items as unknown[]).length).toBeGreaterThan(0);
    expect(api.checkResponse('get', template, 200, list.body)).toEqual([]);
    for (const item of list.body.items as Array<{ metadata: { name: string } }>) {
      const one = await get(`${path}/${item.metadata.name}`);
      expect(api.checkResponse('get', `${template}/{name}`, 200, one.body)).toEqual([]);
    }
  });

  it('namespaces and nodes', async () => {
    expect(core().checkResponse('get', '/api/v1/namespaces', 200, (await get('/api/v1/namespaces')).body)).toEqual([]);
    expect(core().checkResponse('get', '/api/v1/namespaces/{name}', 200, (await get(`/api/v1/namespaces/${ns}`)).body)).toEqual([]);
    expect(core().checkResponse('get', '/api/v1/nodes', 200, (await get('/api/v1/nodes')).body)).toEqual([]);
  });

  it('status subresources and scale', async () => {
    expect(
      apps().checkResponse(
        'get',
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
        200,
        (await get(`/apis/apps/v1/namespaces/${ns}/deployments/web/status`)).body,
      ),
    ).toEqual([]);
    expect(
      apps().checkResponse(
        'get',
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
        200,
        (await get(`/apis/apps/v1/namespaces/${ns}/deployments/web/scale`)).body,
      ),
    ).toEqual([]);
  });

  it('error Status bodies (404, 409, 422, 415) and the delete Status', async () => {
    const status = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
    const notFound = await get(`/api/v1/namespaces/${ns}/configmaps/missing`);
    expect(notFound.status).toBe(404);
    expect(core().check(status, notFound.body)).toEqual([]);
    const post = (body: unknown) =>
      get(`/api/v1/namespaces/${ns}/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const exists = await post({ metadata: { name: 'kafka' } });
    expect(exists.status).toBe(409);
    expect(core().check(status, exists.body)).toEqual([]);
    const invalid = await post({ metadata: { name: 'Not_Valid' } });
    expect(invalid.status).toBe(422);
    expect(core().check(status, invalid.body)).toEqual([]);
    const unsupported = await get(`/api/v1/namespaces/${ns}/configmaps/kafka`, { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(unsupported.status).toBe(415);
    expect(core().check(status, unsupported.body)).toEqual([]);
    await post({ metadata: { name: 'doomed' } });
    const deleted = await get(`/api/v1/namespaces/${ns}/configmaps/doomed`, { method: 'DELETE' });
    expect(core().checkResponse('delete', '/api/v1/namespaces/{namespace}/configmaps/{name}', 200, deleted.body)).toEqual([]);
  });

  it('watch events', async () => {
    const res = await fetch(`${f.emu.url}/apis/apps/v1/namespaces/${ns}/deployments?watch=true&timeoutSeconds=1`);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: unknown });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(apps().check('io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent', line)).toEqual([]);
      expect(apps().check('io.k8s.api.apps.v1.Deployment', line.object)).toEqual([]);
    }
  });

  it('discovery documents', async () => {
    expect(core().checkResponse('get', '/api/v1/', 200, (await get('/api/v1')).body)).toEqual([]);
    expect(apps().checkResponse('get', '/apis/apps/v1/', 200, (await get('/apis/apps/v1')).body)).toEqual([]);
  });

  it('the checks can fail: a broken Deployment is rejected', () => {
    expect(apps().check('io.k8s.api.apps.v1.Deployment', { metadata: { name: 'x' }, spec: { replicas: 'two' } })).not.toEqual([]);
  });
});

describe('strategic merge patch keys come from the specs', () => {
  it('SMP_MERGE_LISTS matches every x-kubernetes-patch-merge-key list reachable from the served kinds', () => {
    type Schema = {
      $ref?: string;
      allOf?: Schema[];
      items?: Schema;
      additionalProperties?: Schema;
      properties?: Record<string, Schema>;
      type?: string;
      'x-kubernetes-patch-strategy'?: string;
      'x-kubernetes-patch-merge-key'?: string;
    };
    const schemas: Record<string, Schema> = {
      ...(core().doc.components as { schemas: Record<string, Schema> }).schemas,
      ...(apps().doc.components as { schemas: Record<string, Schema> }).schemas,
    };
    const refOf = (s: Schema | undefined): string | undefined =>
      !s ? undefined : s.$ref ? s.$ref.split('/').pop() : refOf(s.allOf?.[0] ?? s.items ?? s.additionalProperties);
    const found: Record<string, { key?: string }> = {};
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const [field, prop] of Object.entries(schemas[name]?.properties ?? {})) {
        if (prop.type === 'array' && prop['x-kubernetes-patch-strategy']?.split(',').includes('merge')) {
          found[field] = prop['x-kubernetes-patch-merge-key'] ? { key: prop['x-kubernetes-patch-merge-key'] } : {};
        }
        const ref = refOf(prop);
        if (ref) walk(ref);
      }
    };
    for (const kind of [
      'core.v1.Pod',
      'core.v1.ConfigMap',
      'core.v1.Secret',
      'core.v1.Namespace',
      'core.v1.Node',
      'core.v1.Event',
      'apps.v1.Deployment',
      'apps.v1.ReplicaSet',
      'apps.v1.StatefulSet',
      'apps.v1.DaemonSet',
    ]) {
      walk(`io.k8s.api.${kind}`);
    }
    expect(found).toEqual(SMP_MERGE_LISTS);
  });
});
