import * as core from './runner.js';

/**
 * GitHub I/O at the edge. Only an action's `run` calls these; the logic underneath returns data.
 */

/** Sets outputs; objects and arrays become JSON so later steps can `fromJSON` them. */
export function setOutputs(outputs: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/** Appends Markdown to the job summary (no-op outside the runner, where the file is unset). */
export async function writeSummary(markdown: string): Promise<void> {
  core.appendSummary(markdown);
}
