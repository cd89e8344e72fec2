import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The GitHub runner's protocol for JavaScript actions: inputs from `INPUT_*` variables, workflow
 * commands on stdout (`::add-mask::`, `::error::`), and environment files (`GITHUB_OUTPUT`,
 * `GITHUB_ENV`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`), encoded exactly as `@actions/core` encodes them.
 *
 * Why not `@actions/core` itself: importing it loads `@actions/http-client` and undici 6 for its OIDC
 * helper, which alone cost about 3× a bare `node -e 0` at start-up (measured: the ccloud-mirror bundle
 * missed its ≤ 3× cold-start target with nothing else on the path). The protocol below is small, stable
 * and documented. aks-context loads `@actions/core` on demand for `getIDToken`, its only OIDC user.
 */

/** `escapeData` of @actions/core: workflow command data. */
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function command(name: string, message: string): void {
  process.stdout.write(`::${name}::${escapeData(message)}${EOL}`);
}

/** Reads an input as the runner passes it: `INPUT_<NAME>` (spaces to `_`, upper-cased, dashes kept), trimmed. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Registers a secret so the runner redacts it from every later log line. */
export function setSecret(secret: string): void {
  command('add-mask', secret);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function debug(message: string): void {
  command('debug', message);
}

export function warning(message: string): void {
  command('warning', message);
}

export function error(message: string): void {
  command('error', message);
}

export function notice(message: string): void {
  command('notice', message);
}

/** Marks the step failed (exit code 1) with an error annotation; the process is not stopped. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

/**
 * Appends `key<<delimiter\nvalue\ndelimiter` to an environment file, with a random delimiter that
 * the value may not contain (as @actions/core's `prepareKeyValueMessage`).
 */
function writeKeyValue(envName: 'GITHUB_OUTPUT' | 'GITHUB_ENV' | 'GITHUB_STATE', key: string, value: string): boolean {
  const file = process.env[envName];
  if (!file) return false;
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file} (${envName})`);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (key.includes(delimiter) || value.includes(delimiter)) throw new Error(`Unexpected input: name or value contains the delimiter ${delimiter}`);
  appendFileSync(file, `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
  return true;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function setOutput(name: string, value: unknown): void {
  if (!writeKeyValue('GITHUB_OUTPUT', name, text(value))) {
    // Outside the runner (local use): the legacy command keeps the value visible.
    process.stdout.write(EOL);
    process.stdout.write(`::set-output name=${name}::${escapeData(text(value))}${EOL}`);
  }
}

export function exportVariable(name: string, value: unknown): void {
  process.env[name] = text(value);
  if (!writeKeyValue('GITHUB_ENV', name, text(value))) process.stdout.write(`::set-env name=${name}::${escapeData(text(value))}${EOL}`);
}

/** Saves a value for this action's post step (read there with `getState`). */
export function saveState(name: string, value: unknown): void {
  if (!writeKeyValue('GITHUB_STATE', name, text(value))) process.stdout.write(`::save-state name=${name}::${escapeData(text(value))}${EOL}`);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

/** Appends Markdown to the job summary; a no-op where there is none (outside the runner). */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  appendFileSync(file, markdown.endsWith(EOL) ? markdown : markdown + EOL, { encoding: 'utf8' });
}
