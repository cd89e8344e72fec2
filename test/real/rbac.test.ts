import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { errorLines, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js';
import { startReal, type Obj, type RealFixture } from './fixture.js';

/**
 * Least privilege, proved on the real RBAC authorizer: swap-configmap and verify-rollout run as a
 * ServiceAccount holding only the Role of docs/rbac/ccloud-dr-role.yaml, and do their whole job; then each
 * (resource, verb) of that Role is removed in turn and the scenario that needs it fails, with a message
 * naming the missing permission. No Reloader runs, so verify-rollout's restart-if-not-reloaded path (the
 * one that patches) is the one exercised.
 */

const ROLE_FILE = join(repoRoot, 'docs/rbac/ccloud-dr-role.yaml');
const APPS = 'rbac-apps';
const CRASH = 'rbac-crash';
const SA = { namespace: 'ci', name: 'ccloud-dr-actions' };
const USER = `system:serviceaccount:${SA.namespace}:${SA.name}`;

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Permission {
  group: string;
  resource: string;
  verb: string;
}

const documents = parseAllDocuments(readFileSync(ROLE_FILE, 'utf8')).map((d) => d.toJS() as Obj & { rules?: Rule[] });
const role = documents.find((d) => d.kind === 'Role')!;
const binding = documents.find((d) => d.kind === 'RoleBinding')!;
/** Every (group, resource, verb) the Role grants. */
const PERMISSIONS: Permission[] = role.rules!.flatMap((r) =>
  r.apiGroups.flatMap((group) => r.resources.flatMap((resource) => r.verbs.map((verb) => ({ group, resource, verb })))),
);
const same = (a: Permission, b: Permission) => a.group === b.group && a.resource === b.resource && a.verb === b.verb;
const label = (p: Permission) => `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}`;

/** The Role's rules without one permission (one rule per group and resource). */
function rulesWithout(removed?: Permission): Rule[] {
  const kept = PERMISSIONS.filter((p) => !removed || !same(p, removed));
  const byResource = new Map<string, Rule>();
  for (const p of kept) {
    const key = `${p.group}/${p.resource}`;
    const rule = byResource.get(key) ?? { apiGroups: [p.group], resources: [p.resource], verbs: [] };
    rule.verbs.push(p.verb);
    byResource.set(key, rule);
  }
  return [...byResource.values()];
}

/** How the real server names a refused permission (and how verify-rollout names a refused watch, whose body client-node drops). */
const refusal = (p: Permission, namespace: string) =>
  new RegExp(`(cannot|may not) ${p.verb} resource "${p.resource}" in API group "${p.group}" in the namespace "${namespace}"`);

let real: RealFixture;
let kubeconfig: string;
let change = 0;

const template = (app: string, image = `registry.local/${app}:1.0`) => ({
  metadata: { labels: { app } },
  spec: {
    containers: [{ name: 'app', image, envFrom: [{ configMapRef: { name: 'app-config' } }, { secretRef: { name: 'app-secret' } }] }],
    terminationGracePeriodSeconds: 0,
  },
});
const reloads = { 'configmap.reloader.stakater.com/reload': 'app-config', 'secret.reloader.stakater.com/reload': 'app-secret' };

function namespaceObjects(namespace: string): object[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace }, data: { BOOTSTRAP: 'north.kafka.local:9092' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret', namespace }, stringData: { password: 'n0rth-secret' } },
    { ...role, metadata: { ...role.metadata, namespace } },
    { ...binding, metadata: { ...binding.metadata, namespace }, subjects: [{ kind: 'ServiceAccount', ...SA }] },
  ];
}

async function setRules(rules: Rule[]): Promise<void> {
  for (const namespace of [APPS, CRASH]) await real.apply({ ...role, metadata: { ...role.metadata, namespace }, rules });
}

/** Waits until the real authorizer answers for the ServiceAccount exactly as the rules say (RBAC caches update within ms). */
async function authorizerAgrees(removed?: Permission): Promise<void> {
  await real.waitFor(`the authorizer to apply the Role without ${removed ? label(removed) : 'nothing'}`, async () => {
    for (const p of PERMISSIONS) {
      const review = await real.request<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: USER,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${SA.namespace}`, 'system:authenticated'],
            resourceAttributes: { namespace: APPS, ...p },
          },
        },
      });
      if (review.status.allowed !== !(removed && same(p, removed))) return false;
    }
    return true;
  });
}

const action = (name: string, inputs: Record<string, string>) =>
  runAction(name, { inputs: { kubeconfig, ...inputs }, env: { GITHUB_WORKSPACE: repoRoot }, timeoutMs: 120_000 });
const verifyInputs = { 'reload-grace': '1s', 'restart-if-not-reloaded': 'true', timeout: '60s' };

/** swap-configmap changes app-config, then verify-rollout restarts and follows the Deployment, StatefulSet and DaemonSet. */
async function configMapSwitch(): Promise<{ swap: ActionRun; verify?: ActionRun }> {
  const swap = await action('swap-configmap', { name: 'app-config', namespace: APPS, data: `BOOTSTRAP: west-${++change}.kafka.local:9092` });
  if (swap.code !== 0) return { swap };
  return { swap, verify: await action('verify-rollout', { namespace: APPS, configmap: 'app-config', ...verifyInputs }) };
}

/** The same with the Secret. */
async function secretSwitch(): Promise<{ swap: ActionRun; verify?: ActionRun }> {
  const swap = await action('swap-configmap', { name: 'app-secret', namespace: APPS, kind: 'Secret', data: `password: w3st-secret-${++change}` });
  if (swap.code !== 0) return { swap };
  return { swap, verify: await action('verify-rollout', { namespace: APPS, secret: 'app-secret', ...verifyInputs }) };
}

/** A crash-looping Deployment whose config changed: verify-rollout fails and reports its pods and events. */
async function crashDiagnosis(): Promise<ActionRun> {
  await real.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: CRASH }, data: { BOOTSTRAP: `west-${++change}` } });
  return action('verify-rollout', { namespace: CRASH, configmap: 'app-config', ...verifyInputs, timeout: '8s' });
}

beforeAll(async () => {
  real = await startReal({ reloader: false });
  await real.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SA.namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: SA },
    ...namespaceObjects(APPS),
    ...namespaceObjects(CRASH),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: APPS, annotations: reloads },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template('web') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'ledger', namespace: APPS, annotations: reloads },
      spec: { replicas: 1, serviceName: 'ledger', selector: { matchLabels: { app: 'ledger' } }, template: template('ledger') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: APPS, annotations: reloads },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken', namespace: CRASH, annotations: reloads },
      spec: { replicas: 1, selector: { matchLabels: { app: 'broken' } }, template: template('broken', 'registry.local/broken:crashloop') },
    },
  ]);
  await real.settled([APPS]);
  kubeconfig = (await real.serviceAccountKubeconfig(SA.namespace, SA.name)).path;
  await authorizerAgrees();
});
afterAll(() => real?.close());

describe(`docs/rbac/ccloud-dr-role.yaml on the real RBAC authorizer (${PERMISSIONS.length} permissions)`, () => {
  it('the Role is what the file says: get/update ConfigMaps and Secrets, list/watch/patch the three workload kinds, list pods and events', () => {
    expect(PERMISSIONS.map(label).sort()).toEqual(
      [
        'get configmaps',
        'update configmaps',
        'get secrets',
        'update secrets',
        ...['deployments', 'statefulsets', 'daemonsets'].flatMap((r) => ['list', 'watch', 'patch'].map((v) => `${v} ${r}.apps`)),
        'list pods',
        'list events',
      ].sort(),
    );
  });

  it('with exactly that Role, both actions do their whole job: swap, restart and verify three kinds, and diagnose a failure', async () => {
    const cm = await configMapSwitch();
    expect(errorLines(cm.swap)).toEqual([]);
    expect(cm.swap.stdout).not.toMatch(/^::warning::/m);
    expect(errorLines(cm.verify!)).toEqual([]);
    expect((JSON.parse(cm.verify!.outputs.workloads) as Array<{ kind: string; result: string }>).map((w) => `${w.kind} ${w.result}`).sort()).toEqual([
      'DaemonSet restarted',
      'Deployment restarted',
      'StatefulSet restarted',
    ]);
    const secret = await secretSwitch();
    expect(errorLines(secret.swap)).toEqual([]);
    expect(errorLines(secret.verify!)).toEqual([]);
    const crash = await crashDiagnosis();
    expect(crash.code).toBe(1);
    const error = errorLines(crash).join('\n');
    expect(error).toContain('CrashLoopBackOff');
    expect(error).toContain('recent events:');
    expect(error).not.toContain('unavailable');
  });

  it.each(PERMISSIONS.map((p) => [label(p), p] as const))('without %s, the action that needs it fails naming the permission', async (_name, removed) => {
    await setRules(rulesWithout(removed));
    await authorizerAgrees(removed);
    try {
      if (removed.resource === 'pods' || removed.resource === 'events') {
        const run = await crashDiagnosis();
        expect(run.code).toBe(1);
        const error = errorLines(run).join('\n');
        expect(error).toContain(`${removed.resource} unavailable: could not list ${removed.resource} in namespace ${CRASH}`);
        expect(error).toMatch(refusal(removed, CRASH));
        return;
      }
      const { swap, verify } = removed.resource === 'secrets' ? await secretSwitch() : await configMapSwitch();
      if (removed.resource === 'configmaps' || removed.resource === 'secrets') {
        // swap-configmap cannot read or write the object: it fails and writes nothing.
        expect(swap.code).toBe(1);
        expect(errorLines(swap).join('\n')).toMatch(refusal(removed, APPS));
        expect(verify).toBeUndefined();
        return;
      }
      // swap-configmap still switches (it only loses the list of workloads Reloader will roll, and warns);
      // verify-rollout cannot do its job.
      expect(errorLines(swap)).toEqual([]);
      if (removed.verb === 'list')
        expect(swap.stdout).toMatch(new RegExp(`^::warning::could not list the workloads of namespace ${APPS}.*${refusal(removed, APPS).source}`, 'm'));
      expect(verify!.code).toBe(1);
      expect(errorLines(verify!).join('\n')).toMatch(refusal(removed, APPS));
    } finally {
      await setRules(rulesWithout());
      await authorizerAgrees();
      // Leave the workloads rolled out for the next case (a failed restart leaves them as they were).
      await real.settled([APPS]);
    }
  });
});
