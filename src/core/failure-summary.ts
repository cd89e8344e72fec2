import { ActionError, InputError, describeError } from './errors.js';
import { text } from './markdown.js';

/**
 * The job summary of a failed step, shared by every action: what failed, where,
 * what to do, and what is in place now. Pure: it returns Markdown; `run` writes it. The error's text
 * comes from servers and files too, so it is escaped (it is the same text the `::error::` line shows).
 */

/** What the action knows beyond the error. */
export interface FailureFacts {
  /** Where it happened, used when the error does not say (cluster, namespaces, objects). */
  where?: string;
  /** What to do, used when the error does not say. */
  fix?: string;
  /** What is in place now, one Markdown list item each (escape outside text with `text`), when known. */
  inPlace?: string[];
}

/** `### ❌ <action> failed` and the four parts; parts that are unknown are left out. */
export function failureSummary(action: string, err: unknown, facts: FailureFacts = {}): string {
  const known = err instanceof ActionError ? err : undefined;
  const input = err instanceof InputError ? err.input : undefined;
  const where = known?.where ?? (input !== undefined ? `input '${input}'` : facts.where);
  const fix =
    known?.fix ??
    (input !== undefined
      ? `give input '${input}' a value of the expected form and re-run the step`
      : (facts.fix ?? 're-run the step; if it fails the same way, report it with this summary'));
  const message = known ? known.message : describeError(err);
  const lines = [`### ❌ ${action} failed`, '', `**What failed:** ${paragraphs(message)}`, ''];
  if (where) lines.push(`**Where:** ${text(where)}`, '');
  lines.push(`**What to do:** ${text(fix)}`, '');
  if (facts.inPlace?.length) lines.push('**In place now:**', '', ...facts.inPlace.map((l) => `- ${l}`), '');
  return lines.join('\n');
}

/** A message as Markdown: its first line, then its `- ` lines as a list (each escaped). */
function paragraphs(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line, i) => (i > 0 && line.startsWith('- ') ? `- ${text(line.slice(2))}` : text(line)))
    .join('\n');
}
