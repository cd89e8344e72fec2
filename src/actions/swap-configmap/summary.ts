import { cell, table } from '../../core/markdown.js';
import { objectKey } from './desired.js';
import type { SwapResult } from './swap.js';

/** The job summary: one row per object, then the (redacted) changes. Pure. */
export function swapSummary(result: SwapResult): string {
  const lines = [`### swap-configmap${result.dryRun ? ' (dry run: nothing was stored)' : ''}`, ''];
  lines.push(
    table(
      ['Object', 'Data', 'Reloader hash', 'Target', 'Workloads Reloader will roll'],
      result.objects.map((o) => [
        objectKey(o),
        o.changed ? (result.dryRun ? `would change (${o.changedKeys.length} keys)` : `changed (${o.changedKeys.length} keys)`) : 'unchanged',
        o.changed ? `\`${o.previousHash.slice(0, 12)}\` → \`${o.hash.slice(0, 12)}\`` : `\`${o.hash.slice(0, 12)}\``,
        o.target === o.previousTarget ? (o.target ?? '') : `${o.previousTarget ?? '(none)'} → ${o.target ?? '(none)'}`,
        o.workloads === null ? 'unknown (could not list workloads)' : o.workloads.map((w) => `${w.kind}/${w.name}`).join(', ') || (o.changed ? '**none**' : ''),
      ]),
    ),
  );
  for (const o of result.objects.filter((x) => x.changes.length)) {
    lines.push(
      '',
      `<details><summary>${cell(objectKey(o))}: ${o.changes.length} key(s) ${result.dryRun ? 'would change' : 'changed'} (secret values redacted)</summary>`,
      '',
      '```diff',
    );
    for (const c of o.changes) {
      lines.push(`# ${c.key} (${c.change})`);
      for (const l of c.lines) lines.push(l.replace(/```/g, "'''"));
    }
    lines.push('```', '', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
