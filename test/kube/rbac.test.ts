import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { apiError, deployment, namespace } from './helpers.js';

/**
 * RBAC in the emulator, over real HTTP: `tokens` stay superusers, `users` tokens are authorized by the
 * stored Roles, ClusterRoles and bindings as kube-apiserver's RBAC authorizer does, refusals are the
 * apiserver's 403 Status, and SelfSubjectAccessReview answers what the authorizer would. (The same
 * answers are compared with a real kube-apiserver in test/real/rbac-differential.test.ts.)
 */

const RBAC = 'rbac.authorization.k8s.io/v1';
const SA_USER = 'system:serviceaccount:ci:sa';
const TOKENS = { admin: 'admin-token', sa: 'sa-token', alice: 'alice-token', bob: 'bob-token', root: 'root-token', other: 'other-sa-token' };

let emu: KubeEmulator;
beforeAll(async () => {
  emu = await startKube({
    reloader: false,
    tokens: [TOKENS.admin],
    users: [
      { token: TOKENS.sa, username: SA_USER },
      { token: TOKENS.alice, username: 'alice', groups: ['team-a'] },
      { token: TOKENS.bob, username: 'bob' },
      { token: TOKENS.root, username: 'root', groups: ['system:masters'] },
      { token: TOKENS.other, username: 'system:serviceaccount:elsewhere:sa' },
    ],
  });
  emu.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ci' } });
});
afterAll(() => emu.close());

interface Answer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

async function call(token: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json, headers: res.headers };
}

const role = (ns: string, name: string, rules: object[]) => ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: ns }, rules });
const clusterRole = (name: string, rules: object[]) => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules });
const roleBinding = (ns: string, name: string, roleRef: { kind: string; name: string }, subjects: object[]) => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects,
});
const clusterRoleBinding = (name: string, roleRef: string, subjects: object[]) => ({
  apiVersion: RBAC,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRef },
  subjects,
});
const sa = { kind: 'ServiceAccount', name: 'sa', namespace: 'ci' };
const configMap = (ns: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { k: 'v' } });

/** The Status body of a refusal, as the apiserver writes it. */
function forbidden(message: string, details: Record<string, string>): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 };
}

async function review(token: string, attributes: object): Promise<Answer> {
  return call(token, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: attributes,
  });
}

describe('the rbac.authorization.k8s.io/v1 resources', () => {
  it('are discovered and served with the generic REST verbs; bootstrap ClusterRoles and bindings exist as on a new cluster', async () => {
    const groups = await call(TOKENS.admin, 'GET', '/apis');
    expect((groups.json.groups as Array<{ name: string }>).map((g) => g.name)).toEqual(['apps', 'authorization.k8s.io', 'batch', 'rbac.authorization.k8s.io']);
    const list = await call(TOKENS.admin, 'GET', '/apis/rbac.authorization.k8s.io/v1');
    expect((list.json.resources as Array<{ name: string; namespaced: boolean }>).map((r) => `${r.name}:${r.namespaced}`)).toEqual([
      'clusterrolebindings:false',
      'clusterroles:false',
      'rolebindings:true',
      'roles:true',
    ]);
    const authz = await call(TOKENS.admin, 'GET', '/apis/authorization.k8s.io/v1');
    expect(authz.json.resources).toEqual([
      { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
    ]);
    const bootstrap = await call(TOKENS.admin, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings');
    expect((bootstrap.json.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name)).toEqual([
      'cluster-admin',
      'system:basic-user',
      'system:discovery',
      'system:public-info-viewer',
      'system:service-account-issuer-discovery',
    ]);

    const ns = namespace(emu, 'rest');
    const created = await call(TOKENS.admin, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'b' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa', namespace: 'ci' },
        { kind: 'User', name: 'u' },
        { kind: 'Group', name: 'g' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.json.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' });
    expect(created.json.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'sa', namespace: 'ci' },
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g' },
    ]);
    const changed = await call(
      TOKENS.admin,
      'PATCH',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/b`,
      { roleRef: { name: 'other' } },
      'application/merge-patch+json',
    );
    expect(changed.status).toBe(422);
    expect(changed.json.message).toBe(
      'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"Role","Name":"other"}: cannot change roleRef',
    );
    const deleted = await call(TOKENS.admin, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/b`);
    expect(deleted.json).toMatchObject({ status: 'Success', details: { name: 'b', group: 'rbac.authorization.k8s.io', kind: 'rolebindings' } });
  });

  it('are validated as the apiserver validates them', async () => {
    const ns = namespace(emu, 'invalid');
    const badRole = await call(TOKENS.admin, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      ...role(ns, 'bad', [
        { apiGroups: [], resources: [], verbs: [] },
        { nonResourceURLs: ['/x'], verbs: ['get'] },
      ]),
    });
    expect(badRole.status).toBe(422);
    expect(badRole.json.message).toBe(
      'Role.rbac.authorization.k8s.io "bad" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource, rules[1].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs]',
    );
    const badBinding = await call(TOKENS.admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      ...clusterRoleBinding('x', 'r', [
        { kind: 'ServiceAccount', name: 'sa' },
        { kind: 'Foo', name: 'f' },
        { kind: 'User', name: '' },
      ]),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    });
    expect(badBinding.status).toBe(422);
    expect(badBinding.json.message).toBe(
      'ClusterRoleBinding.rbac.authorization.k8s.io "x" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value, subjects[1].kind: Unsupported value: "Foo": supported values: "ServiceAccount", "User", "Group", subjects[2].name: Required value]',
    );
    // A RoleBinding's ServiceAccount may leave out its namespace (it is the binding's), and RBAC names may hold colons.
    const local = await call(
      TOKENS.admin,
      'POST',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
      roleBinding(ns, 'ci:local', { kind: 'ClusterRole', name: 'system:x' }, [{ kind: 'ServiceAccount', name: 'sa' }]),
    );
    expect(local.status).toBe(201);
  });
});

describe('a `users` token is authorized by RBAC', () => {
  it('per verb, with the 403 Status body of the apiserver', async () => {
    const ns = namespace(emu, 'verbs');
    emu.apply([
      configMap(ns, 'x'),
      role(ns, 'cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update'] }]),
      roleBinding(ns, 'cm', { kind: 'Role', name: 'cm' }, [sa]),
    ]);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    const refused = (verb: string, name?: string) =>
      forbidden(
        `configmaps${name ? ` "${name}"` : ''} is forbidden: User "${SA_USER}" cannot ${verb} resource "configmaps" in API group "" in the namespace "${ns}"`,
        name ? { name, kind: 'configmaps' } : { kind: 'configmaps' },
      );
    const get = await call(TOKENS.sa, 'GET', `${base}/x`);
    expect(get.status).toBe(200);
    const put = await call(TOKENS.sa, 'PUT', `${base}/x`, { ...(get.json as object), data: { k: 'w' } });
    expect(put.status).toBe(200);
    expect((emu.get('ConfigMap', ns, 'x') as { data: object }).data).toEqual({ k: 'w' });

    const cases: Array<[string, string, string, unknown, object]> = [
      ['list', 'GET', base, undefined, refused('list')],
      ['watch', 'GET', `${base}?watch=true`, undefined, refused('watch')],
      ['watch (path)', 'GET', `/api/v1/watch/namespaces/${ns}/configmaps/x`, undefined, refused('watch', 'x')],
      ['create', 'POST', base, configMap(ns, 'y'), refused('create')],
      ['patch', 'PATCH', `${base}/x`, { data: { k: 'p' } }, refused('patch', 'x')],
      ['delete', 'DELETE', `${base}/x`, undefined, refused('delete', 'x')],
      ['deletecollection', 'DELETE', base, undefined, refused('deletecollection')],
    ];
    for (const [, method, path, body, expected] of cases) {
      const answer = await call(TOKENS.sa, method, path, body, method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
      expect({ path, method, status: answer.status, body: answer.json }).toEqual({ path, method, status: 403, body: expected });
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // Nothing refused was done.
    expect(emu.list('ConfigMap', ns).map((c) => (c as { metadata: { name: string } }).metadata.name)).toEqual(['x']);
  });

  it('refuses with the message of the brief, and with the cluster-scope, subresource and path wordings', async () => {
    emu.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'clients' } });
    const update = await call(TOKENS.sa, 'PUT', '/api/v1/namespaces/clients/configmaps/x', configMap('clients', 'x'));
    expect(update.status).toBe(403);
    expect(update.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "x" is forbidden: User "system:serviceaccount:ci:sa" cannot update resource "configmaps" in API group "" in the namespace "clients"',
      reason: 'Forbidden',
      details: { name: 'x', kind: 'configmaps' },
      code: 403,
    });
    expect((await call(TOKENS.sa, 'GET', '/api/v1/namespaces')).json).toEqual(
      forbidden(`namespaces is forbidden: User "${SA_USER}" cannot list resource "namespaces" in API group "" at the cluster scope`, { kind: 'namespaces' }),
    );
    expect((await call(TOKENS.sa, 'GET', '/api/v1/namespaces/clients')).json).toEqual(
      forbidden(`namespaces "clients" is forbidden: User "${SA_USER}" cannot get resource "namespaces" in API group "" in the namespace "clients"`, {
        name: 'clients',
        kind: 'namespaces',
      }),
    );
    expect((await call(TOKENS.sa, 'GET', '/apis/apps/v1/namespaces/clients/deployments/web/scale')).json).toEqual(
      forbidden(
        `deployments.apps "web" is forbidden: User "${SA_USER}" cannot get resource "deployments/scale" in API group "apps" in the namespace "clients"`,
        { name: 'web', group: 'apps', kind: 'deployments' },
      ),
    );
    expect((await call(TOKENS.sa, 'GET', '/')).json).toEqual(forbidden(`forbidden: User "${SA_USER}" cannot get path "/"`, {}));
    expect((await call(TOKENS.sa, 'GET', '/metrics')).json).toEqual(forbidden(`forbidden: User "${SA_USER}" cannot get path "/metrics"`, {}));
    // Authorization comes before routing: what is not served is refused, not missing.
    expect((await call(TOKENS.sa, 'GET', '/apis/foo.example/v1/namespaces/clients/bars')).json).toEqual(
      forbidden(`bars.foo.example is forbidden: User "${SA_USER}" cannot list resource "bars" in API group "foo.example" in the namespace "clients"`, {
        group: 'foo.example',
        kind: 'bars',
      }),
    );
    expect((await call(TOKENS.admin, 'GET', '/apis/foo.example/v1/namespaces/clients/bars')).status).toBe(404);
  });

  it('lets every authenticated user discover the API and read health and version, as the bootstrap roles do', async () => {
    for (const path of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/version', '/openapi/v3', '/openapi/v3/apis/apps/v1', '/healthz', '/livez', '/readyz']) {
      expect({ path, status: (await call(TOKENS.bob, 'GET', path)).status }).toEqual({ path, status: 200 });
    }
    expect((await call(TOKENS.bob, 'GET', '/healthz/ping')).status).toBe(403);
    expect((await call(TOKENS.bob, 'POST', '/apis', {})).json.message).toBe('forbidden: User "bob" cannot post path "/apis"');
    expect((await call('no-such-token', 'GET', '/api')).status).toBe(401);
  });

  it('matches `*` in apiGroups, resources and verbs, and `*/subresource`; a resource never matches its subresources', async () => {
    const ns = namespace(emu, 'wild');
    const other = namespace(emu, 'wild-other');
    emu.apply([
      deployment('web', ns),
      role(ns, 'all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      roleBinding(ns, 'all', { kind: 'Role', name: 'all' }, [{ kind: 'User', name: 'alice' }]),
      role(ns, 'scale', [
        { apiGroups: ['apps'], resources: ['*/scale'], verbs: ['get'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
      ]),
      roleBinding(ns, 'scale', { kind: 'Role', name: 'scale' }, [{ kind: 'User', name: 'bob' }]),
    ]);
    for (const [method, path] of [
      ['GET', `/api/v1/namespaces/${ns}/secrets`],
      ['GET', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`],
      ['DELETE', `/api/v1/namespaces/${ns}/pods`],
      ['GET', `/apis/batch/v1/namespaces/${ns}/jobs?watch=1&timeoutSeconds=0`],
    ]) {
      const answer = await fetch(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${TOKENS.alice}` } });
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      await answer.body?.cancel();
    }
    expect((await call(TOKENS.alice, 'GET', `/api/v1/namespaces/${other}/secrets`)).status).toBe(403);
    expect((await call(TOKENS.alice, 'GET', '/api/v1/nodes')).status).toBe(403);
    expect((await call(TOKENS.bob, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`)).status).toBe(200);
    const scalePatch = await call(
      TOKENS.bob,
      'PATCH',
      `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`,
      { spec: { replicas: 2 } },
      'application/merge-patch+json',
    );
    expect(scalePatch.json.message).toBe(
      `deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments/scale" in API group "apps" in the namespace "${ns}"`,
    );
    expect((await call(TOKENS.bob, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`)).status).toBe(403);
  });

  it('limits a rule with resourceNames to those names: never a list, watch or create without one', async () => {
    const ns = namespace(emu, 'names');
    emu.apply([
      configMap(ns, 'mine'),
      configMap(ns, 'theirs'),
      role(ns, 'mine', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['mine'], verbs: ['get', 'list', 'watch', 'create', 'delete'] }]),
      roleBinding(ns, 'mine', { kind: 'Role', name: 'mine' }, [sa]),
    ]);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    expect((await call(TOKENS.sa, 'GET', `${base}/mine`)).status).toBe(200);
    expect((await call(TOKENS.sa, 'GET', `${base}/theirs`)).status).toBe(403);
    expect((await call(TOKENS.sa, 'GET', base)).status).toBe(403);
    expect((await call(TOKENS.sa, 'POST', base, configMap(ns, 'mine-2'))).status).toBe(403);
    // A list or watch whose field selector names the object is a request for that name.
    const one = await call(TOKENS.sa, 'GET', `${base}?fieldSelector=metadata.name%3Dmine`);
    expect(one.status).toBe(200);
    expect((one.json.items as unknown[]).length).toBe(1);
    const theirs = await call(TOKENS.sa, 'GET', `${base}?fieldSelector=metadata.name%3Dtheirs`);
    expect(theirs.json.message).toBe(
      `configmaps "theirs" is forbidden: User "${SA_USER}" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    expect((await call(TOKENS.sa, 'DELETE', `${base}/theirs`)).status).toBe(403);
    expect((await call(TOKENS.sa, 'DELETE', `${base}/mine`)).status).toBe(200);
  });

  it('serves the deprecated /watch/ paths as watches, authorized as watch of the named object', async () => {
    const ns = namespace(emu, 'watch-path');
    emu.apply([
      configMap(ns, 'mine'),
      configMap(ns, 'theirs'),
      role(ns, 'watch', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['mine'], verbs: ['watch'] }]),
      roleBinding(ns, 'watch', { kind: 'Role', name: 'watch' }, [sa]),
    ]);
    const res = await fetch(`${emu.url}/api/v1/watch/namespaces/${ns}/configmaps/mine?timeoutSeconds=1`, { headers: { authorization: `Bearer ${TOKENS.sa}` } });
    expect(res.status).toBe(200);
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED mine']);
    expect((await call(TOKENS.sa, 'GET', `/api/v1/watch/namespaces/${ns}/configmaps/theirs`)).json.message).toBe(
      `configmaps "theirs" is forbidden: User "${SA_USER}" cannot watch resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    expect((await call(TOKENS.sa, 'GET', `/api/v1/watch/namespaces/${ns}/configmaps`)).status).toBe(403);
  });

  it('grants a ClusterRole bound by a RoleBinding in that namespace only, and by a ClusterRoleBinding everywhere', async () => {
    const a = namespace(emu, 'cr-a');
    const b = namespace(emu, 'cr-b');
    emu.apply([
      clusterRole('test:secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
      roleBinding(a, 'read', { kind: 'ClusterRole', name: 'test:secret-reader' }, [{ kind: 'User', name: 'bob' }]),
      clusterRole('test:pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]),
      clusterRoleBinding('test:pod-reader', 'test:pod-reader', [{ kind: 'User', name: 'bob' }]),
    ]);
    expect((await call(TOKENS.bob, 'GET', `/api/v1/namespaces/${a}/secrets`)).status).toBe(200);
    expect((await call(TOKENS.bob, 'GET', `/api/v1/namespaces/${b}/secrets`)).status).toBe(403);
    expect((await call(TOKENS.bob, 'GET', '/api/v1/secrets')).json.message).toBe(
      'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" at the cluster scope',
    );
    expect((await call(TOKENS.bob, 'GET', `/api/v1/namespaces/${a}/pods`)).status).toBe(200);
    expect((await call(TOKENS.bob, 'GET', `/api/v1/namespaces/${b}/pods`)).status).toBe(200);
    expect((await call(TOKENS.bob, 'GET', '/api/v1/pods')).status).toBe(200);
    expect((await call(TOKENS.alice, 'GET', '/api/v1/pods')).status).toBe(403);
  });

  it('matches Group subjects, including the groups a ServiceAccount has, and ServiceAccount subjects by namespace', async () => {
    const ns = namespace(emu, 'subjects');
    emu.apply([
      role(ns, 'events', [{ apiGroups: [''], resources: ['events'], verbs: ['list'] }]),
      roleBinding(ns, 'team', { kind: 'Role', name: 'events' }, [{ kind: 'Group', name: 'team-a' }]),
      role(ns, 'cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }]),
      roleBinding(ns, 'ci-sas', { kind: 'Role', name: 'cm' }, [{ kind: 'Group', name: 'system:serviceaccounts:ci' }]),
      role(ns, 'secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
      // No namespace: the ServiceAccount `sa` of this binding's namespace, which neither token is.
      roleBinding(ns, 'local-sa', { kind: 'Role', name: 'secrets' }, [{ kind: 'ServiceAccount', name: 'sa' }]),
      role(ns, 'pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]),
      roleBinding(ns, 'elsewhere-sa', { kind: 'Role', name: 'pods' }, [{ kind: 'ServiceAccount', name: 'sa', namespace: 'elsewhere' }]),
    ]);
    const list = (token: string, resource: string) => call(token, 'GET', `/api/v1/namespaces/${ns}/${resource}`).then((a) => a.status);
    expect(await list(TOKENS.alice, 'events')).toBe(200);
    expect(await list(TOKENS.bob, 'events')).toBe(403);
    expect(await list(TOKENS.sa, 'configmaps')).toBe(200);
    expect(await list(TOKENS.other, 'configmaps')).toBe(403);
    expect(await list(TOKENS.sa, 'secrets')).toBe(403);
    expect(await list(TOKENS.other, 'secrets')).toBe(403);
    expect(await list(TOKENS.other, 'pods')).toBe(200);
    expect(await list(TOKENS.sa, 'pods')).toBe(403);
  });

  it('names a binding whose role is missing in the reason of the refusal', async () => {
    const ns = namespace(emu, 'missing');
    emu.apply(roleBinding(ns, 'dangling', { kind: 'ClusterRole', name: 'test:gone' }, [sa]));
    expect((await call(TOKENS.sa, 'GET', `/api/v1/namespaces/${ns}/pods`)).json.message).toBe(
      `pods is forbidden: User "${SA_USER}" cannot list resource "pods" in API group "" in the namespace "${ns}": RBAC: clusterrole.rbac.authorization.k8s.io "test:gone" not found`,
    );
  });

  it('works through a kubeconfig written for the user token, with client-node', async () => {
    const ns = namespace(emu, 'kubeconfig');
    emu.apply([
      configMap(ns, 'app-config'),
      role(ns, 'read', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
      roleBinding(ns, 'read', { kind: 'Role', name: 'read' }, [sa]),
    ]);
    const kc = new KubeConfig();
    kc.loadFromString(emu.kubeconfig({ token: TOKENS.sa }));
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: 'app-config' })).data).toEqual({ k: 'v' });
    const refused = await apiError(core.listNamespacedConfigMap({ namespace: ns }));
    expect(refused.code).toBe(403);
    expect(refused.body.message).toBe(`configmaps is forbidden: User "${SA_USER}" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`);
  });
});

describe('`tokens` and system:masters are superusers', () => {
  it('are allowed everything, whatever RBAC holds', async () => {
    const ns = namespace(emu, 'super');
    for (const token of [TOKENS.admin, TOKENS.root]) {
      expect((await call(token, 'GET', '/api/v1/namespaces')).status).toBe(200);
      expect((await call(token, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, `by-${token}`))).status).toBe(201);
      expect((await call(token, 'GET', '/')).status).toBe(200);
    }
    const own = await review(TOKENS.admin, { resourceAttributes: { verb: 'delete', resource: 'nodes' } });
    expect(own.json.status).toEqual({ allowed: true });
  });
});

describe('SelfSubjectAccessReview', () => {
  it('answers allowed with the RBAC reason naming the binding, or not allowed with no reason', async () => {
    emu.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ssar' } },
      role('ssar', 'r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
      roleBinding('ssar', 'b', { kind: 'Role', name: 'r' }, [sa]),
    ]);
    const allowed = await review(TOKENS.sa, { resourceAttributes: { namespace: 'ssar', verb: 'get', group: '', resource: 'configmaps', name: 'x' } });
    expect(allowed.status).toBe(201);
    expect(allowed.json).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { namespace: 'ssar', verb: 'get', resource: 'configmaps', name: 'x' } },
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "b/ssar" of Role "r" to ServiceAccount "sa/ci"' },
    });
    expect(allowed.json.spec).toEqual({ resourceAttributes: { namespace: 'ssar', verb: 'get', resource: 'configmaps', name: 'x' } });
    const refused = await review(TOKENS.sa, { resourceAttributes: { namespace: 'ssar', verb: 'update', resource: 'configmaps' } });
    expect(refused.json.status).toEqual({ allowed: false });
    const sub = await review(TOKENS.sa, {
      resourceAttributes: { namespace: 'ssar', verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale' },
    });
    expect(sub.json.status).toEqual({ allowed: false });
    const path = await review(TOKENS.sa, { nonResourceAttributes: { path: '/apis', verb: 'get' } });
    expect(path.json.status).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
    expect((await review(TOKENS.sa, { nonResourceAttributes: { path: '/metrics', verb: 'get' } })).json.status).toEqual({ allowed: false });
    const self = await review(TOKENS.bob, { resourceAttributes: { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' } });
    expect(self.json.status).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    });
  });

  it('answers as the authorizer judges requests: the same verbs, resourceNames and namespaces', async () => {
    const ns = namespace(emu, 'ssar-grid');
    emu.apply([
      role(ns, 'r', [{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['get', 'patch'] }]),
      roleBinding(ns, 'r', { kind: 'Role', name: 'r' }, [{ kind: 'Group', name: 'team-a' }]),
    ]);
    const ask = async (verb: string, name?: string, namespace = ns) =>
      (
        (await review(TOKENS.alice, { resourceAttributes: { namespace, verb, group: 'apps', resource: 'deployments', ...(name ? { name } : {}) } })).json
          .status as { allowed: boolean }
      ).allowed;
    expect(await ask('get', 'web')).toBe(true);
    expect(await ask('patch', 'web')).toBe(true);
    expect(await ask('get', 'api')).toBe(false);
    expect(await ask('get')).toBe(false);
    expect(await ask('delete', 'web')).toBe(false);
    expect(await ask('get', 'web', 'default')).toBe(false);
  });

  it('rejects a spec with neither or both kinds of attributes, as the apiserver does (422)', async () => {
    const neither = await review(TOKENS.sa, {});
    expect(neither.status).toBe(422);
    expect(neither.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      reason: 'Invalid',
      details: {
        group: 'authorization.k8s.io',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
            field: 'spec.resourceAttributes',
          },
        ],
      },
      code: 422,
    });
    const both = await review(TOKENS.sa, { resourceAttributes: { verb: 'get', resource: 'pods' }, nonResourceAttributes: { path: '/api', verb: 'get' } });
    expect(both.status).toBe(422);
    expect(both.json.message).toBe(
      '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {"Path":"/api","Verb":"get"}: cannot be specified in combination with resourceAttributes',
    );
    const wrongKind = await call(TOKENS.sa, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { resourceAttributes: { verb: 'get' } },
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.message).toBe(
      'SubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: converting (v1.SubjectAccessReview) to (authorization.SelfSubjectAccessReview): unknown conversion',
    );
  });

  it('is create only: a GET is refused to users (list) and not allowed (405) to superusers', async () => {
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    expect((await call(TOKENS.sa, 'GET', path)).json.message).toBe(
      `selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "${SA_USER}" cannot list resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`,
    );
    const admin = await call(TOKENS.admin, 'GET', path);
    expect(admin.status).toBe(405);
    expect(admin.json).toMatchObject({ reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' });
  });
});
