import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { evaluateCondition, interpolate, interpolateString, isTruthy, type ExpressionContexts, type StatusFunctions } from './expressions.js';
import { loadAction, type JobDef, type LoadedAction, type StepDef } from './model.js';
import { jobClaims, type OidcGrant } from './oidc.js';
import { defaultVariables, runnerContext, type NeedResult, type WorkflowScope } from './run-state.js';
import { runStepProcess, type StepProcessResult } from './step-process.js';
import type { Annotation, JobResult, Outcome, StepResult } from './types.js';

/** One job of steps (not a reusable-workflow call), with everything GitHub evaluates per job. */
export interface StepsJob {
  scope: WorkflowScope;
  id: string;
  path: string;
  name: string;
  def: JobDef;
  workflowDefaults?: { run?: { shell?: string; 'working-directory'?: string } };
  needs: Record<string, NeedResult>;
  matrix?: Record<string, unknown>;
  strategy?: Record<string, unknown>;
  /** Whether the job was granted `id-token: write`. */
  idToken: boolean;
  environment?: string;
  /** Extra secrets and variables from the job's environment. */
  environmentSecrets?: Record<string, string>;
  environmentVars?: Record<string, string>;
  concurrency?: string;
}

interface PostStep {
  name: string;
  stepId?: string;
  uses: string;
  action: LoadedAction;
  inputEnv: Record<string, string>;
  stepEnv: Record<string, string>;
  state: Record<string, string>;
  condition: string;
}

const DEFAULT_JOB_TIMEOUT_MINUTES = 360;

/** Resolves a built-in stand-in by `owner/repo[/path]@ref`, ignoring the ref. */
export function builtinKey(uses: string): string {
  return uses.split('@')[0].toLowerCase();
}

/**
 * Runs a job's steps the way the runner does: env merged workflow → job → GITHUB_ENV exports → step;
 * each step's `if` with the status functions; `continue-on-error`; `timeout-minutes` on steps and job;
 * outputs, outcomes and conclusions in `steps`; post steps of node actions at the end in reverse order;
 * job outputs evaluated last, dropping any that contain a secret.
 */
export async function runStepsJob(job: StepsJob): Promise<JobResult> {
  const { scope } = job;
  const { run } = scope;
  const startedAt = run.clock();
  const secrets = { ...scope.secrets, ...job.environmentSecrets };
  const vars = { ...scope.vars, ...job.environmentVars };
  for (const value of Object.values(secrets)) run.masker.add(value);

  const jobAbort = new AbortController();
  const onScopeAbort = (): void => jobAbort.abort();
  scope.signal.addEventListener('abort', onScopeAbort, { once: true });
  if (scope.signal.aborted) jobAbort.abort();
  const tempDir = mkdtempSync(join(run.tmpRoot, `${job.id}-`));
  const eventPath = join(tempDir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(scope.github.event ?? {}));
  // With repositories, a fresh runner: an empty workspace of the job's own, named like the repository as on GitHub.
  let jobRoot: string | undefined;
  let workspace = run.workspace;
  if (run.repositories) {
    mkdirSync(join(run.tmpRoot, 'work'), { recursive: true });
    jobRoot = mkdtempSync(join(run.tmpRoot, 'work', `${job.id}-`));
    workspace = join(jobRoot, basename(String(scope.github.repository ?? 'repository')) || 'repository');
    mkdirSync(workspace);
  }
  // The run's own OIDC endpoint: a request URL and token for this job, with its claims.
  let oidcGrant: OidcGrant | undefined;
  if (job.idToken && !run.idToken && run.oidc) {
    const { claims, audience } = jobClaims(scope.github, scope.jobWorkflow, job.environment);
    oidcGrant = run.oidc.grant(claims, audience);
    run.masker.add(oidcGrant.requestToken);
  }
  const idToken = run.idToken ?? oidcGrant;

  let status: 'success' | 'failure' = 'success';
  let timedOut = false;
  let jobEnv: Record<string, string> = {};
  const steps: StepResult[] = [];
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: Outcome; conclusion: Outcome }> = {};
  const exported: Record<string, string> = {};
  const pathAdds: string[] = [];
  const posts: PostStep[] = [];
  const cancelled = (): boolean => jobAbort.signal.aborted;
  const statusFns: StatusFunctions = { success: () => status === 'success' && !cancelled(), failure: () => status === 'failure', cancelled };
  const jobStatus = (): string => (cancelled() ? 'cancelled' : status);
  const github = { ...scope.github, job: job.id, workspace };
  const contexts = (extra: { secrets?: boolean; env?: Record<string, string>; action?: string } = {}): ExpressionContexts => ({
    github: { ...github, action: extra.action ?? '' },
    inputs: scope.inputs,
    vars,
    needs: job.needs,
    strategy: job.strategy ?? {},
    matrix: job.matrix ?? {},
    job: { status: jobStatus(), container: {}, services: {} },
    runner: runnerContext(tempDir),
    env: { ...scope.env, ...jobEnv, ...exported, ...extra.env },
    steps: stepsContext,
    ...(extra.secrets ? { secrets } : {}),
  });
  const where = (key: string): string => `${scope.file}: jobs.${job.id}.${key}`;
  const annotate = (a: Omit<Annotation, 'job'>): void => {
    run.annotations.push({ ...a, job: job.path });
  };

  let setupError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let jobMinutes = DEFAULT_JOB_TIMEOUT_MINUTES;
  try {
    const jobContexts = { github, inputs: scope.inputs, vars, needs: job.needs, strategy: job.strategy ?? {}, matrix: job.matrix ?? {}, secrets };
    jobEnv = stringRecord(interpolate(job.def.env ?? {}, jobContexts, statusFns, where('env')));
    jobMinutes = Number(interpolate(job.def['timeout-minutes'] ?? DEFAULT_JOB_TIMEOUT_MINUTES, jobContexts, statusFns, where('timeout-minutes')));
    if (!Number.isFinite(jobMinutes) || jobMinutes <= 0)
      throw new Error(`${where('timeout-minutes')}: '${String(job.def['timeout-minutes'])}' is not a positive number of minutes`);
    timer = setTimeout(() => {
      timedOut = true;
      jobAbort.abort();
    }, jobMinutes * run.minuteMs);
    if (job.def.container !== undefined || job.def.services !== undefined)
      throw new Error(`${where('container')}: container jobs and service containers are not supported by the local runner`);
    for (const step of job.def.steps ?? []) {
      if (step.uses && !step.uses.startsWith('./') && !(builtinKey(step.uses) in run.actions)) {
        throw new Error(
          `Unable to resolve action '${step.uses}' (${where('steps')}): the local runner runs './' actions from the workspace and stands in only for ${Object.keys(run.actions).join(', ') || 'nothing'}; pass a stand-in with the 'actions' option`,
        );
      }
    }
  } catch (err) {
    setupError = (err as Error).message;
  }

  if (setupError === undefined) {
    for (const [index, step] of (job.def.steps ?? []).entries()) {
      const result = await runStep(step, index);
      steps.push(result);
      if (step.id) stepsContext[step.id] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.conclusion };
      if (result.conclusion === 'failure') status = 'failure';
    }
    for (const post of posts.reverse()) steps.push(await runPost(post));
  } else {
    annotate({ level: 'error', message: setupError });
  }
  if (timer) clearTimeout(timer);
  scope.signal.removeEventListener('abort', onScopeAbort);

  const outputs: Record<string, string> = {};
  if (setupError === undefined) {
    for (const [name, value] of Object.entries(job.def.outputs ?? {})) {
      try {
        const text = interpolateString(value, contexts({ secrets: true }), statusFns, where(`outputs.${name}`));
        if (run.masker.containsSecret(text)) annotate({ level: 'warning', message: `Skip output '${name}' since it may contain secret.` });
        else outputs[name] = text;
      } catch (err) {
        annotate({ level: 'error', message: (err as Error).message });
        status = 'failure';
      }
    }
  }
  rmSync(tempDir, { recursive: true, force: true });
  if (jobRoot) rmSync(jobRoot, { recursive: true, force: true });

  let result: Outcome = status;
  let error = setupError;
  if (setupError !== undefined) result = 'failure';
  else if (timedOut) {
    result = 'failure';
    error = `The job running on runner local-runner has exceeded the maximum execution time of ${jobMinutes} minutes.`;
    annotate({ level: 'error', message: error });
  } else if (scope.signal.aborted) result = 'cancelled';
  const finishedAt = run.clock();
  return {
    id: job.id,
    path: job.path,
    name: job.name,
    result,
    outputs,
    steps,
    environment: job.environment,
    concurrency: job.concurrency,
    matrix: job.matrix,
    startedAt,
    finishedAt,
    durationMs: finishedAt - startedAt,
    error,
  };

  async function runStep(step: StepDef, index: number): Promise<StepResult> {
    const action = step.id ?? (step.run !== undefined ? `__run_${index}` : `__${(step.uses ?? '').replace(/[^A-Za-z0-9]+/g, '_')}`);
    const stepWhere = where(`steps[${index}]`);
    let name = step.run !== undefined ? `Run ${firstLine(step.run)}` : `Run ${step.uses}`;
    const startedAt = run.clock();
    const finish = (partial: Partial<StepResult> & { outcome: Outcome }, continueOnError = false): StepResult => {
      const finishedAt = run.clock();
      const conclusion: Outcome = partial.outcome === 'failure' && continueOnError ? 'success' : partial.outcome;
      const result: StepResult = {
        id: step.id,
        name,
        kind: step.run !== undefined ? 'run' : step.uses?.startsWith('./') ? 'action' : 'builtin',
        uses: step.uses,
        outputs: {},
        log: '',
        summary: '',
        ...partial,
        conclusion,
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
      };
      run.emit({
        type: 'step-end',
        job: job.path,
        step: name,
        id: step.id,
        outcome: result.outcome,
        conclusion,
        at: finishedAt,
        durationMs: result.durationMs,
      });
      return result;
    };
    try {
      if (step.name !== undefined) name = interpolateString(step.name, contexts({ secrets: true, action }), statusFns, `${stepWhere}.name`);
      run.emit({ type: 'step-start', job: job.path, step: name, id: step.id, at: startedAt });
      if (!evaluateCondition(step.if, contexts({ action }), statusFns, `${stepWhere}.if`)) return finish({ outcome: 'skipped' });
    } catch (err) {
      annotate({ level: 'error', message: (err as Error).message, step: name });
      return finish({ outcome: 'failure', error: (err as Error).message });
    }

    let continueOnError = false;
    try {
      const stepEnv = stringRecord(interpolate(step.env ?? {}, contexts({ secrets: true, action }), statusFns, `${stepWhere}.env`));
      const full = contexts({ secrets: true, env: stepEnv, action });
      continueOnError = isTruthy(interpolate(step['continue-on-error'] ?? false, full, statusFns, `${stepWhere}.continue-on-error`));
      const timeoutMinutes =
        step['timeout-minutes'] === undefined ? undefined : Number(interpolate(step['timeout-minutes'], full, statusFns, `${stepWhere}.timeout-minutes`));
      const timeoutMs = timeoutMinutes === undefined ? undefined : timeoutMinutes * run.minuteMs;
      const env = processEnv(stepEnv, action);
      const withValues: Record<string, string> = {};
      for (const [key, value] of Object.entries(step.with ?? {})) withValues[key] = interpolateString(value, full, statusFns, `${stepWhere}.with.${key}`);
      const log = (line: string): void => run.emit({ type: 'log', job: job.path, step: name, line, at: run.clock() });
      // A step that starts after a cancel (an always() or cancelled() step) runs to its end, as on GitHub.
      const signal = cancelled() ? undefined : jobAbort.signal;

      let produced: StepProcessResult;
      if (step.run !== undefined) {
        const script = interpolateString(step.run, full, statusFns, `${stepWhere}.run`);
        const shell = step.shell ?? job.def.defaults?.run?.shell ?? job.workflowDefaults?.run?.shell;
        const file = join(tempDir, `${randomUUID()}.sh`);
        writeFileSync(file, script);
        const [command, ...args] = shellCommand(shell, file);
        produced = await runStepProcess({
          command,
          args,
          env,
          cwd: workingDirectory(step),
          tempDir,
          timeoutMs,
          signal,
          masker: run.masker,
          debug: run.debug,
          onLog: log,
        });
        if (produced.end.code !== 0 && !produced.end.timedOut && !produced.end.cancelled)
          annotate({ level: 'error', message: `Process completed with exit code ${produced.end.code}.`, step: name });
      } else if (step.uses!.startsWith('./')) {
        const loaded = loadAction(resolve(workspace, step.uses!));
        const main = checkNodeAction(loaded, 'main');
        const inputEnv = actionInputs(loaded, withValues, full, name);
        produced = await runStepProcess({
          command: run.node,
          args: [main],
          env: { ...env, ...inputEnv },
          cwd: workspace,
          tempDir,
          timeoutMs,
          signal,
          masker: run.masker,
          debug: run.debug,
          onLog: log,
        });
        if (loaded.def.runs.post) {
          posts.push({
            name: `Post ${name}`,
            stepId: step.id,
            uses: step.uses!,
            action: loaded,
            inputEnv,
            stepEnv,
            state: produced.state,
            condition: loaded.def.runs['post-if'] ?? 'always()',
          });
        }
      } else {
        const lines: string[] = [];
        const handler = run.actions[builtinKey(step.uses!)];
        try {
          const out = await handler({
            with: withValues,
            env,
            log: (line) => (lines.push(run.masker.mask(line)), log(run.masker.mask(line))),
            annotate: (a) =>
              annotate({
                level: a.level,
                message: run.masker.mask(a.message),
                ...(a.title === undefined ? {} : { title: run.masker.mask(a.title) }),
                step: name,
              }),
          });
          return finish({ outcome: 'success', outputs: out?.outputs ?? {}, log: lines.join('\n') }, continueOnError);
        } catch (err) {
          const message = run.masker.mask((err as Error).message);
          annotate({ level: 'error', message, step: name });
          return finish({ outcome: 'failure', error: message, log: lines.join('\n') }, continueOnError);
        }
      }
      Object.assign(exported, produced.exported);
      pathAdds.push(...produced.paths);
      for (const a of produced.annotations) annotate({ ...a, step: name });
      for (const message of produced.fileErrors) annotate({ level: 'error', message, step: name });
      const { end } = produced;
      let outcome: Outcome = end.code === 0 && produced.fileErrors.length === 0 ? 'success' : 'failure';
      let error: string | undefined;
      if (end.timedOut) error = `The action '${name}' has timed out after ${timeoutMinutes} minutes.`;
      else if (end.cancelled) {
        outcome = 'cancelled';
        error = timedOut ? 'The job timed out.' : 'The operation was canceled.';
      } else if (end.spawnError) error = `could not start '${step.run !== undefined ? 'shell' : run.node}': ${end.spawnError}`;
      else if (outcome === 'failure') error = produced.fileErrors[0] ?? lastError(produced) ?? `exit code ${end.code}`;
      if (end.timedOut) annotate({ level: 'error', message: error!, step: name });
      return finish(
        { outcome, outputs: produced.outputs, exitCode: end.code, log: produced.log.join('\n'), summary: produced.summary, error },
        continueOnError,
      );
    } catch (err) {
      const message = (err as Error).message;
      annotate({ level: 'error', message, step: name });
      return finish({ outcome: 'failure', error: message }, continueOnError);
    }
  }

  async function runPost(post: PostStep): Promise<StepResult> {
    const startedAt = run.clock();
    run.emit({ type: 'step-start', job: job.path, step: post.name, id: post.stepId, at: startedAt });
    const done = (partial: Partial<StepResult> & { outcome: Outcome }): StepResult => {
      const finishedAt = run.clock();
      if (partial.outcome === 'failure') status = 'failure';
      run.emit({
        type: 'step-end',
        job: job.path,
        step: post.name,
        id: post.stepId,
        outcome: partial.outcome,
        conclusion: partial.outcome,
        at: finishedAt,
        durationMs: finishedAt - startedAt,
      });
      return {
        name: post.name,
        kind: 'post',
        uses: post.uses,
        outputs: {},
        log: '',
        summary: '',
        ...partial,
        conclusion: partial.outcome,
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
      };
    };
    try {
      if (!evaluateCondition(post.condition, contexts(), statusFns, `${post.action.file}: runs.post-if`)) return done({ outcome: 'skipped' });
      const script = checkNodeAction(post.action, 'post');
      const stateEnv = Object.fromEntries(Object.entries(post.state).map(([k, v]) => [`STATE_${k}`, v]));
      // Post steps run even after a cancel or a job timeout, so they get a fresh signal of their own.
      const produced = await runStepProcess({
        command: run.node,
        args: [script],
        env: { ...processEnv(post.stepEnv, post.stepId ?? post.uses), ...post.inputEnv, ...stateEnv },
        cwd: workspace,
        tempDir,
        masker: run.masker,
        debug: run.debug,
        onLog: (line) => run.emit({ type: 'log', job: job.path, step: post.name, line, at: run.clock() }),
      });
      for (const a of produced.annotations) annotate({ ...a, step: post.name });
      const outcome: Outcome = produced.end.code === 0 ? 'success' : 'failure';
      return done({
        outcome,
        exitCode: produced.end.code,
        log: produced.log.join('\n'),
        summary: produced.summary,
        error: outcome === 'failure' ? (lastError(produced) ?? `exit code ${produced.end.code}`) : undefined,
      });
    } catch (err) {
      annotate({ level: 'error', message: (err as Error).message, step: post.name });
      return done({ outcome: 'failure', error: (err as Error).message });
    }
  }

  function processEnv(stepEnv: Record<string, string>, action: string): Record<string, string> {
    const hostPath = run.hostEnv.PATH ?? process.env.PATH ?? '';
    const env: Record<string, string> = {
      ...run.hostEnv,
      ...defaultVariables(github, tempDir, eventPath, job.id, action),
      ...scope.env,
      ...jobEnv,
      ...exported,
      ...stepEnv,
      PATH: [...[...pathAdds].reverse(), hostPath].filter(Boolean).join(':'),
    };
    if (job.idToken && idToken) {
      env.ACTIONS_ID_TOKEN_REQUEST_URL = idToken.requestUrl;
      env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = idToken.requestToken;
    }
    return env;
  }

  function workingDirectory(step: StepDef): string {
    const dir = step['working-directory'] ?? job.def.defaults?.run?.['working-directory'] ?? job.workflowDefaults?.run?.['working-directory'] ?? '.';
    const full = isAbsolute(dir) ? dir : resolve(workspace, dir);
    if (!existsSync(full)) mkdirSync(full, { recursive: true });
    return full;
  }

  function actionInputs(action: LoadedAction, given: Record<string, string>, full: ExpressionContexts, stepName: string): Record<string, string> {
    const declared = action.def.inputs ?? {};
    const unexpected = Object.keys(given).filter((name) => !(name in declared));
    if (unexpected.length) {
      annotate({
        level: 'warning',
        step: stepName,
        message: `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(declared).join("', '")}']`,
      });
    }
    const env: Record<string, string> = {};
    const set = (name: string, value: string): void => {
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    };
    for (const [name, def] of Object.entries(declared)) {
      if (name in given) set(name, given[name]);
      else if (def?.default !== undefined) set(name, interpolateString(def.default, full, statusFns, `${action.file}: inputs.${name}.default`));
    }
    for (const name of unexpected) set(name, given[name]);
    return env;
  }
}

/** The node script of a local action's `main` or `post`, checked like the runner checks it. */
function checkNodeAction(action: LoadedAction, entry: 'main' | 'post'): string {
  const using = action.def.runs.using;
  if (using === 'composite') throw new Error(`${action.file}: composite actions are not supported by the local runner`);
  if (using === 'docker') throw new Error(`${action.file}: Docker actions are not supported by the local runner`);
  if (!/^node\d+$/.test(using)) throw new Error(`${action.file}: runs.using '${using}' is not a runtime the runner knows`);
  const script = action.def.runs[entry];
  if (!script) throw new Error(`${action.file}: runs.${entry} is missing`);
  const full = resolve(action.dir, script);
  if (!existsSync(full)) throw new Error(`File not found: '${full}' (runs.${entry} of ${action.file}; build the action first: npm run build -- <name>)`);
  return full;
}

/** The command line for a `run:` script, as the runner builds it for each `shell`. */
export function shellCommand(shell: string | undefined, file: string): string[] {
  switch (shell) {
    case undefined:
      return ['bash', '-e', file];
    case 'bash':
      return ['bash', '--noprofile', '--norc', '-eo', 'pipefail', file];
    case 'sh':
      return ['sh', '-e', file];
    case 'python':
      return ['python3', file];
    default:
      if (!shell.includes('{0}')) throw new Error(`shell '${shell}' is not supported locally; use bash, sh, python or a command with {0}`);
      return shell
        .split(/\s+/)
        .filter(Boolean)
        .map((part) => part.replace('{0}', file));
  }
}

function firstLine(script: string): string {
  return script.trim().split('\n')[0] ?? '';
}

function lastError(produced: StepProcessResult): string | undefined {
  return [...produced.annotations].reverse().find((a) => a.level === 'error')?.message;
}

/** An evaluated `env:` mapping as strings (booleans and numbers as GitHub prints them). */
export function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}
