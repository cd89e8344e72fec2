import type { JobResult, StepResult, WorkflowResult } from './types.js';

/** Every job of a run, called workflows' jobs included (depth first, in job order). */
export function allJobs(result: WorkflowResult): JobResult[] {
  return result.jobs.flatMap((job) => [job, ...(job.workflow ? allJobs(job.workflow) : [])]);
}

/** Every step of a run with its job path, in the order they ran within each job: the drill's timeline. */
export function allSteps(result: WorkflowResult): Array<StepResult & { job: string }> {
  return allJobs(result).flatMap((job) => job.steps.map((step) => ({ ...step, job: job.path })));
}

/** A job by its path (`failover / switch`) or, when unique, by its id. */
export function findJob(result: WorkflowResult, pathOrId: string): JobResult | undefined {
  const jobs = allJobs(result);
  return jobs.find((j) => j.path === pathOrId) ?? (jobs.filter((j) => j.id === pathOrId).length === 1 ? jobs.find((j) => j.id === pathOrId) : undefined);
}

/** A step of a job by its `id` or name. */
export function findStep(result: WorkflowResult, job: string, step: string): StepResult | undefined {
  return findJob(result, job)?.steps.find((s) => s.id === step || s.name === step);
}
