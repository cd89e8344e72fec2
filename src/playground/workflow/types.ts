import type { ConcurrencyGroups } from './concurrency.js';

/** How a step, job or run ended, in GitHub's words. */
export type Outcome = 'success' | 'failure' | 'cancelled' | 'skipped';

/** One annotation (`::error::`, `::warning::`, `::notice::`, or one the runner adds for a failure). */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
  line?: number;
  /** Job path, e.g. `failover / switch`. */
  job: string;
  step?: string;
}

/** What one step did. Times are from the run's clock (epoch ms by default). */
export interface StepResult {
  /** The step's `id`, when it has one. */
  id?: string;
  name: string;
  kind: 'run' | 'action' | 'builtin' | 'post';
  uses?: string;
  outcome: Outcome;
  /** `success` for a failed step with `continue-on-error`, otherwise the outcome. */
  conclusion: Outcome;
  outputs: Record<string, string>;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  exitCode?: number | null;
  /** The step's log, with every registered secret replaced by `***`. */
  log: string;
  /** What the step appended to GITHUB_STEP_SUMMARY (masked). */
  summary: string;
  /** Why it failed or was skipped, when it did. */
  error?: string;
}

/** What one job did; a job that calls a reusable workflow carries that run in `workflow`. */
export interface JobResult {
  /** The job id in its file. */
  id: string;
  /** The path GitHub shows: `caller / called` for jobs of a called workflow, `id (a, b)` for a matrix leg. */
  path: string;
  name: string;
  result: Outcome;
  outputs: Record<string, string>;
  steps: StepResult[];
  environment?: string;
  concurrency?: string;
  matrix?: Record<string, unknown>;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  /** Job-level failure reason (setup, approval, timeout, deadlock, ...). */
  error?: string;
  /** The run of the called workflow, for `uses: ./.github/workflows/x.yml` jobs. */
  workflow?: WorkflowResult;
}

/** What a workflow run did. */
export interface WorkflowResult {
  file: string;
  name: string;
  event: string;
  conclusion: Outcome;
  jobs: JobResult[];
  /** For a workflow run through `workflow_call`: its declared outputs. */
  outputs: Record<string, string>;
  /** Every job's summary Markdown, in job order (masked). */
  summary: string;
  annotations: Annotation[];
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  /** A reason the run did not start or stopped as a whole (bad inputs, concurrency, deadlock). */
  error?: string;
}

/** Live progress, for the drill's timeline. */
export type RunEvent =
  | { type: 'job-start'; job: string; at: number }
  | { type: 'job-end'; job: string; result: Outcome; at: number }
  | { type: 'step-start'; job: string; step: string; id?: string; at: number }
  | { type: 'step-end'; job: string; step: string; id?: string; outcome: Outcome; conclusion: Outcome; at: number; durationMs: number }
  | { type: 'log'; job: string; step: string; line: string; at: number };

/** A third-party action the local runner stands in for. */
export type BuiltinAction = (call: {
  with: Record<string, string>;
  env: Record<string, string>;
  log(line: string): void;
  /** An annotation of the step, as a problem matcher of the action would add (masked). */
  annotate(annotation: { level: Annotation['level']; message: string; title?: string }): void;
}) => Promise<{ outputs?: Record<string, string> } | void>;

/** A GitHub repository of a run, as a local git repository. */
export interface RepositoryConfig {
  /** The git repository (a work tree or a bare repository). */
  dir: string;
  /** Set for a private repository: actions/checkout reads it only with this token as `with.token`. */
  token?: string;
}

/** An environment's protection and its own secrets and variables. */
export interface EnvironmentConfig {
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** A required reviewer: resolve false to reject the deployment. Default: approved. */
  approve?: (request: { environment: string; job: string }) => boolean | Promise<boolean>;
}

/** Options of {@link runWorkflow}. */
export interface RunOptions {
  /** The workflow file, relative to the workspace, e.g. `.github/workflows/proxy-failover.yml`. */
  workflow: string;
  /** The repository checkout the workflow runs in (also `github.workspace`). */
  workspace: string;
  /** `workflow_dispatch` (default), `schedule`, `push`, or `workflow_call` to run a reusable workflow directly. */
  event?: string;
  /** Dispatch or call inputs (strings as the API sends them, or typed values). */
  inputs?: Record<string, string | boolean | number>;
  /** Repository secrets (`secrets` context). Every value is masked in logs. */
  secrets?: Record<string, string>;
  /** Repository variables (`vars` context). */
  vars?: Record<string, string>;
  /** Environments by name: approval and environment secrets/variables. */
  environments?: Record<string, EnvironmentConfig>;
  /** Extra environment for every step process (the runner machine's own environment). */
  env?: Record<string, string>;
  /** `github.*` values to override (repository, sha, ref, actor, run_id...). */
  github?: Record<string, unknown>;
  /** OIDC token endpoint handed to jobs granted `id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN). */
  idToken?: { requestUrl: string; requestToken: string };
  /**
   * A builtin OIDC token endpoint for the run (when no `idToken` is given): each job granted `id-token: write`
   * gets a token with GitHub's claims for that job (`sub`, `repository`, `ref`, `job_workflow_ref`, ...).
   */
  oidc?: boolean;
  /**
   * GitHub repositories as local git repositories, by `owner/name` (any case). When given, each job (each matrix
   * leg) runs in a fresh empty workspace of its own, `actions/checkout` clones into it from these repositories (the
   * run's own repository, when not listed, from `workspace`), and `uses: owner/name/.github/workflows/x.yml@ref`
   * runs that file at the commit the ref names. Without it, every job runs in `workspace` and checkout does nothing.
   */
  repositories?: Record<string, RepositoryConfig>;
  /** Third-party actions to stand in for, by `owner/repo` (no ref). `actions/checkout` and the artifact actions are built in. */
  actions?: Record<string, BuiltinAction>;
  /** The node binary for node actions. Default: this process's own node (node 24 under npm scripts). */
  node?: string;
  /** Milliseconds in a `timeout-minutes` minute (tests shrink it). Default 60,000. */
  minuteMs?: number;
  /** Shared concurrency groups: pass one instance to several runs to make them queue like on GitHub. */
  concurrency?: ConcurrencyGroups;
  /** Cancels the whole run, like the Cancel button. */
  signal?: AbortSignal;
  /** Progress callback. */
  onEvent?: (event: RunEvent) => void;
  /** Clock for the timestamps in results and events. Default `Date.now`. */
  clock?: () => number;
  /** Print `::debug::` lines (ACTIONS_STEP_DEBUG). */
  debug?: boolean;
}
