import type { ConcurrencyGroups } from './concurrency.js';
import type { SecretMasker } from './masker.js';
import type { OidcIssuer } from './oidc.js';
import type { LocalRepository, Repositories } from './repositories.js';
import type { Annotation, BuiltinAction, EnvironmentConfig, Outcome, RunEvent } from './types.js';

/** What one top-level run shares with every workflow, job and step under it. */
export interface RunState {
  workspace: string;
  minuteMs: number;
  clock: () => number;
  node: string;
  debug: boolean;
  masker: SecretMasker;
  concurrency: ConcurrencyGroups;
  actions: Record<string, BuiltinAction>;
  /** The runner machine's environment every step process starts from. */
  hostEnv: Record<string, string>;
  idToken?: { requestUrl: string; requestToken: string };
  /** The run's own OIDC endpoint (`RunOptions.oidc`). */
  oidc?: OidcIssuer;
  /** `RunOptions.repositories`: set, each job gets a workspace of its own and checkout clones into it. */
  repositories?: Repositories;
  environments: Record<string, EnvironmentConfig>;
  annotations: Annotation[];
  emit(event: RunEvent): void;
  /** Parent of every job's RUNNER_TEMP. */
  tmpRoot: string;
}

/** What `needs.<job>` (and `jobs.<job>` in reusable outputs) shows. */
export interface NeedResult {
  result: Outcome;
  outputs: Record<string, string>;
}

/** One workflow being run (the top-level one or a called one). */
export interface WorkflowScope {
  run: RunState;
  file: string;
  /** Path prefix of its jobs: '' at the top, `caller / ` in a called workflow. */
  prefix: string;
  /** Ids of the enclosing runs and jobs, for GitHub's concurrency deadlock check. */
  chain: string[];
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  github: Record<string, unknown>;
  /** Evaluated workflow-level `env`. */
  env: Record<string, string>;
  /** Where `./.github/workflows/` calls of this workflow are read: a remote repository at a commit (undefined: the workspace). */
  source?: { repo: LocalRepository; ref: string; sha: string };
  /** The workflow file its jobs are defined in, as the OIDC claims job_workflow_ref and job_workflow_sha name it. */
  jobWorkflow: { ref: string; sha: string };
  /** The caller job's id-token permission (undefined at the top: no cap). */
  idTokenCap?: boolean;
  signal: AbortSignal;
  depth: number;
}

/** `runner` context and RUNNER_* variables. */
export function runnerContext(temp: string): Record<string, string> {
  return { os: 'Linux', arch: 'X64', name: 'local-runner', environment: 'self-hosted', temp, tool_cache: `${temp}/tool-cache`, debug: '' };
}

/** The default GITHUB_* / RUNNER_* variables of a step process. */
export function defaultVariables(
  github: Record<string, unknown>,
  runnerTemp: string,
  eventPath: string,
  jobId: string,
  action: string,
): Record<string, string> {
  const g = (key: string): string => String(github[key] ?? '');
  const runner = runnerContext(runnerTemp);
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: g('workspace'),
    GITHUB_REPOSITORY: g('repository'),
    GITHUB_REPOSITORY_OWNER: g('repository_owner'),
    GITHUB_EVENT_NAME: g('event_name'),
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: g('sha'),
    GITHUB_REF: g('ref'),
    GITHUB_REF_NAME: g('ref_name'),
    GITHUB_REF_TYPE: g('ref_type'),
    GITHUB_RUN_ID: g('run_id'),
    GITHUB_RUN_NUMBER: g('run_number'),
    GITHUB_RUN_ATTEMPT: g('run_attempt'),
    GITHUB_ACTOR: g('actor'),
    GITHUB_TRIGGERING_ACTOR: g('triggering_actor'),
    GITHUB_WORKFLOW: g('workflow'),
    GITHUB_WORKFLOW_REF: g('workflow_ref'),
    GITHUB_JOB: jobId,
    GITHUB_ACTION: action,
    GITHUB_SERVER_URL: g('server_url'),
    GITHUB_API_URL: g('api_url'),
    GITHUB_GRAPHQL_URL: g('graphql_url'),
    RUNNER_OS: runner.os,
    RUNNER_ARCH: runner.arch,
    RUNNER_NAME: runner.name,
    RUNNER_ENVIRONMENT: runner.environment,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: runner.tool_cache,
  };
}
