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
  // A legacy `##[...]` command inside an annotation's text is escaped too (a mask keeps its exact value, or it
  // would not match what it must redact).
  const data = name === 'add-mask' ? escapeData(message) : escapeData(message).replace(/##\[/g, '#%23[');
  process.stdout.write(`::${name}::${data}${EOL}`);
}

/** Reads an input as the runner passes it: `INPUT_<NAME>` (spaces to `_`, upper-cased, dashes kept), trimmed. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Marks a value as secret so the runner redacts it from every log line. */
export type Masker = (value: string) => void;

/**
 * The one way to register a secret: the whole value, and each line of a multi-line value on its own,
 * because the runner matches masks line by line (a PEM key or a multi-line password would otherwise
 * show line by line). Empty and blank values are skipped: masking them would redact every line.
 */
export const maskSecret: Masker = (value) => {
  if (!value || value.trim() === '') return;
  command('add-mask', value);
  if (/[\r\n]/.test(value)) for (const line of value.split(/\r?\n|\r/)) if (line.trim() !== '') command('add-mask', line);
};

/**
 * Makes text inert for the runner: a line that starts (after blanks) with `::` would be read as a workflow
 * command, and `##[` anywhere as a legacy one. Both are escaped by their first character, visibly
 * (`%3A:error`, `#%23[`), so text from servers, files and users can never set outputs, masks or errors.
 */
export function inert(text: string): string {
  return text
    .split(/(\r?\n|\r)/)
    .map((part) => part.replace(/^(\s*):/, '$1%3A').replace(/##\[/g, '#%23['))
    .join('');
}

/** Writes a log line. Every line of it is made inert: text from outside can never become a command. */
export function info(message: string): void {
  process.stdout.write(inert(message) + EOL);
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
  appendFileSync(file, keyValueMessage(key, value, `ghadelimiter_${randomUUID()}`), { encoding: 'utf8' });
  return true;
}

/** The heredoc the runner parses; refuses a name or value holding the delimiter, which would end it early. */
export function keyValueMessage(key: string, value: string, delimiter: string): string {
  if (key.includes(delimiter) || value.includes(delimiter)) throw new Error(`Unexpected input: name or value contains the delimiter ${delimiter}`);
  return `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
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

/** Sets outputs; objects and arrays become JSON so later steps can `fromJSON` them. */
export function setOutputs(outputs: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
}

/** Appends Markdown to the job summary; a no-op where there is none (outside the runner). */
export function appendSummary(markdown: string, options: { collapsible?: boolean } = {}): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const text = (options.collapsible ?? true) && process.env[COLLAPSE_SUMMARIES] === 'collapsed' ? collapse(markdown) : markdown;
  // Ends with a blank line: the next summary (often a heading) must start a Markdown block of its own, or a
  // closing `</details>` here would swallow it into the HTML block.
  appendFileSync(file, `${text.replace(/\s+$/, '')}${EOL}${EOL}`, { encoding: 'utf8' });
}

/**
 * Set to `collapsed` (dr-switch.yml does), every action's summary is folded under its first heading, so a job
 * summary made of many steps shows one line per step and the DR report (written with `collapsible: false`) stands
 * out at once.
 */
export const COLLAPSE_SUMMARIES = 'CCLOUD_DR_SUMMARY';

/** `<details>` with the first heading's text as the summary line (HTML-escaped), the rest as the body. */
export function collapse(markdown: string): string {
  const lines = markdown.replace(/\s+$/, '').split(/\r?\n/);
  const at = lines.findIndex((l) => /^#{1,6} /.test(l));
  if (at < 0) return markdown;
  const title = lines[at]
    .replace(/^#{1,6} /, '')
    .replace(/\\([\\`*_[\]()#!|~{}])/g, '$1')
    .replace(/`/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  const body = [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n').trim();
  return `<details><summary>${title}</summary>\n\n${body}\n\n</details>`;
}
