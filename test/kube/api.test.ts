import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PatchStrategy, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { startKube } from '../../src/playground/kube/index.js';
import { apiError, deployment, namespace, startFixture, type KubeFixture } from './helpers.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ reloader: false });
});
afterAll(() => f.emu.close());

async function raw(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const res = await fetch(`${f.emu.url}${path}`, {
    method,
    headers: { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as Record<string, unknown> };
}

describe('Kubernetes API emulator: CRUD through client-node', () => {
  it('creates, reads, lists, replaces and deletes a ConfigMap, with resourceVersion moving on each write', async () => {
    const ns = namespace(f.emu);
    const created = await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg', labels: { app: 'x' } }, data: { a: '1' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBeUndefined();
    const read = await f.core.readNamespacedConfigMap({ name: 'cfg', namespace: ns });
    expect(read.data).toEqual({ a: '1' });
    const list = await f.core.listNamespacedConfigMap({ namespace: ns });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['cfg']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata?.resourceVersion));
    read.data = { a: '2' };
    const replaced = await f.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: read });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
    const status = await f.core.deleteNamespacedConfigMap({ name: 'cfg', namespace: ns });
    expect(status.status).toBe('Success');
    const gone = await apiError(f.core.readNamespacedConfigMap({ name: 'cfg', namespace: ns }));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'configmaps "cfg" not found' });
  });

  it('answers every JSON response with Content-Type application/json, and list items without kind', async () => {
    const ns = namespace(f.emu);
    f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data: {} });
    const list = await raw('GET', `/api/v1/namespaces/${ns}/configmaps`);
    expect(list.type).toBe('application/json');
    expect(list.json).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect((list.json.items as Array<Record<string, unknown>>)[0].kind).toBeUndefined();
    const missing = await raw('GET', `/api/v1/namespaces/${ns}/configmaps/nope`);
    expect(missing.type).toBe('application/json');
    expect(missing.status).toBe(404);
    const one = await raw('GET', `/api/v1/namespaces/${ns}/configmaps/c`);
    expect(one.json).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
  });

  it('refuses a replace with a stale resourceVersion (409 Conflict) and a duplicate create (409 AlreadyExists)', async () => {
    const ns = namespace(f.emu);
    const first = await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    const stale: V1ConfigMap = JSON.parse(JSON.stringify(first)) as V1ConfigMap;
    await f.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...first, data: { a: '2' } } });
    const conflict = await apiError(f.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...stale, data: { a: '3' } } }));
    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.message).toBe(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await f.core.readNamespacedConfigMap({ name: 'cfg', namespace: ns })).data).toEqual({ a: '2' });
    const dup = await apiError(f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' } } }));
    expect(dup.code).toBe(409);
    expect(dup.body.reason).toBe('AlreadyExists');
  });

  it('does not write (same resourceVersion) when an update changes nothing', async () => {
    const ns = namespace(f.emu);
    const first = await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    const again = await f.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: first });
    expect(again.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it('refuses to create in a namespace that does not exist (404 namespaces)', async () => {
    const err = await apiError(f.core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }));
    expect(err.code).toBe(404);
    expect(err.body.message).toBe('namespaces "nowhere" not found');
  });
});

describe('PATCH in its content types', () => {
  it('merge patch: merges maps and deletes keys set to null', async () => {
    const ns = namespace(f.emu);
    await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1', b: '2' } } });
    const patched = await f.core.patchNamespacedConfigMap(
      { name: 'cfg', namespace: ns, body: { data: { b: null, c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ a: '1', c: '3' });
  });

  it("strategic merge: Reloader's env patch adds to one container and keeps the others (a merge patch would replace the list)", async () => {
    const ns = namespace(f.emu);
    const containers = [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'proxy:1' },
    ];
    await f.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns, { containers }) as never });
    const reloaderPatch = { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'STAKATER_CFG_CONFIGMAP', value: 'abc' }] }] } } } };
    const smp = await f.apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: reloaderPatch, fieldManager: 'Reloader' },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const cs = smp.spec?.template.spec?.containers ?? [];
    expect(cs.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(cs[0].image).toBe('app:1');
    // The real apiserver puts the items the patch names first (test/real/differential.test.ts shows it).
    expect(cs[0].env).toEqual([
      { name: 'STAKATER_CFG_CONFIGMAP', value: 'abc' },
      { name: 'A', value: '1' },
    ]);
    expect(smp.metadata?.managedFields?.some((m) => m.manager === 'Reloader')).toBe(true);
    // The same body as a JSON merge patch replaces the whole containers list: the trap SMP avoids.
    const merged = await raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web?dryRun=All`, reloaderPatch, 'application/merge-patch+json');
    expect(merged.status).toBe(422);
    expect(String(merged.json.message)).toContain('spec.template.spec.containers[0].image: Required value');
  });

  it('strategic merge honours $patch: delete on a list item and null deletes in maps', async () => {
    const ns = namespace(f.emu);
    await f.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web', ns, {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      }) as never,
    });
    const patched = await f.apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers[0].env).toEqual([{ name: 'B', value: '2' }]);
  });

  it('JSON patch: applies RFC 6902 operations; a failed test is 422; an object body is 400 (client-node default type)', async () => {
    const ns = namespace(f.emu);
    await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    const patched = await f.core.patchNamespacedConfigMap({
      name: 'cfg',
      namespace: ns,
      body: [
        { op: 'test', path: '/data/a', value: '1' },
        { op: 'replace', path: '/data/a', value: '9' },
        { op: 'add', path: '/data/b', value: '2' },
      ],
    });
    expect(patched.data).toEqual({ a: '9', b: '2' });
    const failed = await apiError(f.core.patchNamespacedConfigMap({ name: 'cfg', namespace: ns, body: [{ op: 'test', path: '/data/a', value: 'nope' }] }));
    expect(failed.code).toBe(422);
    // Without a Content-Type override, client-node 2.x sends any patch body as application/json-patch+json, so an
    // object meant as a merge patch reaches the server as a malformed JSON Patch and is refused.
    const trap = await apiError(f.core.patchNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { data: { a: '5' } } }));
    expect(trap.code).toBe(400);
    expect(trap.body.message).toContain('cannot unmarshal object');
  });

  it('answers 415 to an unknown patch content type', async () => {
    const ns = namespace(f.emu);
    f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns } });
    const res = await raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/cfg`, { data: {} }, 'application/x-weird');
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
  });

  it('a merge patch that carries a stale resourceVersion is a 409, one without it is last-write-wins', async () => {
    const ns = namespace(f.emu);
    const c = await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    await f.core.patchNamespacedConfigMap(
      { name: 'cfg', namespace: ns, body: { data: { a: '2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const stale = await apiError(
      f.core.patchNamespacedConfigMap(
        { name: 'cfg', namespace: ns, body: { metadata: { resourceVersion: c.metadata?.resourceVersion }, data: { a: '3' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(stale.code).toBe(409);
  });
});

describe('dry run, selectors, generation, immutability, Secrets, defaults, validation', () => {
  it('dryRun=All validates and returns the object but stores nothing', async () => {
    const ns = namespace(f.emu);
    const dry = await f.core.createNamespacedConfigMap({ namespace: ns, dryRun: 'All', body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    expect(dry.data).toEqual({ a: '1' });
    expect((await apiError(f.core.readNamespacedConfigMap({ name: 'cfg', namespace: ns }))).code).toBe(404);
    const bad = await apiError(f.core.createNamespacedConfigMap({ namespace: ns, dryRun: 'All', body: { metadata: { name: 'Bad_Name' } } }));
    expect(bad.code).toBe(422);
    await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    const dryPatch = await f.core.patchNamespacedConfigMap(
      { name: 'cfg', namespace: ns, dryRun: 'All', body: { data: { a: '2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(dryPatch.data).toEqual({ a: '2' });
    expect((await f.core.readNamespacedConfigMap({ name: 'cfg', namespace: ns })).data).toEqual({ a: '1' });
    const other = await raw('POST', `/api/v1/namespaces/${ns}/configmaps?dryRun=Some`, { metadata: { name: 'x' } });
    expect(other.status).toBe(422);
    expect(other.json).toMatchObject({
      reason: 'Invalid',
      message: 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"',
      details: { group: 'meta.k8s.io', kind: 'CreateOptions', causes: [{ reason: 'FieldValueNotSupported', field: 'dryRun' }] },
    });
  });

  it('filters lists by label selector (=, !=, in, notin, exists, !key) and field selector', async () => {
    const ns = namespace(f.emu);
    const mk = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels } });
    f.emu.apply([mk('a', { tier: 'web', env: 'prod' }), mk('b', { tier: 'db', env: 'prod' }), mk('c', { tier: 'web' })]);
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await f.core.listNamespacedConfigMap({ namespace: ns, labelSelector, fieldSelector })).items.map((i) => i.metadata?.name);
    expect(await names('tier=web')).toEqual(['a', 'c']);
    expect(await names('tier!=web')).toEqual(['b']);
    expect(await names('tier in (db, web),env')).toEqual(['a', 'b']);
    expect(await names('env notin (prod)')).toEqual(['c']);
    expect(await names('!env')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    expect(await names('tier=web', 'metadata.name!=a')).toEqual(['c']);
    const all = await f.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns}` });
    expect(all.items).toHaveLength(3);
    const bad = await apiError(f.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'spec.nope=1' }));
    expect(bad.code).toBe(400);
    expect(bad.body.message).toBe('"spec.nope" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('pages a list with limit and continue', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(['a', 'b', 'c'].map((n) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: ns } })));
    const page1 = await f.core.listNamespacedConfigMap({ namespace: ns, limit: 2 });
    expect(page1.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(page1.metadata?.remainingItemCount).toBe(1);
    const page2 = await f.core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: page1.metadata?._continue });
    expect(page2.items.map((i) => i.metadata?.name)).toEqual(['c']);
    expect(page2.metadata?._continue).toBeUndefined();
  });

  it('starts generation at 1 and moves it only on spec (and, for Deployments, annotation) changes', async () => {
    const ns = namespace(f.emu);
    const d = await f.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns) as never });
    expect(d.metadata?.generation).toBe(1);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const labelled = await f.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { metadata: { labels: { x: 'y' } } } }, merge);
    expect(labelled.metadata?.generation).toBe(1);
    const annotated = await f.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { metadata: { annotations: { note: 'n' } } } }, merge);
    expect(annotated.metadata?.generation).toBe(2);
    const templated = await f.apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: { spec: { template: { metadata: { annotations: { t: '1' } } } } } },
      merge,
    );
    expect(templated.metadata?.generation).toBe(3);
    const status = await f.apps.patchNamespacedDeploymentStatus({ name: 'web', namespace: ns, body: { status: { replicas: 7 } } }, merge);
    expect(status.metadata?.generation).toBe(3);
    expect(status.status?.replicas).toBe(7);
    // A spec write does not change status; a status write does not change spec.
    const specWrite = await f.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { status: { replicas: 99 } } }, merge);
    expect(specWrite.status?.replicas).not.toBe(99);

    const sts = await f.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'db' },
        spec: {
          selector: { matchLabels: { app: 'db' } },
          serviceName: 'db',
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
        },
      },
    });
    expect(sts.metadata?.generation).toBe(1);
    const stsAnnotated = await f.apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: { metadata: { annotations: { note: 'n' } } } }, merge);
    expect(stsAnnotated.metadata?.generation).toBe(1);
  });

  it('refuses data changes to an immutable ConfigMap or Secret (422) but allows metadata changes', async () => {
    const ns = namespace(f.emu);
    const cm = await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' }, immutable: true } });
    const err = await apiError(f.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...cm, data: { a: '2' } } }));
    expect(err.code).toBe(422);
    expect(err.body.reason).toBe('Invalid');
    expect(err.body.message).toBe('ConfigMap "cfg" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    const relabel = await f.core.patchNamespacedConfigMap(
      { name: 'cfg', namespace: ns, body: { metadata: { labels: { a: 'b' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(relabel.metadata?.labels).toEqual({ a: 'b' });
    await f.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' }, stringData: { k: 'v' }, immutable: true } });
    const secretErr = await apiError(
      f.core.patchNamespacedSecret({ name: 's', namespace: ns, body: { stringData: { k: 'w' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
    expect(secretErr.code).toBe(422);
  });

  it('folds Secret stringData into base64 data (winning per key) and never returns it', async () => {
    const ns = namespace(f.emu);
    const s = await f.core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'creds' },
        data: { user: Buffer.from('old').toString('base64'), keep: Buffer.from('k').toString('base64') },
        stringData: { user: 'alice', pass: 's3cr3t' },
      },
    });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
    expect(Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))).toEqual({
      user: 'alice',
      keep: 'k',
      pass: 's3cr3t',
    });
    const rawGet = await raw('GET', `/api/v1/namespaces/${ns}/secrets/creds`);
    expect(rawGet.json.stringData).toBeUndefined();
    const bad = await raw('POST', `/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 'bad' }, data: { k: 'not base64!' } });
    expect(bad.status).toBe(400);
  });

  it('applies the apiserver defaults to workloads, including the StatefulSet partition rule', async () => {
    const ns = namespace(f.emu);
    const d = await f.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns) as never });
    expect(d.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.spec?.progressDeadlineSeconds).toBe(600);
    expect(d.spec?.revisionHistoryLimit).toBe(10);
    expect(d.spec?.template.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(d.spec?.template.spec?.restartPolicy).toBe('Always');
    const sts = (name: string, updateStrategy?: object) => ({
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        serviceName: name,
        ...(updateStrategy ? { updateStrategy } : {}),
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    });
    const omitted = await f.apps.createNamespacedStatefulSet({ namespace: ns, body: sts('s1') });
    expect(omitted.spec?.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(omitted.spec?.podManagementPolicy).toBe('OrderedReady');
    expect(omitted.spec?.replicas).toBe(1);
    const explicit = await f.apps.createNamespacedStatefulSet({ namespace: ns, body: sts('s2', { type: 'RollingUpdate' }) });
    expect(explicit.spec?.updateStrategy).toEqual({ type: 'RollingUpdate' });
    const ds = await f.apps.createNamespacedDaemonSet({
      namespace: ns,
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'a:latest' }] } },
        },
      },
    });
    expect(ds.spec?.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec?.template.spec?.containers[0].imagePullPolicy).toBe('Always');
  });

  it('rejects invalid objects with a 422 naming the field', async () => {
    const ns = namespace(f.emu);
    const bad = deployment('web', ns) as { spec: { selector: { matchLabels: Record<string, string> } } };
    bad.spec.selector.matchLabels = { app: 'other' };
    const err = await apiError(f.apps.createNamespacedDeployment({ namespace: ns, body: bad as never }));
    expect(err.code).toBe(422);
    expect(err.body.message).toContain('spec.template.metadata.labels: Invalid value');
    expect(err.body.message).toContain('`selector` does not match template `labels`');
    await f.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns) as never });
    const immutable = await apiError(
      f.apps.patchNamespacedDeployment(
        {
          name: 'web',
          namespace: ns,
          body: { spec: { selector: { matchLabels: { app: 'web', x: 'y' } }, template: { metadata: { labels: { app: 'web', x: 'y' } } } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(immutable.code).toBe(422);
    expect(immutable.body.message).toContain('spec.selector');
    expect(immutable.body.message).toContain('field is immutable');
  });

  it('serves discovery and the scale subresource', async () => {
    const apis = await raw('GET', '/apis');
    expect(apis.json.kind).toBe('APIGroupList');
    const core = await raw('GET', '/api/v1');
    expect((core.json.resources as Array<{ name: string }>).map((r) => r.name)).toContain('configmaps');
    const ns = namespace(f.emu);
    await f.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns) as never });
    const scaled = await f.apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: ns, body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(scaled.spec?.replicas).toBe(3);
    expect((await f.apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec?.replicas).toBe(3);
  });
});

describe('what kubectl needs', () => {
  it('prints Tables for `kubectl get` (Accept as=Table), with the usual columns', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    const res = await fetch(`${f.emu.url}/apis/apps/v1/namespaces/${ns}/deployments`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as {
      kind: string;
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[]; object: { kind: string } }>;
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(table.rows[0].cells[0]).toBe('web');
    expect(table.rows[0].cells[1]).toMatch(/^\d\/2$/);
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('serves an OpenAPI v3 index saying the server validates fields (so kubectl apply needs no --validate=false)', async () => {
    const index = (await raw('GET', '/openapi/v3')).json as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/rbac.authorization.k8s.io/v1']);
    const doc = (await raw('GET', index.paths['apis/apps/v1'].serverRelativeURL)).json as {
      paths: Record<string, { patch?: { parameters: Array<{ name: string }>; 'x-kubernetes-group-version-kind': object } }>;
    };
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
  });
});

describe('bearer tokens', () => {
  it('answers 401 Unauthorized without the token or with a wrong one, and serves with the right one', async () => {
    const emu = await startKube({ tokens: ['good-token'], reloader: false });
    try {
      const none = await fetch(`${emu.url}/api/v1/namespaces`);
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toBe('application/json');
      expect(await none.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      const wrong = await fetch(`${emu.url}/api/v1/namespaces`, { headers: { authorization: 'Bearer bad' } });
      expect(wrong.status).toBe(401);
      const { KubeConfig, CoreV1Api } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      kc.loadFromFile(emu.kubeconfigPath);
      const list = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toContain('default');
      const bad = new KubeConfig();
      bad.loadFromString(emu.kubeconfig({ token: 'bad' }));
      expect((await apiError(bad.makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
      expect(statSync(emu.kubeconfigPath).mode & 0o777).toBe(0o600);
      expect(readFileSync(emu.kubeconfigPath, 'utf8')).toBe(emu.kubeconfig());
      expect(emu.kubeconfig()).toContain('insecure-skip-tls-verify: true');
      expect(emu.kubeconfig()).toContain('token: good-token');
    } finally {
      await emu.close();
    }
    expect(existsSync(emu.kubeconfigPath)).toBe(false);
    await expect(fetch(`${emu.url}/version`)).rejects.toThrow();
  });
});
