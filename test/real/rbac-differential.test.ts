import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { apiCall, type ApiAnswer, type ApiTarget } from '../../src/playground/real/kube/http.js';
import { repoRoot } from '../helpers/run-action.js';
import { startReal, type Obj, type RealFixture } from './fixture.js';

/**
 * The emulator's RBAC against the real kube-apiserver's: the Role and RoleBinding of docs/rbac/ccloud-dr-role.yaml
 * (in a test namespace, bound to a test ServiceAccount) go to both servers, and so do the same Role limited by
 * `resourceNames` (as the file suggests) and a binding to a missing ClusterRole. Then the ServiceAccount asks both,
 * with SelfSubjectAccessReviews, about a grid of verbs × resources × namespaces × names, and sends both the same
 * requests; answers must be the same: the review's status (allowed and reason), and each refusal's 403 Status.
 * The real server is the reference: where they differ, the emulator is wrong.
 */

const ROLE_FILE = join(repoRoot, 'docs/rbac/ccloud-dr-role.yaml');
const APPS = 'rbac-diff-clients';
const LIMITED = 'rbac-diff-limited';
const OTHER = 'rbac-diff-other';
const SA = { namespace: 'rbac-diff-ci', name: 'ccloud-dr-actions' };
const USER = `system:serviceaccount:${SA.namespace}:${SA.name}`;
const ADMIN_TOKEN = 'emulator-admin';
const USER_TOKEN = 'emulator-ccloud-dr-actions';
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const documents = parseAllDocuments(readFileSync(ROLE_FILE, 'utf8')).map((d) => d.toJS() as Obj & { rules?: Rule[] });
const role = documents.find((d) => d.kind === 'Role')!;
const binding = documents.find((d) => d.kind === 'RoleBinding')!;
const subject = { kind: 'ServiceAccount', ...SA };

/** The file's Role with ConfigMaps and Secrets limited to the clients' own objects. */
const limitedRules = role.rules!.map((r) =>
  r.resources.includes('configmaps') ? { ...r, resourceNames: ['app-config'] } : r.resources.includes('secrets') ? { ...r, resourceNames: ['app-secret'] } : r,
);

const OBJECTS: Obj[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SA.namespace } },
  ...[APPS, LIMITED, OTHER].flatMap((namespace): Obj[] => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace }, data: { BOOTSTRAP: 'north.kafka.local:9092' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-config', namespace }, data: { BOOTSTRAP: 'north.kafka.local:9092' } },
  ]),
  { ...role, metadata: { ...role.metadata, namespace: APPS } },
  { ...binding, metadata: { ...binding.metadata, namespace: APPS }, subjects: [subject] },
  { ...role, metadata: { ...role.metadata, namespace: LIMITED }, rules: limitedRules },
  { ...binding, metadata: { ...binding.metadata, namespace: LIMITED }, subjects: [subject] },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'dangling', namespace: OTHER },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'rbac-diff:absent' },
    subjects: [subject],
  },
];

interface Side {
  name: 'emulator' | 'real';
  admin: ApiTarget;
  user: ApiTarget;
}

let emulator: KubeEmulator;
let real: RealFixture;
let sides: Side[];

const ssarBody = (spec: object) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });

/** An answer for comparison: status and JSON body, with times and server-generated values left out. */
function comparable(answer: ApiAnswer): { status: number; body: unknown } {
  const strip = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/"time":"[^"]+"/g, '"time":"<time>"');
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !['time', 'uid', 'resourceVersion', 'creationTimestamp'].includes(k))
          .map(([k, x]) => [k, strip(x)]),
      );
    return v;
  };
  return { status: answer.status, body: strip(answer.json ?? answer.text) };
}

async function review(target: ApiTarget, spec: object): Promise<{ allowed: boolean; reason?: string; denied?: boolean }> {
  const answer = await apiCall(target, 'POST', SSAR, { body: ssarBody(spec) });
  if (answer.status !== 201) throw new Error(`SSAR ${JSON.stringify(spec)}: HTTP ${answer.status} ${answer.text}`);
  return (answer.json as { status: { allowed: boolean; reason?: string; denied?: boolean } }).status;
}

beforeAll(async () => {
  [emulator, real] = await Promise.all([
    startKube({ reloader: false, tokens: [ADMIN_TOKEN], users: [{ token: USER_TOKEN, username: USER }] }),
    startReal({ reloader: false }),
  ]);
  emulator.apply(OBJECTS);
  await real.apply([...OBJECTS.slice(0, 1), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: SA }, ...OBJECTS.slice(1)]);
  const { token } = await real.serviceAccountKubeconfig(SA.namespace, SA.name);
  sides = [
    { name: 'emulator', admin: { server: emulator.url, token: ADMIN_TOKEN }, user: { server: emulator.url, token: USER_TOKEN } },
    { name: 'real', admin: real.admin, user: { ...real.admin, token } },
  ];
  // The real authorizer reads bindings from informer caches: wait until it sees all three.
  const realUser = sides[1].user;
  await real.waitFor('the real authorizer to see the RoleBindings', async () => {
    const apps = await review(realUser, { resourceAttributes: { namespace: APPS, verb: 'get', resource: 'configmaps' } });
    const limited = await review(realUser, { resourceAttributes: { namespace: LIMITED, verb: 'get', resource: 'configmaps', name: 'app-config' } });
    const other = await review(realUser, { resourceAttributes: { namespace: OTHER, verb: 'get', resource: 'configmaps' } });
    return apps.allowed && limited.allowed && (other.reason ?? '').includes('not found');
  });
}, 300_000);
afterAll(async () => {
  await emulator?.close();
  await real?.close();
});

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const RESOURCES: Array<[group: string, resource: string, subresource?: string]> = [
  ['', 'configmaps'],
  ['', 'secrets'],
  ['', 'pods'],
  ['', 'events'],
  ['', 'serviceaccounts'],
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['apps', 'deployments', 'scale'],
  ['apps', 'deployments', 'status'],
  ['', 'pods', 'log'],
  ['*', '*'],
];
const NAMESPACES = [APPS, LIMITED, OTHER, ''];
const NAMES = ['', 'app-config', 'app-secret'];

const GRID = NAMESPACES.flatMap((namespace) =>
  VERBS.flatMap((verb) =>
    RESOURCES.flatMap(([group, resource, subresource]) =>
      NAMES.map((name) => ({ namespace, verb, group, resource, ...(subresource ? { subresource } : {}), ...(name ? { name } : {}) })),
    ),
  ),
);

const label = (a: { namespace: string; verb: string; group: string; resource: string; subresource?: string; name?: string }) =>
  `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}${a.name ? ` "${a.name}"` : ''} ${a.namespace ? `in ${a.namespace}` : 'cluster-wide'}`;

/** Paths and verbs of non-resource reviews; on the health paths two bootstrap roles both allow, and which one the reason names is the real lister's order. */
const PATHS = [
  '/',
  '/api',
  '/api/v1',
  '/apis',
  '/apis/apps/v1',
  '/openapi/v3',
  '/openapi/v2',
  '/version',
  '/healthz',
  '/livez',
  '/readyz',
  '/metrics',
  '/logs',
  '/.well-known/openid-configuration',
];
const AMBIGUOUS = new Set(['/version', '/healthz', '/livez', '/readyz']);

/** Requests the ServiceAccount sends to both servers. */
const cm = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { BOOTSTRAP: 'west.kafka.local:9092' },
});
const REQUESTS: Array<[method: string, path: string, body?: unknown, contentType?: string]> = [
  ['GET', `/api/v1/namespaces/${APPS}/configmaps/app-config`],
  ['PUT', `/api/v1/namespaces/${APPS}/configmaps/app-config`, cm(APPS, 'app-config')],
  ['PUT', `/api/v1/namespaces/${OTHER}/configmaps/app-config`, cm(OTHER, 'app-config')],
  ['PATCH', `/api/v1/namespaces/${APPS}/configmaps/app-config`, { data: { X: '1' } }, 'application/merge-patch+json'],
  ['GET', `/api/v1/namespaces/${APPS}/configmaps`],
  ['GET', `/api/v1/namespaces/${APPS}/secrets?watch=true`],
  ['GET', `/api/v1/watch/namespaces/${APPS}/configmaps/app-config`],
  ['POST', `/api/v1/namespaces/${APPS}/configmaps`, cm(APPS, 'new-config')],
  ['DELETE', `/api/v1/namespaces/${APPS}/configmaps/app-config`],
  ['DELETE', `/api/v1/namespaces/${APPS}/events`],
  ['GET', `/apis/apps/v1/namespaces/${APPS}/deployments`],
  ['GET', `/apis/apps/v1/namespaces/${APPS}/deployments/web`],
  ['GET', `/apis/apps/v1/namespaces/${APPS}/deployments/web/scale`],
  ['GET', `/api/v1/namespaces/${LIMITED}/configmaps/app-config`],
  ['GET', `/api/v1/namespaces/${LIMITED}/configmaps/other-config`],
  ['PUT', `/api/v1/namespaces/${LIMITED}/configmaps/other-config`, cm(LIMITED, 'other-config')],
  ['GET', `/api/v1/namespaces/${LIMITED}/configmaps?fieldSelector=metadata.name%3Dapp-config`],
  ['GET', '/api/v1/namespaces'],
  ['GET', `/api/v1/namespaces/${APPS}`],
  ['GET', '/api/v1/configmaps'],
  ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles'],
  ['GET', '/apis/foo.example/v1/namespaces/x/bars'],
  ['GET', '/'],
  ['GET', '/metrics'],
  ['POST', '/api', {}],
  ['GET', '/version'],
  ['GET', '/healthz'],
  ['GET', SSAR],
];

describe(`RBAC of docs/rbac/ccloud-dr-role.yaml: the emulator against the real kube-apiserver`, () => {
  it('stores the Roles and RoleBindings alike (rules, subjects and roleRef after defaulting)', async () => {
    const paths = [
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${APPS}/roles/${role.metadata.name}`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${LIMITED}/roles/${role.metadata.name}`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${APPS}/rolebindings/${binding.metadata.name}`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${OTHER}/rolebindings/dangling`,
    ];
    const answers = await Promise.all(
      sides.map(async (s) =>
        Promise.all(
          paths.map(async (p) => {
            const o = (await apiCall(s.admin, 'GET', p)).json as Record<string, unknown>;
            return { path: p, rules: o.rules, subjects: o.subjects, roleRef: o.roleRef };
          }),
        ),
      ),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[1][0].rules).toEqual(role.rules);
  });

  it(`answers ${GRID.length} SelfSubjectAccessReviews of the ServiceAccount alike (allowed, and the reason)`, async () => {
    const answers = await Promise.all(
      sides.map(async (s) => {
        const out: Record<string, unknown> = {};
        for (const a of GRID) out[label(a)] = await review(s.user, { resourceAttributes: a });
        return out;
      }),
    );
    const [emu, ref] = answers;
    const differences = Object.keys(ref)
      .filter((k) => JSON.stringify(emu[k]) !== JSON.stringify(ref[k]))
      .map((k) => ({ review: k, emulator: emu[k], real: ref[k] }));
    expect(differences).toEqual([]);
    // The grid proves something: in the Role's namespace the real server allows exactly the Role's permissions.
    const allowed = Object.entries(ref)
      .filter(([k, v]) => (v as { allowed: boolean }).allowed && k.endsWith(`in ${APPS}`) && !k.includes('"'))
      .map(([k]) => k.replace(` in ${APPS}`, ''))
      .sort();
    const granted = role.rules!.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}${g ? `.${g}` : ''}`))));
    expect(allowed).toEqual(granted.sort());
    expect(Object.values(ref).filter((v) => (v as { reason?: string }).reason?.includes('not found')).length).toBeGreaterThan(0);
  });

  it('answers non-resource SelfSubjectAccessReviews alike', async () => {
    const answers = await Promise.all(
      sides.map(async (s) => {
        const out: Record<string, unknown> = {};
        for (const path of PATHS)
          for (const verb of ['get', 'post']) {
            const status = await review(s.user, { nonResourceAttributes: { path, verb } });
            out[`${verb} ${path}`] = AMBIGUOUS.has(path) ? { allowed: status.allowed } : status;
          }
        return out;
      }),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect(Object.values(answers[1]).filter((v) => (v as { allowed: boolean }).allowed).length).toBeGreaterThan(0);
  });

  it('answers the same requests of the ServiceAccount alike: status, and each 403 Status body and header', async () => {
    const answers = await Promise.all(
      sides.map(async (s) => {
        const out: Array<{ request: string; status: number; body?: unknown; nosniff?: unknown }> = [];
        for (const [method, path, body, contentType] of REQUESTS) {
          const answer = await apiCall(s.user, method, path, body === undefined ? {} : { body, contentType });
          const c = comparable(answer);
          out.push(
            answer.status === 403
              ? { request: `${method} ${path}`, status: 403, body: c.body, nosniff: answer.headers['x-content-type-options'] }
              : { request: `${method} ${path}`, status: answer.status },
          );
        }
        return out;
      }),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[1].filter((a) => a.status === 403).length).toBeGreaterThan(10);
    expect(answers[1].filter((a) => a.status === 200).length).toBeGreaterThan(3);
  });

  it('answers whole reviews alike, a superuser’s too, and refuses invalid ones with the same 400 or 422', async () => {
    const bodies: Array<[who: 'user' | 'admin', body: unknown]> = [
      ['user', ssarBody({ resourceAttributes: { namespace: APPS, verb: 'update', group: '', resource: 'configmaps', name: 'app-config', version: '' } })],
      ['user', ssarBody({ resourceAttributes: { namespace: APPS, verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' } })],
      ['user', ssarBody({ nonResourceAttributes: { path: '/apis', verb: 'get' } })],
      ['user', { ...ssarBody({ resourceAttributes: { verb: 'get', resource: 'pods' } }), status: { allowed: true, reason: 'self-declared' } }],
      ['admin', ssarBody({ resourceAttributes: { verb: 'delete', resource: 'nodes' } })],
      ['user', ssarBody({})],
      ['user', ssarBody({ resourceAttributes: { verb: 'get', resource: 'pods' }, nonResourceAttributes: { path: '/api', verb: 'get' } })],
      ['user', { ...ssarBody({ resourceAttributes: { verb: 'get', resource: 'pods' } }), metadata: { name: 'mine' } }],
      ['user', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'get' } } }],
    ];
    const answers = await Promise.all(
      sides.map(async (s) => {
        const out: unknown[] = [];
        for (const [who, body] of bodies) out.push(comparable(await apiCall(who === 'admin' ? s.admin : s.user, 'POST', SSAR, { body })));
        return out;
      }),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect((answers[1] as Array<{ status: number }>).map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 422, 422, 422, 400]);
  });

  it('rejects invalid Roles and bindings with the same 422', async () => {
    const invalid: Array<[path: string, body: object]> = [
      [
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${APPS}/roles`,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'bad' },
          rules: [
            { apiGroups: [], resources: [], verbs: [] },
            { nonResourceURLs: ['/x'], verbs: ['get'] },
          ],
        },
      ],
      [
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'bad' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
          subjects: [
            { kind: 'ServiceAccount', name: 'sa' },
            { kind: 'User', name: 'u', apiGroup: 'example.com' },
            { kind: 'Robot', name: 'r' },
          ],
        },
      ],
      [
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'a/b' },
          rules: [{ nonResourceURLs: ['/x'], resources: ['pods'], verbs: ['get'] }],
        },
      ],
    ];
    const answers = await Promise.all(
      sides.map(async (s) => {
        const out: unknown[] = [];
        for (const [path, body] of invalid) out.push(comparable(await apiCall(s.admin, 'POST', path, { body })));
        return out;
      }),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect((answers[1] as Array<{ status: number }>).map((a) => a.status)).toEqual([422, 422, 422]);
  });
});
