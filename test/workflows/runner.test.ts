import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyGroups, findJob, findStep, runWorkflow, type RunEvent } from '../../src/playground/workflow/index.js';
import { fixtureWorkspace } from './helpers.js';

const workspace = fixtureWorkspace();
const wf = (name: string): string => `.github/workflows/${name}.yml`;

describe('runWorkflow: jobs, steps, env and outputs', () => {
  it('runs a dispatch workflow with typed inputs, env precedence, GITHUB_* files, needs and a matrix', async () => {
    const events: RunEvent[] = [];
    const result = await runWorkflow({ workflow: wf('basics'), workspace, inputs: { name: 'bob', count: '3' }, onEvent: (e) => events.push(e) });
    expect(result.error).toBeUndefined();
    expect(result.conclusion).toBe('success');

    const first = findJob(result, 'first')!;
    expect(first.result).toBe('success');
    expect(findStep(result, 'first', 'produce')!.outputs).toEqual({ value: 'x', multi: 'line one\nline two' });
    // Step env beats job env beats workflow env; GITHUB_ENV exports and GITHUB_PATH reach later steps.
    expect(findStep(result, 'first', 'env')!.log).toBe('level=step from_workflow=bob exported=from-step event=workflow_dispatch\ntool-ran');
    // The action got its `with:` (evaluated) and its default (an expression) as INPUT_* variables.
    expect(findStep(result, 'first', 'echo')!.log).toBe('message=x-bob-3-from-step greeting=hi local/ccloud-dr-actions secret=');
    // count arrives as the string '3' from the dispatch API and becomes a number; '0' == false is true in GitHub's rules.
    expect(findStep(result, 'first', 'typed')!.log).toBe('multi=true flag=false count_plus=true loose=true json=2');
    expect(first.outputs).toEqual({ value: 'x', echoed: 'x-bob-3-from-step' });
    // The post step ran last, with the state main saved and the same inputs.
    expect(first.steps.at(-1)).toMatchObject({
      name: 'Post Run ./actions/echo',
      kind: 'post',
      outcome: 'success',
      log: 'post state=state-of-x-bob-3-from-step message=x-bob-3-from-step',
    });

    expect(findJob(result, 'second')!.steps[0].log).toBe('got x-bob-3-from-step result=success');
    expect(findJob(result, 'only-with-flag')!.result).toBe('skipped');
    expect(findJob(result, 'legs (north)')!.steps[0].log).toBe('leg north prefix=');
    expect(findJob(result, 'legs (west, w)')!.steps[0].log).toBe('leg west prefix=w');
    expect(result.summary).toBe('### echo x-bob-3-from-step\n');

    // Timing and events for the drill's timeline: second starts after first ends.
    const firstEnd = events.find((e) => e.type === 'job-end' && e.job === 'first')!.at;
    const secondStart = events.find((e) => e.type === 'job-start' && e.job === 'second')!.at;
    expect(secondStart).toBeGreaterThanOrEqual(firstEnd);
    for (const step of first.steps) expect(step.finishedAt - step.startedAt).toBe(step.durationMs);
    expect(events.filter((e) => e.type === 'step-end' && e.job === 'first').map((e) => (e as { id?: string }).id)).toEqual([
      'produce',
      'env',
      'echo',
      'typed',
      'echo',
    ]);
  });

  it('refuses bad dispatch inputs before running anything', async () => {
    const missing = await runWorkflow({ workflow: wf('basics'), workspace, inputs: {} });
    expect(missing.conclusion).toBe('failure');
    expect(missing.jobs).toEqual([]);
    expect(missing.error).toContain("Required input 'name' not provided");

    const choice = await runWorkflow({ workflow: wf('basics'), workspace, inputs: { name: 'a', level: 'extreme' } });
    expect(choice.error).toContain("Provided value 'extreme' for input 'level' not in the list of allowed values: low, high");
    const boolean = await runWorkflow({ workflow: wf('basics'), workspace, inputs: { name: 'a', flag: 'yes' } });
    expect(boolean.error).toContain("Unexpected type of value 'yes', expected type: Boolean");
    const extra = await runWorkflow({ workflow: wf('basics'), workspace, inputs: { name: 'a', colour: 'red' } });
    expect(extra.error).toContain('Unexpected inputs provided: ["colour"]');
    const trigger = await runWorkflow({ workflow: wf('basics'), workspace, event: 'schedule' });
    expect(trigger.error).toContain("the workflow has no 'schedule' trigger");
  });
});

describe('runWorkflow: failures, status functions, timeouts', () => {
  it('skips steps after a failure, runs failure()/always() steps, honours continue-on-error, runs posts in reverse', async () => {
    const result = await runWorkflow({ workflow: wf('failures'), workspace, minuteMs: 200 });
    expect(result.conclusion).toBe('failure');
    const breaks = findJob(result, 'breaks')!;
    expect(breaks.result).toBe('failure');
    const byId = Object.fromEntries(breaks.steps.filter((s) => s.id).map((s) => [s.id, s]));
    expect(byId.tolerated).toMatchObject({ outcome: 'failure', conclusion: 'success', exitCode: 3 });
    expect(byId.fails).toMatchObject({ outcome: 'failure', conclusion: 'failure', exitCode: 7, log: 'about to fail' });
    expect(byId['not-run'].outcome).toBe('skipped');
    expect(byId['on-failure'].log).toBe('fails outcome=failure tolerated=failure/success');
    expect(byId.second.outcome).toBe('success');
    expect(breaks.steps.filter((s) => s.kind === 'post').map((s) => s.log)).toEqual([
      'post state=state-of-second message=second',
      'post state=state-of-first message=first',
    ]);
    expect(result.annotations).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'error', message: 'Process completed with exit code 7.', job: 'breaks' })]),
    );

    // A job whose need failed is skipped; a job with if: failure() runs when any ancestor failed.
    expect(findJob(result, 'after-failure')!.result).toBe('skipped');
    expect(findJob(result, 'report')!.steps[0].log).toBe('step-failure=false after=skipped');
  });

  it('kills a step at its timeout-minutes and fails it, then runs always() steps', async () => {
    const result = await runWorkflow({ workflow: wf('failures'), workspace, minuteMs: 200 });
    const slow = findJob(result, 'slow')!;
    expect(slow.steps[0]).toMatchObject({ id: 'sleepy', outcome: 'failure', error: "The action 'Run sleep 30' has timed out after 1 minutes." });
    // Killed at 200 ms, not after the 30 s sleep (a generous bound that does not depend on machine speed).
    expect(slow.steps[0].durationMs).toBeLessThan(10_000);
    expect(slow.steps[1].log).toBe('sleepy=failure');
  });

  it('fails a job at setup when a step uses an action the runner cannot resolve, and a missing local action at its step', async () => {
    const result = await runWorkflow({ workflow: wf('unknown-action'), workspace });
    const setup = findJob(result, 'setup')!;
    expect(setup.result).toBe('failure');
    expect(setup.steps).toEqual([]);
    expect(setup.error).toContain("Unable to resolve action 'someone/else@v1'");
    expect(setup.error).toContain('stands in only for actions/checkout');

    const checkout = findJob(result, 'checkout-only')!;
    expect(checkout.steps[0]).toMatchObject({ kind: 'builtin', outcome: 'success' });
    expect(checkout.steps[1].outcome).toBe('failure');
    expect(checkout.steps[1].error).toContain("Can't find 'action.yml' or 'action.yaml'");
    expect(checkout.steps[1].error).toContain('Did you forget to run actions/checkout');
    expect(checkout.steps[2].log).toBe('missing=failure');
  });
});

describe('runWorkflow: secrets', () => {
  const secret = 'S3cr3t-Value-4217';

  it('masks secrets and ::add-mask:: values in logs and summaries, and drops job outputs holding a secret', async () => {
    const result = await runWorkflow({ workflow: wf('masking'), workspace, secrets: { API_SECRET: secret } });
    const leak = findJob(result, 'leak')!;
    const derive = leak.steps[0];
    expect(derive.log).toBe(['secret is ***', 'derived is ***', 'Warning: value % is 100% ***'].join('\n'));
    expect(derive.summary).toBe('summary has ***\n');
    expect(result.summary).not.toContain(secret);
    // The step output itself keeps the value (later steps need it) but the job output is refused.
    expect(derive.outputs.dirty).toBe(secret);
    expect(leak.outputs).toEqual({ clean: 'nothing-secret' });
    expect(result.annotations).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'warning', message: "Skip output 'dirty' since it may contain secret." })]),
    );
    expect(result.annotations).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'warning', title: 'Heads up', message: 'value % is 100% ***' })]),
    );
    const everything = JSON.stringify(result.jobs.map((j) => j.steps.map((s) => [s.log, s.summary]))) + JSON.stringify(result.annotations);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(`token-${[...secret].reverse().join('')}`);
    // Between stop-commands and its token, ::add-mask:: is plain text; after it, commands work again.
    expect(leak.steps[1].log).toBe(['::add-mask::not-a-mask', 'shown: not-a-mask ***'].join('\n'));
  });
});

describe('runWorkflow: reusable workflows', () => {
  it('calls ./.github/workflows/x.yml with typed inputs, explicit and inherited secrets, and its outputs', async () => {
    const result = await runWorkflow({
      workflow: wf('caller'),
      workspace,
      secrets: { TOKEN: 'tok-123456', OTHER: 'other-654321' },
      idToken: { requestUrl: 'http://127.0.0.1:1/token', requestToken: 'oidc-request-token' },
    });
    expect(result.error).toBeUndefined();
    expect(result.conclusion).toBe('success');
    const call = findJob(result, 'call')!;
    expect(call.workflow?.jobs.map((j) => j.path)).toEqual(['call / inner']);
    // Explicit secrets: only TOKEN is visible; the caller's workflow env does not propagate; id-token granted by the caller job.
    expect(findJob(result, 'call / inner')!.steps[0].log).toBe('token=*** other-visible=false workflow-env=unset oidc=http://127.0.0.1:1/token');
    expect(call.outputs).toEqual({ greeting: 'hello-west-dry-true', 'inner-result': 'success' });
    // secrets: inherit passes every secret; this caller job grants no id-token.
    expect(findJob(result, 'inherit / inner')!.steps[0].log).toBe('token=*** other-visible=true workflow-env=unset oidc=none');
    expect(findJob(result, 'use-outputs')!.steps[0].log).toBe('call=hello-west-dry-true inner=success inherit=hello-inherited-dry-false');
  });

  it('refuses a wrong input type, a missing required secret, and a nested job asking for more permissions', async () => {
    const result = await runWorkflow({ workflow: wf('bad-call'), workspace, secrets: {} });
    expect(result.conclusion).toBe('failure');
    expect(findJob(result, 'wrong-type')!.error).toContain("input 'dry-run': Unexpected type of value 'true', expected type: Boolean.");
    expect(findJob(result, 'missing-secret')!.error).toContain('Secret TOKEN is required, but not provided while calling.');
    expect(findJob(result, 'asks-more')!.result).toBe('failure');
    expect(findJob(result, 'asks-more / login')!.error).toContain(
      "The nested job 'login' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
    );
    for (const id of ['wrong-type', 'missing-secret']) expect(findJob(result, id)!.workflow).toBeUndefined();
  });
});

describe('runWorkflow: concurrency and environments', () => {
  it('queues runs of one concurrency group and cancels the older pending run, as GitHub does', async () => {
    const groups = new ConcurrencyGroups();
    const release = join(mkdtempSync(join(tmpdir(), 'lock-')), 'release');
    const options = { workflow: wf('locked'), workspace, concurrency: groups };
    const until = async (check: () => boolean): Promise<void> => {
      while (!check()) await new Promise((r) => setTimeout(r, 10));
    };
    const first = runWorkflow({ ...options, inputs: { label: 'one', 'release-file': release } });
    await until(() => groups.holder('shared-lock') !== undefined);
    const second = runWorkflow({ ...options, inputs: { label: 'two' } });
    await until(() => groups.waiting('shared-lock') !== undefined);
    const secondWaiter = groups.waiting('shared-lock');
    const third = runWorkflow({ ...options, inputs: { label: 'three' } });
    await until(() => groups.waiting('shared-lock') !== secondWaiter);
    writeFileSync(release, '');
    const [one, two, three] = await Promise.all([first, second, third]);
    expect(one.conclusion).toBe('success');
    expect(two.conclusion).toBe('cancelled');
    expect(two.error).toBe("Canceling since a higher priority waiting request for 'shared-lock' exists");
    expect(two.jobs).toEqual([]);
    expect(three.conclusion).toBe('success');
    // The third started only after the first had finished: they never overlapped.
    expect(findJob(three, 'hold')!.startedAt).toBeGreaterThanOrEqual(findJob(one, 'hold')!.finishedAt);
    expect(groups.holder('shared-lock')).toBeUndefined();
  });

  it("reports GitHub's deadlock when a called workflow asks for its caller's group", async () => {
    const result = await runWorkflow({ workflow: wf('deadlock'), workspace, concurrency: new ConcurrencyGroups() });
    const inner = findJob(result, 'inner')!;
    expect(inner.result).toBe('cancelled');
    expect(inner.error).toBe("Canceling since a deadlock for concurrency group 'shared-lock' was detected between 'top level workflow' and 'inner'");
  });

  it('gives a job its environment secrets and variables, and stops when the reviewer rejects', async () => {
    const environments = { production: { secrets: { ENV_ONLY: 'env-secret-xyz' }, vars: { WHERE: 'prod' } } };
    const approved = await runWorkflow({ workflow: wf('environments'), workspace, environments });
    expect(findJob(approved, 'deploy')!).toMatchObject({ result: 'success', environment: 'production' });
    expect(findJob(approved, 'deploy')!.steps[0].log).toBe('key=*** where=prod');

    const asked: string[] = [];
    const rejected = await runWorkflow({
      workflow: wf('environments'),
      workspace,
      environments: { production: { ...environments.production, approve: ({ environment, job }) => (asked.push(`${environment}:${job}`), false) } },
    });
    expect(asked).toEqual(['production:deploy']);
    expect(findJob(rejected, 'deploy')!).toMatchObject({ result: 'failure', steps: [], error: "The deployment to environment 'production' was rejected." });
  });
});

describe('runWorkflow: cancellation and job timeouts', () => {
  it('cancels the running step on abort, skips the rest, runs cancelled()/always() steps and post steps', async () => {
    const abort = new AbortController();
    const running = runWorkflow({
      workflow: wf('cancel'),
      workspace,
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'step-start' && e.id === 'wait') setTimeout(() => abort.abort(), 100);
      },
    });
    const result = await running;
    expect(result.conclusion).toBe('cancelled');
    const job = findJob(result, 'long')!;
    expect(job.result).toBe('cancelled');
    const byId = Object.fromEntries(job.steps.filter((s) => s.kind !== 'post').map((s) => [s.id, s.outcome]));
    expect(byId).toEqual({ echo: 'success', wait: 'cancelled', after: 'skipped', cleanup: 'success', always: 'success' });
    expect(findStep(result, 'long', 'always')!.log).toBe('always ran, wait=cancelled status=cancelled');
    expect(job.steps.at(-1)).toMatchObject({ kind: 'post', outcome: 'success' });
    expect(findStep(result, 'long', 'wait')!.durationMs).toBeLessThan(10_000);
  });

  it("fails a job that exceeds its timeout-minutes with the runner's message", async () => {
    const result = await runWorkflow({ workflow: wf('cancel'), workspace, inputs: { 'job-minutes': '1' }, minuteMs: 1500 });
    const job = findJob(result, 'long')!;
    expect(job.result).toBe('failure');
    expect(job.error).toBe('The job running on runner local-runner has exceeded the maximum execution time of 1 minutes.');
    expect(findStep(result, 'long', 'wait')!.outcome).toBe('cancelled');
    expect(findStep(result, 'long', 'cleanup')!.outcome).toBe('success');
  });
});

describe('runWorkflow: environment files', () => {
  it('refuses NODE_OPTIONS in GITHUB_ENV and an unterminated heredoc, failing the step', async () => {
    const result = await runWorkflow({ workflow: wf('env-files'), workspace });
    expect(findStep(result, 'files', 'node-options')).toMatchObject({
      outcome: 'failure',
      error: "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
    });
    expect(findStep(result, 'files', 'unterminated')).toMatchObject({ outcome: 'failure', error: "GITHUB_OUTPUT: Matching delimiter not found 'END'" });
    expect(findStep(result, 'files', 'check')!.log).toBe('node_options=unset');
  });
});
