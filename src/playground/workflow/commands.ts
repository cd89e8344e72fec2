/**
 * The two ways a step talks to the runner: environment files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE,
 * GITHUB_PATH) and `::command::` lines on stdout. Parsing follows the runner's rules, including its
 * refusals (`set-env` and `add-path` are disabled; NODE_OPTIONS cannot be exported).
 */

/** Thrown when a step wrote an environment file the runner rejects. */
export class CommandFileError extends Error {}

/**
 * Parses `name=value` and `name<<DELIMITER` ... `DELIMITER` lines. A missing closing delimiter is an
 * error, as on the runner ("Matching delimiter not found").
 */
export function parseKeyValueFile(text: string, file: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!name || !delimiter) throw new CommandFileError(`${file}: invalid line '${line}'`);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i]);
      }
      if (!closed) throw new CommandFileError(`${file}: Matching delimiter not found '${delimiter}'`);
      result[name] = value.join('\n');
    } else if (eq > 0) {
      result[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new CommandFileError(`${file}: invalid line '${line}'; expected name=value or name<<DELIMITER`);
    }
  }
  return result;
}

/** GITHUB_PATH: one directory per line. */
export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Variables a step may not set through GITHUB_ENV. */
export function checkExportedName(name: string): string | undefined {
  if (name.toUpperCase() === 'NODE_OPTIONS') return "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.";
  return undefined;
}

/** One parsed `::command key=value,...::message` line. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** Parses a stdout line as a workflow command, or returns undefined for ordinary output. */
export function parseCommandLine(line: string): WorkflowCommand | undefined {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith('::')) return undefined;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return undefined;
  const head = trimmed.slice(2, end);
  const space = head.indexOf(' ');
  const command = (space < 0 ? head : head.slice(0, space)).trim();
  if (!/^[A-Za-z0-9_-]+$/.test(command)) return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { command, properties, message: unescapeData(trimmed.slice(end + 2)) };
}
