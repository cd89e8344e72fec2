import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The workflow and action files as the runner reads them: YAML parsed with the `yaml` package (YAML 1.2,
 * so `on:` stays a string key), then checked for the shape the runner needs. Values are kept raw; the
 * runner evaluates `${{ }}` where and when GitHub does.
 */

/** A problem with a workflow or action file itself: names the file and the key. */
export class WorkflowFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'WorkflowFileError';
  }
}

export interface InputDef {
  description?: string;
  type?: 'string' | 'boolean' | 'number' | 'choice' | 'environment';
  required?: boolean;
  default?: unknown;
  options?: string[];
}

export interface StepDef {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
  'working-directory'?: string;
  'continue-on-error'?: unknown;
  'timeout-minutes'?: unknown;
}

export interface JobDef {
  name?: string;
  needs?: string | string[];
  if?: unknown;
  'runs-on'?: unknown;
  environment?: unknown;
  env?: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: unknown;
  'timeout-minutes'?: unknown;
  'continue-on-error'?: unknown;
  outputs?: Record<string, unknown>;
  steps?: StepDef[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: 'inherit' | Record<string, unknown>;
  strategy?: { matrix?: unknown; 'fail-fast'?: unknown; 'max-parallel'?: unknown };
  defaults?: { run?: { shell?: string; 'working-directory'?: string } };
  container?: unknown;
  services?: unknown;
}

export interface WorkflowCallDef {
  inputs?: Record<string, InputDef>;
  secrets?: Record<string, { description?: string; required?: boolean } | null>;
  outputs?: Record<string, { description?: string; value: unknown }>;
}

export interface WorkflowDef {
  name?: string;
  'run-name'?: string;
  on: Record<string, unknown>;
  env?: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: unknown;
  defaults?: { run?: { shell?: string; 'working-directory'?: string } };
  jobs: Record<string, JobDef>;
}

/** A workflow file as loaded: its path (relative to the workspace) and its parsed content. */
export interface LoadedWorkflow {
  path: string;
  def: WorkflowDef;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and checks a workflow file (`path` relative to the workspace). */
export function loadWorkflow(workspace: string, path: string): LoadedWorkflow {
  const full = join(workspace, path);
  if (!existsSync(full)) throw new WorkflowFileError(path, 'the workflow file does not exist in the workspace');
  return parseWorkflow(path, readFileSync(full, 'utf8'));
}

/** Checks the text of a workflow file; `path` names it in messages and results. */
export function parseWorkflow(path: string, text: string): LoadedWorkflow {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new WorkflowFileError(path, `not valid YAML: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new WorkflowFileError(path, 'a workflow must be a YAML mapping');
  if (!isRecord(doc.jobs) || Object.keys(doc.jobs).length === 0) throw new WorkflowFileError(path, "a workflow needs a 'jobs' mapping with at least one job");
  const triggers = normaliseTriggers(doc.on, path);
  for (const [id, job] of Object.entries(doc.jobs)) {
    if (!isRecord(job)) throw new WorkflowFileError(path, `job '${id}' must be a mapping`);
    if (job.uses === undefined && !Array.isArray(job.steps)) throw new WorkflowFileError(path, `job '${id}' needs 'steps' or 'uses'`);
    if (job.uses !== undefined && job.steps !== undefined) throw new WorkflowFileError(path, `job '${id}' has both 'steps' and 'uses'`);
    for (const [i, step] of ((job.steps as unknown[]) ?? []).entries()) {
      if (!isRecord(step)) throw new WorkflowFileError(path, `jobs.${id}.steps[${i}] must be a mapping`);
      if ((step.uses === undefined) === (step.run === undefined))
        throw new WorkflowFileError(path, `jobs.${id}.steps[${i}] needs exactly one of 'uses' or 'run'`);
    }
  }
  return { path, def: { ...(doc as unknown as WorkflowDef), on: triggers } };
}

/** `on:` as a mapping, whatever form the file uses (`on: push`, `on: [push, schedule]`, mapping). */
export function normaliseTriggers(on: unknown, file: string): Record<string, unknown> {
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name) => [String(name), null]));
  if (isRecord(on)) return on;
  throw new WorkflowFileError(file, "a workflow needs an 'on' trigger");
}

/** The `workflow_call` declaration, or undefined when the workflow cannot be called. */
export function workflowCall(workflow: LoadedWorkflow): WorkflowCallDef | undefined {
  if (!('workflow_call' in workflow.def.on)) return undefined;
  const call = workflow.def.on.workflow_call;
  return isRecord(call) ? (call as WorkflowCallDef) : {};
}

/** The `workflow_dispatch` inputs. */
export function dispatchInputs(workflow: LoadedWorkflow): Record<string, InputDef> {
  const dispatch = workflow.def.on.workflow_dispatch;
  return isRecord(dispatch) && isRecord(dispatch.inputs) ? (dispatch.inputs as Record<string, InputDef>) : {};
}

export interface ActionInputDef {
  description?: string;
  required?: boolean;
  default?: unknown;
  deprecationMessage?: string;
}

/** An `action.yml` as the runner reads it. */
export interface ActionDef {
  name?: string;
  description?: string;
  inputs?: Record<string, ActionInputDef>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs: { using: string; main?: string; pre?: string; post?: string; 'post-if'?: string; 'pre-if'?: string; steps?: unknown[]; image?: string };
}

/** Where a local action lives and what it declares. */
export interface LoadedAction {
  dir: string;
  file: string;
  def: ActionDef;
}

/**
 * Loads the `action.yml` (or `action.yaml`) of a local action directory. The message for a missing file
 * is the runner's own, because the usual cause is the same: no checkout before the step.
 */
export function loadAction(dir: string): LoadedAction {
  const file = ['action.yml', 'action.yaml'].map((n) => join(dir, n)).find((f) => existsSync(f));
  if (!file) {
    throw new WorkflowFileError(
      dir,
      `Can't find 'action.yml' or 'action.yaml' under '${dir}'. Did you forget to run actions/checkout before running your local action?`,
    );
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WorkflowFileError(file, `not valid YAML (GitHub refuses the action too): ${(err as Error).message}`);
  }
  if (!isRecord(doc) || !isRecord(doc.runs) || typeof doc.runs.using !== 'string') throw new WorkflowFileError(file, "an action needs 'runs.using'");
  return { dir, file, def: doc as unknown as ActionDef };
}

/** The names a job waits for. */
export function needsOf(job: JobDef): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs.map(String) : [String(job.needs)];
}

/** Job ids in an order where every job comes after its needs; throws on a missing need or a cycle. */
export function jobOrder(workflow: LoadedWorkflow): string[] {
  const jobs = workflow.def.jobs;
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, chain: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new WorkflowFileError(workflow.path, `the jobs' needs form a cycle: ${[...chain, id].join(' -> ')}`);
    state.set(id, 'visiting');
    for (const need of needsOf(jobs[id])) {
      if (!(need in jobs)) throw new WorkflowFileError(workflow.path, `job '${id}' needs '${need}', which is not a job of this workflow`);
      visit(need, [...chain, id]);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return order;
}
