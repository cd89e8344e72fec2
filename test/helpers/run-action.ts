import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname;

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>;
  /** Parsed from the GITHUB_STATE file (what main saved for post). */
  state: Record<string, string>;
  /** The GITHUB_ENV file (exported variables). */
  env: Record<string, string>;
  summary: string;
  runnerTemp: string;
  /** stdout + stderr + summary + outputs: everything a user could see. The runner consumes
   *  `::add-mask::` commands (they are never shown), so those lines are left out. */
  everything: string;
  /** The values the action asked the runner to mask (`::add-mask::` commands). */
  masked: string[];
}

export interface RunOptions {
  /** Input names as in action.yml (dashes kept, e.g. `rest-endpoint`). */
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** `index` (main) or `post`. */
  entry?: 'index' | 'post';
  /** STATE_* values for a post step, e.g. the `state` of a main run. */
  state?: Record<string, string>;
  runnerTemp?: string;
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Runs a bundled action the way the GitHub runner does: `node dist/<name>/index.js` with
 * `INPUT_<NAME>` variables (upper-cased, dashes kept), GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV and
 * GITHUB_STEP_SUMMARY files, and a RUNNER_TEMP directory.
 */
export async function runAction(name: string, options: RunOptions = {}): Promise<ActionRun> {
  const work = mkdtempSync(join(tmpdir(), `run-${name}-`));
  const runnerTemp = options.runnerTemp ?? mkdtempSync(join(work, 'runner-temp-'));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_ENV: join(work, 'env'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_PATH: join(work, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    ...files,
    ...options.env,
  };
  for (const [key, value] of Object.entries(options.inputs ?? {})) env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [key, value] of Object.entries(options.state ?? {})) env[`STATE_${key}`] = value;
  const script = join(repoRoot, 'dist', name, options.entry === 'post' ? 'post/index.js' : 'index.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);

  const child = spawn(process.execPath, [script], { env, cwd: options.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish within ${options.timeoutMs ?? 60_000}ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const outputs = parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
  return {
    code,
    stdout,
    stderr,
    outputs,
    state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    env: parseCommandFile(readFileSync(files.GITHUB_ENV, 'utf8')),
    summary,
    runnerTemp,
    everything: [withoutMaskCommands(stdout), withoutMaskCommands(stderr), summary, ...Object.values(outputs)].join('\n'),
    masked: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]),
  };
}

function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** Parses the runner's `name<<DELIMITER\nvalue\nDELIMITER` file format. */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      result[heredoc[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      result[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return result;
}

/** The `::error::` lines an action printed (what the runner shows as annotations). */
export function errorLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((l) => l.startsWith('::error'));
}

/** Fails with the secret's position (not its value) when any secret appears in what users see. */
export function findLeaks(text: string, secrets: string[]): string[] {
  return secrets.filter((s) => s.length > 0 && text.includes(s)).map((s) => `secret of length ${s.length} starting '${s.slice(0, 2)}…'`);
}
