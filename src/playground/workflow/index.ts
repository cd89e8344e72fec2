/**
 * A local GitHub Actions runner for this repository's workflow files: the drill and the tests run the
 * workflows users run, not a copy of them. See `runWorkflow`.
 */
export { runWorkflow } from './workflow.js';
export { ConcurrencyGroups, defaultConcurrencyGroups } from './concurrency.js';
export { SecretMasker } from './masker.js';
export { evaluate, evaluateCondition, interpolate, interpolateString, findPlaceholders, ExpressionFailure } from './expressions.js';
export { loadWorkflow, loadAction, workflowCall, dispatchInputs, jobOrder, WorkflowFileError } from './model.js';
export type { ActionDef, JobDef, StepDef, WorkflowDef, LoadedWorkflow, LoadedAction, InputDef } from './model.js';
export type { Annotation, BuiltinAction, EnvironmentConfig, JobResult, Outcome, RunEvent, RunOptions, StepResult, WorkflowResult } from './types.js';
export { allJobs, allSteps, findJob, findStep } from './results.js';
