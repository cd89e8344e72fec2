import { describe, expect, it } from '@jest/globals';
import { ConcurrencyGroups, findJob, findStep, runWorkflow } from '../../src/playground/workflow/index.js';

/**
 * The repository's own workflows, run through the local runner, on the paths that stop before any
 * action runs: input and secret checks, the drill's refusal to touch production. Nothing here needs the
 * actions' bundles; the full switch against the emulators is in dr-switch.integration.test.ts.
 */
const workspace = new URL('../..', import.meta.url).pathname;

const northSecrets = {
  CCLOUD_NORTH_REST_ENDPOINT: 'http://127.0.0.1:9/north',
  CCLOUD_NORTH_CLUSTERID: 'lkc-north',
  CCLOUD_NORTH_URL: 'north.kafka.local:9092',
  CCLOUD_NORTH_APIKEY: 'NKEYNORTH1234567',
  CCLOUD_NORTH_PASSWD: 'north-password-0123456789',
  KUBECONFIG: 'apiVersion: v1\nkind: Config\n',
};

describe('dr-switch.yml checks everything before it changes anything', () => {
  it('refuses bad inputs and missing secrets in the plan step; no action runs; the report still says what happened', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-switch.yml',
      workspace,
      event: 'workflow_call',
      inputs: { target: 'west', 'client-style': 'sidecar', pattern: 'active-passive', 'mirror-topics': 'orders', 'mirror-topic-pattern': 'o.*' },
      secrets: northSecrets,
      concurrency: new ConcurrencyGroups(),
    });
    expect(result.conclusion).toBe('failure');
    const job = findJob(result, 'switch')!;
    const plan = findStep(result, 'switch', 'plan')!;
    expect(plan.outcome).toBe('failure');
    const errors = result.annotations.filter((a) => a.level === 'error' && a.title === 'dr-switch: bad input').map((a) => a.message);
    expect(errors).toEqual([
      "input 'client-style' is 'sidecar'; expected proxy or noproxy",
      "no cluster link name: set input 'link-name' or the repository variable CCLOUD_LINK_NAME",
      "inputs 'mirror-topics' and 'mirror-topic-pattern' were both set; give one of them, or neither for every mirror topic of the link",
      // Only the target's secrets are asked for; the north ones that are set do not stand in for them.
      'CCLOUD_WEST_URL is not set: add it as a repository variable (or a secret)',
      'secret CCLOUD_WEST_APIKEY is not set (pass it to this workflow, e.g. secrets: inherit)',
      'secret CCLOUD_WEST_PASSWD is not set (pass it to this workflow, e.g. secrets: inherit)',
      'CCLOUD_WEST_REST_ENDPOINT is not set: add it as a repository variable (or a secret)',
      'CCLOUD_WEST_CLUSTERID is not set: add it as a repository variable (or a secret)',
    ]);
    // Every step after the plan was skipped: no checkout, no credentials, no mirror call, no ConfigMap change.
    const after = job.steps.filter((s) => s.id !== 'plan' && s.id !== 'report' && s.kind !== 'post');
    expect(after.map((s) => s.outcome)).toEqual(after.map(() => 'skipped'));
    expect(after.length).toBeGreaterThanOrEqual(7);
    const report = findStep(result, 'switch', 'report')!;
    expect(report.outcome).toBe('success');
    expect(result.summary).toContain('## DR switch report');
    expect(result.summary).toContain('| Plan and input checks | ❌ failure | |');
    expect(result.summary).toContain('| Mirror topics | ⏭️ skipped |');
    expect(result.summary).toContain('did not complete');
  });

  it('an input cannot inject a workflow command through the error it causes', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-switch.yml',
      workspace,
      event: 'workflow_call',
      inputs: { target: 'west\n::add-mask::x', pattern: 'active-active' },
      secrets: {},
      concurrency: new ConcurrencyGroups(),
    });
    const plan = findStep(result, 'switch', 'plan')!;
    expect(plan.outcome).toBe('failure');
    expect(result.annotations.map((a) => a.message)).toContain("input 'target' is 'west???add-mask??x'; expected north or west");
    expect(plan.log).not.toMatch(/^::add-mask::/m);
  });

  it('a thin caller passes its secrets and the id-token permission the reusable workflow needs', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/proxy-failover.yml',
      workspace,
      inputs: { target: 'north', pattern: 'active-active', 'dry-run': 'true' },
      secrets: { ...northSecrets, KUBECONFIG: '' },
      concurrency: new ConcurrencyGroups(),
    });
    // No 'nested job is requesting id-token: write' error: the caller job grants it.
    expect(result.annotations.filter((a) => a.message.includes('id-token'))).toEqual([]);
    const plan = findStep(result, 'switch / switch', 'plan')!;
    expect(plan.outcome).toBe('failure');
    expect(result.annotations.filter((a) => a.title === 'dr-switch: bad input').map((a) => a.message)).toEqual([
      'no Kubernetes credentials: set the KUBECONFIG secret, or AZURE_CLIENT_ID + AZURE_TENANT_ID (OIDC), or AZURE_CREDENTIALS',
      "no AKS resource group: set input 'resource-group' or the variable AKS_RESOURCE_GROUP (or use the KUBECONFIG secret)",
      "no AKS cluster: set input 'cluster-name' or the variable AKS_CLUSTER_NAME (or use the KUBECONFIG secret)",
    ]);
    expect(findJob(result, 'switch / switch')!.name).toBe('Switch to north (proxy, active-active, dry run)');
  });
});

describe('dr-drill.yml refuses to move production clients', () => {
  it('stops in preflight on a production namespace or without drill topics, and reports the failed drill', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-drill.yml',
      workspace,
      inputs: { namespace: 'clients', hold: 'forever' },
      secrets: northSecrets,
      concurrency: new ConcurrencyGroups(),
    });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.filter((a) => a.title === 'DR drill: refused').map((a) => a.message)).toEqual([
      "hold 'forever' is not a duration like 90s, 5m or 1h",
      "namespace 'clients' holds production clients; drill in a drill namespace (input namespace or variable DR_DRILL_NAMESPACE), or set allow-production",
      'no drill topics: without them the drill would reverse every mirror topic of the link; set input mirror-topics or variable DR_DRILL_TOPICS, or set allow-production',
    ]);
    expect(['failover', 'hold', 'failback'].map((id) => findJob(result, id)!.result)).toEqual(['skipped', 'skipped', 'skipped']);
    const report = findJob(result, 'report')!;
    expect(report.result).toBe('failure');
    expect(result.summary).toContain('❌ Drill failed');
    expect(result.summary).toContain('| Preflight | failure |');
  });

  it('on a schedule it takes the repository variables', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-drill.yml',
      workspace,
      event: 'schedule',
      vars: { DR_DRILL_NAMESPACE: 'nproxy-clients', DR_DRILL_TOPICS: 'drill-orders', DR_DRILL_HOLD: '1s' },
      concurrency: new ConcurrencyGroups(),
    });
    expect(result.annotations.filter((a) => a.title === 'DR drill: refused').map((a) => a.message)).toEqual([
      "namespace 'nproxy-clients' holds production clients; drill in a drill namespace (input namespace or variable DR_DRILL_NAMESPACE), or set allow-production",
    ]);
  });
});
