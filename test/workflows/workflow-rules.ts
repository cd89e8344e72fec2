import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findPlaceholders } from '../../src/playground/workflow/expressions.js';

/**
 * The checks no linter makes for this repository's workflows: `with:` of local actions and local reusable
 * workflows against what they declare, no expression inside a shell script, pinned third-party actions.
 * Each returns readable problems (empty when the file is fine), so a failing test says what to fix.
 */

type Doc = Record<string, unknown>;
const isRecord = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function jobsOf(doc: Doc): Array<[string, Doc]> {
  return isRecord(doc.jobs) ? (Object.entries(doc.jobs).filter(([, j]) => isRecord(j)) as Array<[string, Doc]>) : [];
}

function stepsOf(job: Doc): Doc[] {
  return Array.isArray(job.steps) ? (job.steps.filter(isRecord) as Doc[]) : [];
}

function stepLabel(file: string, jobId: string, index: number, step: Doc): string {
  return `${file}: jobs.${jobId}.steps[${index}]${step.name ? ` (${String(step.name)})` : step.id ? ` (${String(step.id)})` : ''}`;
}

/** Every `with:` key of a `./actions/<n>` step is an input of that action, and every required input is given. */
export function checkLocalActionInputs(root: string, file: string, text: string): string[] {
  const problems: string[] = [];
  const doc = parse(text) as Doc;
  for (const [jobId, job] of jobsOf(doc)) {
    stepsOf(job).forEach((step, i) => {
      const uses = typeof step.uses === 'string' ? step.uses : '';
      if (!uses.startsWith('./actions/')) return;
      const where = stepLabel(file, jobId, i, step);
      const actionFile = ['action.yml', 'action.yaml'].map((n) => join(root, uses, n)).find((p) => existsSync(p));
      if (!actionFile) return problems.push(`${where}: ${uses} has no action.yml`);
      let action: Doc;
      try {
        action = parse(readFileSync(actionFile, 'utf8')) as Doc;
      } catch (err) {
        return problems.push(`${where}: ${uses}/action.yml is not valid YAML (GitHub would refuse it too): ${(err as Error).message.split('\n')[0]}`);
      }
      const declared = isRecord(action.inputs) ? action.inputs : {};
      const given = isRecord(step.with) ? step.with : {};
      for (const key of Object.keys(given))
        if (!(key in declared)) problems.push(`${where}: '${key}' is not an input of ${uses} (inputs: ${Object.keys(declared).join(', ')})`);
      for (const [name, def] of Object.entries(declared)) {
        const required = isRecord(def) && def.required === true && (def.default === undefined || def.default === '');
        if (required && (given[name] === undefined || given[name] === null || given[name] === ''))
          problems.push(`${where}: required input '${name}' of ${uses} is not given`);
      }
    });
  }
  return problems;
}

/** Every `with:`/`secrets:` of a job calling `./.github/workflows/x.yml` matches what x declares under workflow_call. */
export function checkLocalWorkflowCalls(root: string, file: string, text: string): string[] {
  const problems: string[] = [];
  const doc = parse(text) as Doc;
  for (const [jobId, job] of jobsOf(doc)) {
    const uses = typeof job.uses === 'string' ? job.uses : '';
    if (!uses.startsWith('./')) continue;
    const where = `${file}: jobs.${jobId}`;
    const path = join(root, uses);
    if (!existsSync(path)) {
      problems.push(`${where}: ${uses} does not exist`);
      continue;
    }
    const called = parse(readFileSync(path, 'utf8')) as Doc;
    const on = isRecord(called.on) ? called.on : {};
    const call = isRecord(on.workflow_call) ? on.workflow_call : undefined;
    if (!call) {
      problems.push(`${where}: ${uses} has no on.workflow_call`);
      continue;
    }
    const inputs = isRecord(call.inputs) ? call.inputs : {};
    const given = isRecord(job.with) ? job.with : {};
    for (const key of Object.keys(given)) if (!(key in inputs)) problems.push(`${where}.with: '${key}' is not an input of ${uses}`);
    for (const [name, def] of Object.entries(inputs)) {
      if (isRecord(def) && def.required === true && def.default === undefined && given[name] === undefined)
        problems.push(`${where}.with: required input '${name}' of ${uses} is not given`);
    }
    const secrets = isRecord(call.secrets) ? call.secrets : {};
    if (job.secrets !== 'inherit') {
      const passed = isRecord(job.secrets) ? job.secrets : {};
      for (const key of Object.keys(passed)) if (!(key in secrets)) problems.push(`${where}.secrets: '${key}' is not a secret of ${uses}`);
      for (const [name, def] of Object.entries(secrets)) {
        if (isRecord(def) && def.required === true && passed[name] === undefined)
          problems.push(`${where}.secrets: required secret '${name}' of ${uses} is not passed`);
      }
    }
  }
  return problems;
}

/**
 * No `${{ }}` inside a `run:` script: an expression is pasted into the script before the shell sees it,
 * so a secret lands in the script file and an input or event field can inject shell code. Values go
 * through `env:` instead. Every expression is refused; the message names the risky contexts.
 */
export function checkRunScripts(file: string, text: string): string[] {
  const problems: string[] = [];
  const doc = parse(text) as Doc;
  for (const [jobId, job] of jobsOf(doc)) {
    stepsOf(job).forEach((step, i) => {
      if (typeof step.run !== 'string') return;
      for (const place of findPlaceholders(step.run)) {
        const risky = /\b(secrets|inputs|github\s*\.\s*event|vars)\b/.test(place.expression)
          ? ' (a secret, an input or event data: pass it through env:)'
          : ' (pass it through env:)';
        problems.push(`${stepLabel(file, jobId, i, step)}: run: contains \${{ ${place.expression} }}${risky}`);
      }
    });
  }
  return problems;
}

/** Third-party actions are pinned by a full commit SHA, with the version in a comment (`# v5.0.0`). */
export function checkPinnedActions(file: string, text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s*)?uses:\s*([^\s#]+)(\s*#\s*(\S+))?/.exec(line);
    if (!m || m[1].startsWith('./') || m[1].startsWith('docker://')) return;
    const ref = m[1].split('@')[1] ?? '';
    if (!/^[0-9a-f]{40}$/.test(ref)) problems.push(`${file}:${i + 1}: '${m[1]}' is not pinned by a full commit SHA`);
    else if (!m[3]) problems.push(`${file}:${i + 1}: '${m[1]}' has no version comment (e.g. # v5.0.0)`);
  });
  return problems;
}
