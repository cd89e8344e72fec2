import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkExportedName, CommandFileError, parseCommandLine, parseKeyValueFile, parsePathFile } from './commands.js';
import type { SecretMasker } from './masker.js';
import { runProcess, type ProcessEnd } from './process.js';
import type { Annotation } from './types.js';

/** What a step process produced, read back the way the runner reads it. */
export interface StepProcessResult {
  end: ProcessEnd;
  outputs: Record<string, string>;
  exported: Record<string, string>;
  paths: string[];
  state: Record<string, string>;
  /** Masked. */
  summary: string;
  /** Masked. */
  log: string[];
  annotations: Array<Omit<Annotation, 'job' | 'step'>>;
  /** Environment-file problems (a missing heredoc delimiter, NODE_OPTIONS): they fail the step. */
  fileErrors: string[];
}

export interface StepProcessOptions {
  command: string;
  args: string[];
  /** The step's environment, without the command files (added here). */
  env: Record<string, string>;
  cwd: string;
  /** Where this step's command files go (a fresh directory per step, as on the runner). */
  tempDir: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  masker: SecretMasker;
  debug: boolean;
  /** Each masked log line as it arrives. */
  onLog(line: string): void;
}

/**
 * Runs one step's process with fresh GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY files, interprets `::commands::` on stdout as they arrive (an `::add-mask::`
 * hides the value from the very next line), and reads the files back afterwards.
 */
export async function runStepProcess(options: StepProcessOptions): Promise<StepProcessResult> {
  const dir = mkdtempSync(join(options.tempDir, 'step-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const log: string[] = [];
  const annotations: StepProcessResult['annotations'] = [];
  const commandOutputs: Record<string, string> = {};
  const commandState: Record<string, string> = {};
  let stopToken: string | undefined;
  const write = (line: string): void => {
    const masked = options.masker.mask(line);
    log.push(masked);
    options.onLog(masked);
  };

  const onLine = (line: string, stream: 'stdout' | 'stderr'): void => {
    if (stream === 'stderr') return write(line);
    const cmd = parseCommandLine(line);
    if (stopToken !== undefined) {
      if (cmd && cmd.command === stopToken) stopToken = undefined;
      else write(line);
      return;
    }
    if (!cmd) return write(line);
    switch (cmd.command) {
      case 'add-mask':
        options.masker.add(cmd.message);
        return;
      case 'stop-commands':
        stopToken = cmd.message;
        return;
      case 'set-output':
        if (cmd.properties.name) commandOutputs[cmd.properties.name] = cmd.message;
        annotations.push({
          level: 'warning',
          message: 'The `set-output` command is deprecated and will be disabled soon. Please upgrade to using Environment Files.',
        });
        return;
      case 'save-state':
        if (cmd.properties.name) commandState[cmd.properties.name] = cmd.message;
        return;
      case 'set-env':
      case 'add-path':
        annotations.push({
          level: 'error',
          message: `The \`${cmd.command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`.`,
        });
        return;
      case 'error':
      case 'warning':
      case 'notice': {
        const message = options.masker.mask(cmd.message);
        const line = cmd.properties.line ? Number(cmd.properties.line) : undefined;
        annotations.push({ level: cmd.command, message, title: cmd.properties.title, file: cmd.properties.file, line });
        write(`${cmd.command[0].toUpperCase()}${cmd.command.slice(1)}: ${cmd.message}`);
        return;
      }
      case 'debug':
        if (options.debug) write(`##[debug]${cmd.message}`);
        return;
      case 'group':
      case 'endgroup':
        return write(line);
      default:
        // Unknown commands are printed as plain text by the runner.
        return write(line);
    }
  };

  const end = await runProcess({
    command: options.command,
    args: options.args,
    env: { ...options.env, ...files },
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onLine,
  });

  const fileErrors: string[] = [];
  const read = <T>(file: string, parse: (text: string) => T, empty: T): T => {
    try {
      return parse(readFileSync(file, 'utf8'));
    } catch (err) {
      fileErrors.push(err instanceof CommandFileError ? err.message : `${file}: ${(err as Error).message}`);
      return empty;
    }
  };
  const outputs = { ...commandOutputs, ...read(files.GITHUB_OUTPUT, (t) => parseKeyValueFile(t, 'GITHUB_OUTPUT'), {}) };
  const exported = read(files.GITHUB_ENV, (t) => parseKeyValueFile(t, 'GITHUB_ENV'), {});
  for (const name of Object.keys(exported)) {
    const refused = checkExportedName(name);
    if (refused) {
      fileErrors.push(refused);
      delete exported[name];
    }
  }
  return {
    end,
    outputs,
    exported,
    paths: read(files.GITHUB_PATH, parsePathFile, []),
    state: { ...commandState, ...read(files.GITHUB_STATE, (t) => parseKeyValueFile(t, 'GITHUB_STATE'), {}) },
    summary: options.masker.mask(read(files.GITHUB_STEP_SUMMARY, (t) => t, '')),
    log,
    annotations,
    fileErrors,
  };
}
