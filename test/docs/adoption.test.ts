import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { aclsFor } from '../../src/actions/ccloud-mirror/confluent/acls.js';
import { checkLocalWorkflowCalls } from '../workflows/workflow-rules.js';

/**
 * docs/adoption.md is followed start to finish by teams: every command and manifest in it is held here to the
 * code that depends on it (the ACLs ccloud-mirror asks for, the OIDC subject and audience aks-context and the
 * workflows use, the verbs of the Role, the inputs of dr-switch.yml). The manifests themselves are applied by
 * the drills (missing-permission) and the real tier (test/real/rbac.test.ts).
 */
const root = new URL('../..', import.meta.url).pathname;
const guide = readFileSync(join(root, 'docs/adoption.md'), 'utf8');
const blocks = (lang: string) => [...guide.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const commands = blocks('bash').flatMap((b) => b.split('\n').filter((l) => /^(confluent|az|kubectl|helm) /.test(l)));

describe('docs/adoption.md', () => {
  it("the DR operator's ACLs are exactly what ccloud-mirror's alter verbs need, on both clusters", () => {
    const dr = commands.filter((c) => c.startsWith('confluent kafka acl create') && c.includes('<sa-dr>'));
    const need = aclsFor('reverse-and-start-mirror');
    expect(need.bothClusters).toBe(true);
    for (const cluster of ['lkc-east', 'lkc-west']) {
      const mine = dr.filter((c) => c.endsWith(`--cluster ${cluster}`));
      const ops = (scope: RegExp) =>
        mine
          .filter((c) => scope.test(c))
          .flatMap((c) => /--operations (\S+)/.exec(c)![1].split(','))
          .map((o) => o.toUpperCase().replace(/-/g, '_'))
          .sort();
      expect(ops(/--cluster-scope/)).toEqual([...need.needs.find((n) => n.resource === 'CLUSTER')!.operations].sort());
      expect(ops(/--topic /)).toEqual([...need.needs.find((n) => n.resource === 'TOPIC')!.operations].sort());
    }
    // Every verb of the table needs no more than that.
    for (const verb of ['failover', 'promote', 'truncate-and-restore', 'reverse-and-pause-mirror'])
      expect(
        aclsFor(verb)
          .needs.flatMap((n) => n.operations)
          .every((o) => need.needs.flatMap((n) => n.operations).includes(o)),
      ).toBe(true);
  });

  it('the link is bidirectional with consumer offset sync, created on both clusters with the flags of the confluent CLI', () => {
    const props = blocks('bash').find((b) => b.includes('link.properties'))!;
    expect(props).toContain('link.mode=BIDIRECTIONAL');
    expect(props).toContain('consumer.offset.sync.enable=true');
    const links = commands.filter((c) => c.startsWith('confluent kafka link create dr-link'));
    expect(links.map((c) => /--cluster (\S+)/.exec(c)![1]).sort()).toEqual(['lkc-east', 'lkc-west']);
    for (const c of links)
      for (const flag of ['--remote-cluster', '--remote-bootstrap-server', '--remote-api-key', '--remote-api-secret', '--config']) expect(c).toContain(flag);
    // The same link name as the topology example names.
    expect(readFileSync(join(root, 'docs/topology.md'), 'utf8')).toContain('- name: dr-link');
  });

  it('the federated credentials are for the environments the switch and the drill run in, with the audience aks-context asks for', () => {
    const fed = commands.filter((c) => c.startsWith('az ad app federated-credential create')).map((c) => JSON.parse(/--parameters '(.*)'$/.exec(c)![1]));
    expect(fed.map((f) => f.subject)).toEqual(['repo:<owner>/<repo>:environment:production', 'repo:<owner>/<repo>:environment:dr-drill']);
    const aks = parse(readFileSync(join(root, 'actions/aks-context/action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
    for (const f of fed) {
      expect(f.issuer).toBe('https://token.actions.githubusercontent.com');
      expect(f.audiences).toEqual([aks.inputs.audience.default]);
    }
    const switchWorkflow = parse(readFileSync(join(root, '.github/workflows/dr-switch.yml'), 'utf8'));
    expect(switchWorkflow.on.workflow_call.inputs.environment.default).toBe('production');
    expect(readFileSync(join(root, '.github/workflows/dr-drill.yml'), 'utf8')).toContain("vars.DR_DRILL_ENVIRONMENT || 'dr-drill'");
    expect(commands.some((c) => c.includes('--role "Azure Kubernetes Service Cluster User Role"'))).toBe(true);
  });

  it('the Role it applies is the one the drills and the real tier prove, and the optional check binds only list deployments', () => {
    expect(commands).toContain('kubectl apply -f docs/rbac/ccloud-dr-role.yaml');
    const role = parseAllDocuments(readFileSync(join(root, 'docs/rbac/ccloud-dr-role.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string })[0];
    expect(role.kind).toBe('Role');
    expect(commands).toContain('kubectl create clusterrole ccloud-dr-reloader-check --verb=list --resource=deployments.apps');
    // The Reloader install gives the Deployment the checks look for, by the image it runs.
    expect(commands).toContain('helm install reloader stakater/reloader --namespace reloader --create-namespace');
    expect(readFileSync(join(root, 'src/actions/verify-rollout/check.ts'), 'utf8')).toContain('stakater\\/reloader');
  });

  it('the caller workflow is valid for dr-switch.yml: every input it passes exists, the required ones are given', () => {
    const caller = blocks('yaml').find((b) => b.includes('uses: <owner>/ccloud-dr-actions/.github/workflows/dr-switch.yml@v1'))!;
    const local = caller.replace('<owner>/ccloud-dr-actions/.github/workflows/dr-switch.yml@v1', './.github/workflows/dr-switch.yml');
    expect(checkLocalWorkflowCalls(root, 'caller.yml', local)).toEqual([]);
    const doc = parse(caller) as { jobs: { switch: { permissions: Record<string, string> } }; concurrency: unknown };
    expect(doc.jobs.switch.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(doc.concurrency).toEqual({ group: 'ccloud-dr', 'cancel-in-progress': false });
  });

  it('names the variables and secrets the example topology reads, and every troubleshooting message is one the suite prints', () => {
    for (const name of ['CCLOUD_<CLUSTER>_DR_APIKEY', 'CCLOUD_<CLUSTER>_APIKEY', 'DR_ACTIONS_TOKEN', 'CCLOUD_<CLUSTER>_CLUSTERID'])
      expect(guide).toContain(name);
    const sources = [
      'src/actions/dr-plan/plan.ts',
      'src/actions/swap-configmap/swap.ts',
      'src/actions/verify-rollout/check.ts',
      'src/actions/dr-report/report.ts',
      '.github/workflows/dr-switch.yml',
      'src/actions/ccloud-mirror/peer.ts',
      'src/actions/ccloud-mirror/health.ts',
    ]
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');
    for (const phrase of [
      'is not set (used for',
      'does not exist in namespace',
      'the identity lacks',
      'Reloader does not run',
      "could not get the job's OIDC token",
      'incomplete: the mirrors moved',
      'did not answer',
      'AUTHENTICATION_ERROR',
    ])
      expect({ phrase, inGuide: guide.includes(phrase.replace(' (used for', '')), inCode: sources.includes(phrase) }).toEqual({
        phrase,
        inGuide: true,
        inCode: true,
      });
  });
});
