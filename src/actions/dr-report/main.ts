import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '../../core/runner.js';
import { InputError } from '../../core/errors.js';
import { InputReader } from '../../core/inputs.js';
import { reportOf, verdictLine } from './report.js';
import { switchState, type GroupResult, type Needs } from './state.js';

/**
 * dr-report: the DR switch's report in the workflow's own job summary, from the jobs' results (`toJSON(needs)`)
 * and the client groups' result files: the verdict first (what moved, RPO, RTO, UTC times, who and with which
 * inputs, the next step), then where things stand, the timeline, and each group's details collapsed. Fails the
 * step when the switch did not complete, so the run shows it.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const inputs = new InputReader();
  const needs = json<Needs>(inputs, 'jobs');
  const given = json<Record<string, unknown>>(inputs, 'inputs', {});
  const groups = readGroups(inputs.string('results'));
  const state = switchState(needs, groups, given['source-reachable'] !== false && given['source-reachable'] !== 'false');
  const started = needs.plan?.outputs?.['started-at'];
  const startedAt = started ? Date.parse(started) : undefined;
  const finishedAt = Date.now();
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const summary = reportOf({
    needs,
    groups,
    state,
    inputs: given,
    startedAt,
    finishedAt,
    actor: env.GITHUB_ACTOR,
    triggeringActor: env.GITHUB_TRIGGERING_ACTOR,
    event: env.GITHUB_EVENT_NAME,
    runUrl,
  });
  const verdict = verdictLine(state, typeof given.target === 'string' ? given.target : undefined);
  core.setOutputs({
    verdict,
    stage: state.stage,
    'switch-seconds': startedAt === undefined ? '' : ((finishedAt - startedAt) / 1000).toFixed(1),
    rpo: state.rpo ? String(state.rpo.records) : '',
    'rpo-exact': state.rpo ? String(state.rpo.exact) : '',
  });
  // The verdict is never folded away, whatever the other steps' summaries do.
  core.appendSummary(summary, { collapsible: false });
  core.info(verdict);
  if (state.stage !== 'done' && state.stage !== 'dry-run') throw new Error(verdict);
}

function json<T>(inputs: InputReader, name: string, fallback?: T): T {
  const raw = inputs.string(name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new InputError(name, 'is required but was not set', name === 'jobs' ? '`${{ toJSON(needs) }}`' : '`${{ toJSON(inputs) }}`');
  }
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new InputError(name, 'is not JSON', name === 'jobs' ? '`${{ toJSON(needs) }}`' : '`${{ toJSON(inputs) }}`');
  }
}

/** `check-<group>.json` and `group-<group>.json` files the group jobs wrote; a file that is not JSON is skipped with a warning. */
function readGroups(dir: string | undefined): GroupResult[] {
  if (!dir || !existsSync(dir)) return [];
  const out: GroupResult[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = /^(check|group)-(.+)\.json$/.exec(name);
    if (!m) continue;
    try {
      const raw = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Omit<GroupResult, 'phase'>;
      out.push({ ...raw, phase: m[1] === 'check' ? 'check' : 'move', objects: raw.objects ?? [], workloads: raw.workloads ?? [], steps: raw.steps ?? {} });
    } catch {
      core.warning(`the result file ${name} is not JSON; its group is left out of the report`);
    }
  }
  return out;
}
