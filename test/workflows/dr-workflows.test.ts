import { describe, expect, it } from '@jest/globals';
import { allJobs, ConcurrencyGroups, findJob, findStep, runWorkflow, type WorkflowResult } from '../../src/playground/workflow/index.js';

/**
 * The repository's own workflows, run through the local runner, on the paths that stop before any server is
 * contacted: the plan's checks of the topology, the inputs and the secrets (by name), and the drill's refusal to
 * touch production. The full switch against the emulators is in dr-switch.integration.test.ts and the drills.
 */
const workspace = new URL('../..', import.meta.url).pathname;

const northOnly = {
  secrets: {
    CCLOUD_NORTH_DR_APIKEY: 'NDRKEYNORTH12345',
    CCLOUD_NORTH_DR_PASSWD: 'north-dr-password-0123456789',
    CCLOUD_NORTH_APIKEY: 'NKEYNORTH1234567',
    CCLOUD_NORTH_PASSWD: 'north-password-0123456789',
    KUBECONFIG: 'apiVersion: v1\nkind: Config\n',
  },
  vars: { CCLOUD_NORTH_REST_ENDPOINT: 'http://127.0.0.1:9/north', CCLOUD_NORTH_CLUSTERID: 'lkc-north', CCLOUD_NORTH_URL: 'north.kafka.local:9092' },
};

const errorsOf = (result: WorkflowResult) => result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
/** Jobs that ran past their `if` (the report always does). */
const ran = (result: WorkflowResult) =>
  allJobs(result)
    .filter((j) => !j.workflow && j.result !== 'skipped')
    .map((j) => j.path);

describe('dr-switch.yml decides everything before it changes anything', () => {
  it('refuses an unknown target and conflicting inputs in the plan, all at once; no later job runs; the report says nothing changed', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-switch.yml',
      workspace,
      event: 'workflow_call',
      inputs: { target: 'south', 'mirror-topics': 'orders', 'mirror-topic-pattern': 'o.*' },
      ...northOnly,
      concurrency: new ConcurrencyGroups(),
    });
    expect(result.conclusion).toBe('failure');
    expect(findStep(result, 'plan', 'plan')!.outcome).toBe('failure');
    const error = errorsOf(result).find((e) => e.startsWith('dr-plan:'))!;
    expect(error).toContain("input 'target' is 'south', which is not a cluster of .github/ccloud-dr.yml; expected one of: north, west");
    expect(error).toContain("inputs 'mirror-topics' and 'mirror-topic-pattern' were both set");
    expect(ran(result)).toEqual(['plan', 'report']);
    expect(result.summary).toContain('## 🛑 Switch to south refused by the plan: nothing was changed');
    expect(result.summary).toContain('Nothing was changed anywhere');
    expect(findJob(result, 'report')!.outputs.verdict).toBe('Switch to south refused by the plan: nothing was changed');
  });

  it('names every secret and variable of the target that is not set, by name only', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-switch.yml',
      workspace,
      event: 'workflow_call',
      inputs: { target: 'west' },
      ...northOnly,
      concurrency: new ConcurrencyGroups(),
    });
    const error = errorsOf(result).find((e) => e.startsWith('dr-plan:'))!;
    for (const name of [
      'variable CCLOUD_WEST_REST_ENDPOINT',
      'variable CCLOUD_WEST_CLUSTERID',
      'secret CCLOUD_WEST_DR_APIKEY',
      'secret CCLOUD_WEST_DR_PASSWD',
      'variable CCLOUD_WEST_URL',
      'secret CCLOUD_WEST_APIKEY',
      'secret CCLOUD_WEST_PASSWD',
    ])
      expect(error).toContain(`${name} is not set`);
    // North's keys are set and never stand in for west's; no value appears anywhere.
    expect(error).not.toContain('CCLOUD_NORTH_DR_APIKEY');
    const everything = JSON.stringify(result);
    for (const [name, value] of Object.entries(northOnly.secrets)) if (name !== 'KUBECONFIG') expect(everything).not.toContain(value);
    expect(ran(result)).toEqual(['plan', 'report']);
  });

  it('an input cannot inject a workflow command through the error it causes', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-switch.yml',
      workspace,
      event: 'workflow_call',
      inputs: { target: 'west\n::add-mask::x' },
      ...northOnly,
      concurrency: new ConcurrencyGroups(),
    });
    const plan = findStep(result, 'plan', 'plan')!;
    expect(plan.outcome).toBe('failure');
    expect(errorsOf(result).some((e) => e.includes("input 'target' has the value 'west\\n::add-mask::x', which is not a cluster name"))).toBe(true);
    expect(plan.log).not.toMatch(/^::add-mask::/m);
    // Had the line been read as a command, the runner would now mask every 'x'.
    expect(result.summary).toContain('x');
  });

  it('a thin caller passes its secrets and the id-token permission the reusable workflow needs', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/proxy-failover.yml',
      workspace,
      inputs: { target: 'north', 'dry-run': 'true' },
      ...northOnly,
      concurrency: new ConcurrencyGroups(),
    });
    // No 'nested job is requesting id-token: write' error: the caller job grants it.
    expect(result.annotations.filter((a) => a.message.includes('id-token'))).toEqual([]);
    // The plan saw the caller's secrets (only north's are needed to move the proxy group to north) and went on.
    expect(findStep(result, 'switch / plan', 'plan')!.outcome).toBe('success');
    expect(findJob(result, 'switch / plan')!.name).toBe('Plan the switch to north (dry run)');
    expect(JSON.parse(findStep(result, 'switch / plan', 'plan')!.outputs.groups).include.map((l: { group: string }) => l.group)).toEqual(['proxy']);
  });
});

describe('dr-drill.yml refuses to move production clients', () => {
  it('stops in its scope job on a bad duration or a missing cluster, and reports the failed drill', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-drill.yml',
      workspace,
      inputs: { primary: 'north', hold: 'forever' },
      ...northOnly,
      concurrency: new ConcurrencyGroups(),
    });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.filter((a) => a.title === 'DR drill: refused').map((a) => a.message)).toEqual([
      'no secondary cluster: set input secondary or the variable DR_SECONDARY',
      "hold 'forever' is not a duration like 90s, 5m or 1h",
    ]);
    expect(['failover', 'hold', 'failback'].map((id) => findJob(result, id)!.result)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(findJob(result, 'report')!.result).toBe('failure');
    expect(result.summary).toContain('## ❌ DR drill failed');
    expect(result.summary).toContain('| Scope | failure |');
  });

  it('on a schedule it takes the repository variables, and the plan refuses a topology in the production namespaces', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/dr-drill.yml',
      workspace,
      event: 'schedule',
      secrets: northOnly.secrets,
      vars: { ...northOnly.vars, DR_DRILL_CONFIG: '.github/ccloud-dr.yml', DR_PRIMARY: 'west', DR_SECONDARY: 'north', DR_DRILL_HOLD: '1s' },
      concurrency: new ConcurrencyGroups(),
    });
    expect(result.conclusion).toBe('failure');
    const error = errorsOf(result).find((e) => e.startsWith('dr-plan:'))!;
    expect(error).toContain("client group 'proxy' is in namespace clients, which input 'protected-namespaces' protects");
    expect(error).toContain("client group 'noproxy' is in namespace nproxy-clients, which input 'protected-namespaces' protects");
    expect(error).toContain("the switch would act on every mirror topic of link dr-link, which input 'require-topics' forbids");
    expect(ran(result).filter((p) => !p.endsWith('report'))).toEqual(['scope', 'failover / plan']);
    expect(result.summary).toContain('refused by the plan: nothing was changed');
  });
});
