import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { artifactActions } from './artifacts.js';
import { defaultConcurrencyGroups, type ConcurrencyRequester } from './concurrency.js';
import { evaluateCondition, interpolate, interpolateString, isTruthy, type ExpressionContexts, type StatusFunctions } from './expressions.js';
import { typeInputs, WorkflowInputError } from './inputs.js';
import { runStepsJob, stringRecord } from './job.js';
import { SecretMasker } from './masker.js';
import { expandMatrix, legName } from './matrix.js';
import { dispatchInputs, jobOrder, loadWorkflow, needsOf, parseWorkflow, workflowCall, type JobDef, type LoadedWorkflow } from './model.js';
import { OidcIssuer } from './oidc.js';
import { checkoutAction, parseRemoteWorkflow, readAt, Repositories, resolveRef } from './repositories.js';
import type { NeedResult, RunState, WorkflowScope } from './run-state.js';
import type { Annotation, BuiltinAction, JobResult, Outcome, RunOptions, WorkflowResult } from './types.js';

/** The stand-in for actions/checkout without `repositories`: the workspace already is the repository at the commit under test. */
const checkout: BuiltinAction = async ({ with: inputs, log }) => {
  const target = inputs.repository ? ` (${inputs.repository}${inputs.ref ? `@${inputs.ref}` : ''})` : '';
  log(`actions/checkout${target}: local run, the workspace is already the repository; nothing to fetch`);
};

/** GitHub allows this many levels of nested reusable workflows. */
const MAX_DEPTH = 10;

/**
 * Runs a workflow file the way GitHub Actions would: inputs typed and checked against the trigger,
 * jobs in `needs` order (independent jobs concurrently), reusable workflows through `uses:
 * ./.github/workflows/x.yml` (and, with `repositories`, `owner/name/.github/workflows/x.yml@ref`) with `with`,
 * `secrets` and outputs, concurrency groups, environments, `permissions: id-token` (with `oidc`, a token endpoint
 * of the run's own), and every `./actions/<name>` step run from its bundle as a child process. With
 * `repositories`, each job runs in a workspace of its own that actions/checkout fills, as on a fresh runner.
 * Returns a structured result (jobs, steps with outcomes and timings, outputs, summary Markdown); never
 * throws for a failing workflow, only reports it.
 */
export async function runWorkflow(options: RunOptions): Promise<WorkflowResult> {
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const event = options.event ?? 'workflow_dispatch';
  const masker = new SecretMasker();
  const token = `ghs_${randomBytes(18).toString('base64url')}`;
  const secrets = { ...options.secrets, GITHUB_TOKEN: token };
  for (const value of Object.values(secrets)) masker.add(value);
  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) abort.abort();
  const tmpRoot = mkdtempSync(resolve(tmpdir(), 'workflow-run-'));
  const repository = String(options.github?.repository ?? DEFAULT_REPOSITORY);
  let repositories: Repositories | undefined;
  let oidc: OidcIssuer | undefined;
  try {
    if (options.repositories) repositories = new Repositories(options.repositories, { name: repository, dir: options.workspace });
    if (options.oidc && !options.idToken) oidc = await OidcIssuer.start();
  } catch (err) {
    rmSync(tmpRoot, { recursive: true, force: true });
    options.signal?.removeEventListener('abort', onAbort);
    throw err;
  }
  const run: RunState = {
    workspace: resolve(options.workspace),
    minuteMs: options.minuteMs ?? 60_000,
    clock,
    node: options.node ?? process.execPath,
    debug: options.debug ?? false,
    masker,
    concurrency: options.concurrency ?? defaultConcurrencyGroups,
    actions: {
      'actions/checkout': repositories ? checkoutAction(repositories, token) : checkout,
      ...artifactActions(resolve(tmpRoot, 'artifacts')),
      ...Object.fromEntries(Object.entries(options.actions ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: process.env.LANG ?? 'C.UTF-8', ...options.env },
    idToken: options.idToken,
    oidc,
    repositories,
    environments: options.environments ?? {},
    annotations: [],
    emit: (e) => options.onEvent?.(e),
    tmpRoot,
  };
  const failed = (file: string, name: string, error: string): WorkflowResult => {
    const finishedAt = clock();
    const annotations: Annotation[] = [...run.annotations, { level: 'error', message: error, job: '' }];
    return {
      file,
      name,
      event,
      conclusion: 'failure',
      jobs: [],
      outputs: {},
      summary: '',
      annotations,
      startedAt,
      finishedAt,
      durationMs: finishedAt - startedAt,
      error,
    };
  };

  let workflow: LoadedWorkflow;
  try {
    workflow = loadWorkflow(run.workspace, options.workflow);
  } catch (err) {
    options.signal?.removeEventListener('abort', onAbort);
    await oidc?.close();
    rmSync(run.tmpRoot, { recursive: true, force: true });
    return failed(options.workflow, options.workflow, (err as Error).message);
  }
  const name = workflow.def.name ?? workflow.path;
  try {
    if (!(event in workflow.def.on))
      throw new WorkflowInputError(`${workflow.path}: the workflow has no '${event}' trigger (it has: ${Object.keys(workflow.def.on).join(', ')})`);
    const declared = event === 'workflow_dispatch' ? dispatchInputs(workflow) : event === 'workflow_call' ? (workflowCall(workflow)?.inputs ?? {}) : {};
    const given = options.inputs ?? {};
    if (!['workflow_dispatch', 'workflow_call'].includes(event) && Object.keys(given).length)
      throw new WorkflowInputError(`${workflow.path}: a '${event}' run has no inputs`);
    const { inputs, eventInputs } = typeInputs(declared, given, event === 'workflow_call' ? 'call' : 'dispatch', workflow.path);
    const github = githubContext(run.workspace, workflow, name, event, eventInputs, { token, ...options.github });
    const scope: WorkflowScope = {
      run,
      file: workflow.path,
      prefix: '',
      chain: [],
      inputs,
      secrets,
      vars: options.vars ?? {},
      github,
      env: {},
      jobWorkflow: { ref: String(github.workflow_ref), sha: String(github.workflow_sha) },
      signal: abort.signal,
      depth: 0,
    };
    const result = await runScoped(scope, workflow, 'top level workflow');
    const finishedAt = clock();
    return { ...result, event, startedAt, finishedAt, durationMs: finishedAt - startedAt, annotations: run.annotations };
  } catch (err) {
    return failed(workflow.path, name, (err as Error).message);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await oidc?.close();
    rmSync(run.tmpRoot, { recursive: true, force: true });
  }
}

const DEFAULT_REPOSITORY = 'local/ccloud-dr-actions';

const never: StatusFunctions = { success: () => true, failure: () => false, cancelled: () => false };

/** Workflow-level env and concurrency, the jobs, then the declared `workflow_call` outputs. */
async function runScoped(
  scope: WorkflowScope,
  workflow: LoadedWorkflow,
  label: string,
): Promise<Omit<WorkflowResult, 'event' | 'startedAt' | 'finishedAt' | 'durationMs' | 'annotations'>> {
  const { run } = scope;
  const name = workflow.def.name ?? workflow.path;
  const base: ExpressionContexts = { github: scope.github, inputs: scope.inputs, vars: scope.vars };
  scope.env = stringRecord(interpolate(workflow.def.env ?? {}, { ...base, secrets: scope.secrets }, never, `${workflow.path}: env`));
  const id = `${scope.chain.at(-1) ?? 'run'}:${workflow.path}:${randomUUID()}`;
  scope.chain = [...scope.chain, id];
  const controller = new AbortController();
  const forward = (): void => controller.abort();
  scope.signal.addEventListener('abort', forward, { once: true });
  if (scope.signal.aborted) controller.abort();
  scope.signal = controller.signal;
  const lock = await acquire(scope, workflow.def.concurrency, base, `${workflow.path}: concurrency`, {
    id,
    chain: scope.chain,
    label,
    cancel: () => controller.abort(),
  });
  if (lock && !lock.ok) {
    run.annotations.push({ level: 'error', message: lock.reason, job: scope.prefix });
    return { file: workflow.path, name, conclusion: 'cancelled', jobs: [], outputs: {}, summary: '', error: lock.reason };
  }
  try {
    const { jobs, needs } = await runJobs(scope, workflow);
    const outputs: Record<string, string> = {};
    const call = workflowCall(workflow);
    if (scope.depth > 0 || call) {
      for (const [key, def] of Object.entries(call?.outputs ?? {})) {
        outputs[key] = interpolateString(def?.value, { ...base, jobs: needs }, never, `${workflow.path}: on.workflow_call.outputs.${key}`);
      }
    }
    const results = jobs.map((j) => j.result);
    const conclusion: Outcome = results.includes('failure') ? 'failure' : results.includes('cancelled') || controller.signal.aborted ? 'cancelled' : 'success';
    return { file: workflow.path, name, conclusion, jobs, outputs, summary: jobSummaries(jobs) };
  } finally {
    if (lock?.ok) lock.release();
    scope.signal.removeEventListener('abort', forward);
  }
}

/** Every job's steps' summaries, called workflows included, in job order. */
function jobSummaries(jobs: JobResult[]): string {
  return jobs
    .map((job) => (job.workflow ? job.workflow.summary : job.steps.map((s) => s.summary).join('')))
    .filter(Boolean)
    .join('\n');
}

async function acquire(scope: WorkflowScope, value: unknown, contexts: ExpressionContexts, where: string, requester: ConcurrencyRequester) {
  if (value === undefined || value === null) return undefined;
  const evaluated = interpolate(value, contexts, never, where);
  const group = typeof evaluated === 'object' && evaluated ? String((evaluated as Record<string, unknown>).group ?? '') : String(evaluated);
  const cancelInProgress = typeof evaluated === 'object' && evaluated ? isTruthy((evaluated as Record<string, unknown>)['cancel-in-progress']) : false;
  if (!group) throw new Error(`${where}: the concurrency group is empty`);
  return { group, ...(await scope.run.concurrency.acquire(group, requester, cancelInProgress)) };
}

/** Runs every job once its needs are done; independent jobs run at the same time, as on GitHub. */
async function runJobs(scope: WorkflowScope, workflow: LoadedWorkflow): Promise<{ jobs: JobResult[]; needs: Record<string, NeedResult> }> {
  const order = jobOrder(workflow);
  const done = new Map<string, NeedResult>();
  const results = new Map<string, JobResult[]>();
  const pending = new Set(order);
  const running = new Map<string, Promise<void>>();
  while (pending.size || running.size) {
    for (const id of [...pending]) {
      if (!needsOf(workflow.def.jobs[id]).every((n) => done.has(n))) continue;
      pending.delete(id);
      running.set(
        id,
        runJobLegs(scope, workflow, id, done).then((legs) => {
          results.set(id, legs);
          done.set(id, aggregate(legs));
          running.delete(id);
        }),
      );
    }
    if (running.size) await Promise.race(running.values());
  }
  return { jobs: order.flatMap((id) => results.get(id) ?? []), needs: Object.fromEntries(done) };
}

function aggregate(legs: JobResult[]): NeedResult {
  const results = legs.map((l) => l.result);
  const result: Outcome = results.includes('failure')
    ? 'failure'
    : results.includes('cancelled')
      ? 'cancelled'
      : results.every((r) => r === 'skipped')
        ? 'skipped'
        : 'success';
  return { result, outputs: Object.assign({}, ...legs.map((l) => l.outputs)) };
}

/** Whether any job this one needs, directly or not, failed (job-level `failure()`). */
function ancestorFailed(workflow: LoadedWorkflow, id: string, done: Map<string, NeedResult>): boolean {
  return needsOf(workflow.def.jobs[id]).some((n) => done.get(n)?.result === 'failure' || ancestorFailed(workflow, n, done));
}

async function runJobLegs(scope: WorkflowScope, workflow: LoadedWorkflow, id: string, done: Map<string, NeedResult>): Promise<JobResult[]> {
  const { run } = scope;
  const def = workflow.def.jobs[id];
  const needs = Object.fromEntries(needsOf(def).map((n) => [n, done.get(n)!]));
  const where = `${workflow.path}: jobs.${id}`;
  const path = `${scope.prefix}${id}`;
  const now = run.clock();
  const stub = (result: Outcome, error?: string): JobResult => ({
    id,
    path,
    name: def.name ?? id,
    result,
    outputs: {},
    steps: [],
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    error,
  });
  const status: StatusFunctions = {
    success: () => Object.values(needs).every((n) => n.result === 'success') && !scope.signal.aborted,
    failure: () => ancestorFailed(workflow, id, done),
    cancelled: () => scope.signal.aborted,
  };
  const base: ExpressionContexts = { github: scope.github, needs, vars: scope.vars, inputs: scope.inputs };
  let legs: Array<Record<string, unknown> | undefined> = [undefined];
  try {
    if (!evaluateCondition(def.if, base, status, `${where}.if`)) return [stub('skipped')];
    if (def.strategy?.matrix !== undefined)
      legs = expandMatrix(interpolate(def.strategy.matrix, base, never, `${where}.strategy.matrix`), `${where}.strategy.matrix`);
  } catch (err) {
    run.annotations.push({ level: 'error', message: (err as Error).message, job: path });
    return [stub('failure', (err as Error).message)];
  }
  const failFast =
    def.strategy?.['fail-fast'] === undefined ? true : isTruthy(interpolate(def.strategy['fail-fast'], base, never, `${where}.strategy.fail-fast`));
  // GitHub names a leg by the matrix values its `name` uses, or by all of them when the name uses none.
  const named = typeof def.name === 'string' ? [...def.name.matchAll(/matrix\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]) : [];
  const shown = (matrix: Record<string, unknown>) => (named.length ? Object.fromEntries(named.filter((k) => k in matrix).map((k) => [k, matrix[k]])) : matrix);
  if (legs.length === 1 && legs[0] === undefined) return [await runLeg(scope, workflow, id, def, path, needs, undefined, 1)];
  // The legs run at once, as on GitHub (max-parallel unset); with fail-fast, a failed leg cancels the others.
  const legsAbort = new AbortController();
  const forward = (): void => legsAbort.abort();
  scope.signal.addEventListener('abort', forward, { once: true });
  if (scope.signal.aborted) legsAbort.abort();
  const legScope: WorkflowScope = { ...scope, signal: legsAbort.signal };
  try {
    return await Promise.all(
      legs.map(async (matrix) => {
        const result = await runLeg(legScope, workflow, id, def, legName(path, shown(matrix!)), needs, matrix, legs.length);
        if (failFast && result.result === 'failure') legsAbort.abort();
        return result;
      }),
    );
  } finally {
    scope.signal.removeEventListener('abort', forward);
  }
}

async function runLeg(
  scope: WorkflowScope,
  workflow: LoadedWorkflow,
  id: string,
  def: JobDef,
  path: string,
  needs: Record<string, NeedResult>,
  matrix: Record<string, unknown> | undefined,
  total: number,
): Promise<JobResult> {
  const { run } = scope;
  const where = `${workflow.path}: jobs.${id}`;
  const startedAt = run.clock();
  const strategy = matrix ? { 'fail-fast': true, 'job-total': total, 'max-parallel': total } : {};
  const contexts: ExpressionContexts = { github: scope.github, needs, strategy, matrix: matrix ?? {}, vars: scope.vars, inputs: scope.inputs };
  const fail = (error: string, result: Outcome = 'failure'): JobResult => {
    run.annotations.push({ level: 'error', message: error, job: path });
    const finishedAt = run.clock();
    return { id, path, name: def.name ?? id, result, outputs: {}, steps: [], matrix, startedAt, finishedAt, durationMs: finishedAt - startedAt, error };
  };
  run.emit({ type: 'job-start', job: path, at: startedAt });
  const controller = new AbortController();
  const forward = (): void => controller.abort();
  scope.signal.addEventListener('abort', forward, { once: true });
  if (scope.signal.aborted) controller.abort();
  const jobScope: WorkflowScope = { ...scope, signal: controller.signal };
  let lock: Awaited<ReturnType<typeof acquire>> = undefined;
  let result: JobResult;
  try {
    const name = def.name === undefined ? id : interpolateString(def.name, contexts, never, `${where}.name`);
    const idToken = idTokenGrant(scope, workflow, id, def);
    const jobId = `${scope.chain.at(-1)}:${path}`;
    lock = await acquire(scope, def.concurrency, contexts, `${where}.concurrency`, {
      id: jobId,
      chain: [...scope.chain, jobId],
      label: id,
      cancel: () => controller.abort(),
    });
    if (lock && !lock.ok) result = fail(lock.reason, 'cancelled');
    else {
      const environment = environmentName(interpolate(def.environment, contexts, never, `${where}.environment`));
      const config = environment ? run.environments[environment] : undefined;
      if (config?.approve && !(await config.approve({ environment: environment!, job: path })))
        result = fail(`The deployment to environment '${environment}' was rejected.`);
      else if (def.uses !== undefined) {
        result = await runCall(jobScope, workflow, id, def, path, name, matrix, idToken, contexts);
      } else {
        result = await runStepsJob({
          scope: jobScope,
          id,
          path,
          name,
          def,
          workflowDefaults: workflow.def.defaults,
          needs,
          matrix,
          strategy,
          idToken,
          environment,
          environmentSecrets: config?.secrets,
          environmentVars: config?.vars,
          concurrency: lock?.group,
        });
      }
    }
  } catch (err) {
    result = fail((err as Error).message);
  } finally {
    scope.signal.removeEventListener('abort', forward);
  }
  if (lock?.ok) lock.release();
  run.emit({ type: 'job-end', job: path, result: result.result, at: run.clock() });
  return result;
}

function environmentName(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return String((value as Record<string, unknown>).name ?? '') || undefined;
  return String(value);
}

/** `id-token: write` from `permissions: {id-token: write}` or `write-all`; undefined when not declared. */
function declaredIdToken(permissions: unknown): boolean | undefined {
  if (permissions === undefined || permissions === null) return undefined;
  if (permissions === 'write-all') return true;
  if (typeof permissions === 'string') return false;
  return (permissions as Record<string, unknown>)['id-token'] === 'write';
}

/**
 * The job's id-token grant. A called workflow's jobs inherit the caller job's permissions and may only
 * lower them; asking for more is GitHub's startup error, reported the same way.
 */
function idTokenGrant(scope: WorkflowScope, workflow: LoadedWorkflow, id: string, def: JobDef): boolean {
  const declared = declaredIdToken(def.permissions) ?? declaredIdToken(workflow.def.permissions);
  if (scope.idTokenCap === undefined) return declared ?? false;
  if (declared && !scope.idTokenCap) {
    throw new Error(`${workflow.path}: The nested job '${id}' is requesting 'id-token: write', but is only allowed 'id-token: none'.`);
  }
  return declared ?? scope.idTokenCap;
}

async function runCall(
  scope: WorkflowScope,
  caller: LoadedWorkflow,
  id: string,
  def: JobDef,
  path: string,
  name: string,
  matrix: Record<string, unknown> | undefined,
  idToken: boolean,
  contexts: ExpressionContexts,
): Promise<JobResult> {
  const { run } = scope;
  const where = `${caller.path}: jobs.${id}`;
  const startedAt = run.clock();
  const uses = def.uses!;
  const remote = uses.startsWith('./') ? undefined : parseRemoteWorkflow(uses);
  const remoteRepo = remote && run.repositories?.find(remote.repository);
  if (!uses.startsWith('./') && !remoteRepo)
    throw new Error(`${where}.uses: '${uses}' is a remote reusable workflow; the local runner runs only ./.github/workflows/ files of the workspace`);
  if (scope.depth + 1 > MAX_DEPTH) throw new Error(`${where}.uses: reusable workflows nest deeper than ${MAX_DEPTH} levels`);
  const { called, source, jobWorkflow } = await calledWorkflow(scope, where, uses, remote && remoteRepo ? { ...remote, repo: remoteRepo } : undefined);
  const call = workflowCall(called);
  if (!call) throw new Error(`${where}.uses: ${called.path} is not a reusable workflow (it has no on.workflow_call trigger)`);
  const given = (interpolate(def.with ?? {}, contexts, never, `${where}.with`) ?? {}) as Record<string, unknown>;
  const { inputs } = typeInputs(call.inputs ?? {}, given, 'call', called.path);
  const declaredSecrets = call.secrets ?? {};
  let secrets: Record<string, string>;
  if (def.secrets === 'inherit') secrets = { ...scope.secrets };
  else {
    secrets = { GITHUB_TOKEN: scope.secrets.GITHUB_TOKEN };
    for (const [key, value] of Object.entries(def.secrets ?? {})) {
      if (!(key in declaredSecrets)) throw new Error(`${where}.secrets: Invalid secret, ${key} is not defined in the referenced workflow.`);
      secrets[key] = interpolateString(value, { ...contexts, secrets: scope.secrets }, never, `${where}.secrets.${key}`);
    }
  }
  for (const [key, declared] of Object.entries(declaredSecrets)) {
    if (declared?.required && !secrets[key]) throw new Error(`${where}.secrets: Secret ${key} is required, but not provided while calling.`);
  }
  const nested: WorkflowScope = {
    ...scope,
    file: called.path,
    prefix: `${path} / `,
    inputs,
    secrets,
    env: {},
    source,
    jobWorkflow,
    idTokenCap: idToken,
    depth: scope.depth + 1,
  };
  const workflow = await runScoped(nested, called, id);
  const finishedAt = run.clock();
  const annotations = run.annotations.filter((a) => a.job.startsWith(nested.prefix));
  return {
    id,
    path,
    name,
    result: workflow.conclusion,
    outputs: workflow.outputs,
    steps: [],
    matrix,
    startedAt,
    finishedAt,
    durationMs: finishedAt - startedAt,
    error: workflow.error,
    workflow: { ...workflow, event: String(scope.github.event_name), startedAt, finishedAt, durationMs: finishedAt - startedAt, annotations },
  };
}

/**
 * The workflow a job calls, and where its own `./` calls and its jobs' OIDC claims point: `./.github/workflows/x.yml`
 * is read from where the calling workflow came from (the workspace, or a remote repository at the same commit), a
 * remote `owner/name/.github/workflows/x.yml@ref` from that repository at the commit the ref names.
 */
async function calledWorkflow(
  scope: WorkflowScope,
  where: string,
  uses: string,
  remote: { repo: NonNullable<WorkflowScope['source']>['repo']; path: string; ref: string } | undefined,
): Promise<{ called: LoadedWorkflow; source: WorkflowScope['source']; jobWorkflow: WorkflowScope['jobWorkflow'] }> {
  const read = async (source: NonNullable<WorkflowScope['source']>, path: string): Promise<LoadedWorkflow> => {
    const text = await readAt(source.repo, source.sha, path);
    if (text === undefined) throw new Error(`${where}.uses: '${uses}': ${path} is not a file of ${source.repo.name} at ${source.sha}`);
    return parseWorkflow(`${source.repo.name}/${path}@${source.ref}`, text);
  };
  if (!remote) {
    const path = uses.slice(2);
    if (scope.source) {
      const called = await read(scope.source, path);
      return { called, source: scope.source, jobWorkflow: { ref: called.path, sha: scope.source.sha } };
    }
    const called = loadWorkflow(scope.run.workspace, path);
    return { called, source: undefined, jobWorkflow: { ref: `${scope.github.repository}/${path}@${scope.github.ref}`, sha: String(scope.github.sha) } };
  }
  const resolved = await resolveRef(remote.repo, remote.ref, ['tags', 'heads']);
  if (!resolved)
    throw new Error(
      `${where}.uses: '${uses}': failed to fetch workflow: reference to workflow should be either a valid branch, tag, or commit (${remote.ref} is none in ${remote.repo.name})`,
    );
  const source = { repo: remote.repo, ref: resolved.ref, sha: resolved.sha };
  const called = await read(source, remote.path);
  return { called, source, jobWorkflow: { ref: called.path, sha: resolved.sha } };
}

/** The `github` context of a run (and of the workflows it calls, which share it). */
function githubContext(
  workspace: string,
  workflow: LoadedWorkflow,
  name: string,
  event: string,
  eventInputs: Record<string, string>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  let sha = '0'.repeat(40);
  try {
    sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || sha;
  } catch {
    // Not a git checkout: keep the placeholder commit.
  }
  const repository = String(overrides.repository ?? DEFAULT_REPOSITORY);
  const ref = String(overrides.ref ?? 'refs/heads/main');
  const schedule = event === 'schedule' ? ((workflow.def.on.schedule as Array<{ cron?: string }> | undefined)?.[0]?.cron ?? '') : undefined;
  const payload: Record<string, unknown> =
    event === 'workflow_dispatch'
      ? { inputs: eventInputs, ref, repository: { full_name: repository } }
      : event === 'schedule'
        ? { schedule }
        : { repository: { full_name: repository } };
  return {
    event_name: event,
    event: payload,
    workspace,
    repository,
    repository_owner: repository.split('/')[0],
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha,
    run_id: String(Date.now()),
    run_number: '1',
    run_attempt: '1',
    actor: 'local',
    triggering_actor: 'local',
    workflow: name,
    workflow_ref: `${repository}/${workflow.path}@${ref}`,
    workflow_sha: String(overrides.sha ?? sha),
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
    retention_days: '90',
    ...overrides,
  };
}
