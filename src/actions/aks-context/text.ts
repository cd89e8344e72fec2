import { inert } from '../../core/runner.js';

/**
 * Text from a kubeconfig (names, the server, the exec command) for a log line or an error: one line, shortened,
 * with nothing a runner would read as a workflow command. The summary escapes it again, as Markdown. Its own
 * module: the report needs it without loading the YAML parser.
 */
export function kubeconfigText(value: unknown, max = 200): string {
  const line = String(value ?? '').replace(/\s*[\r\n]+\s*/g, ' ');
  return inert(line.length > max ? `${line.slice(0, max)}…` : line);
}
