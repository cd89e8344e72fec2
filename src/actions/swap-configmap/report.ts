import { failureSummary } from '../../core/failure-summary.js';
import { cell, table, text } from '../../core/markdown.js';
import { objectKey, type DesiredObject } from './desired.js';
import { SwapError, type ObjectProgress, type SwapResult } from './swap.js';

/**
 * What swap-configmap reports: its outputs, the job summary of a swap, and the job summary of any
 * failure. Pure: main writes them.
 */

/** The action's outputs: single values for one object, JSON maps keyed `Kind/namespace/name` for several. */
export function outputsOf(result: SwapResult): Record<string, unknown> {
  const single = result.objects.length === 1;
  const per = (pick: (o: SwapResult['objects'][number]) => string) =>
    single ? pick(result.objects[0]) : Object.fromEntries(result.objects.map((o) => [objectKey(o), pick(o)]));
  return {
    changed: String(result.changed),
    hash: per((o) => o.hash),
    'previous-hash': per((o) => o.previousHash),
    'previous-target': per((o) => o.previousTarget ?? ''),
    workloads: result.objects.flatMap((o) =>
      (o.workloads ?? []).map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name, object: objectKey(o), match: w.match })),
    ),
    objects: result.objects.map((o) => ({
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      changed: o.changed,
      written: o.written,
      hash: o.hash,
      previousHash: o.previousHash,
      target: o.target ?? '',
      previousTarget: o.previousTarget ?? '',
      changedKeys: o.changedKeys,
      conflicts: o.conflicts,
      workloads: o.workloads === null ? null : o.workloads.map((w) => `${w.kind}/${w.name}`),
    })),
  };
}

/** The job summary: one row per object, then the (redacted) changes. */
export function summaryOf(result: SwapResult): string {
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

/** What main knew when the step failed: each field is set once the step got that far. */
export interface FailureContext {
  /** The objects to swap, once the manifests or inputs were read and checked. */
  objects?: DesiredObject[];
  /** The API server, once connected. */
  server?: string;
  dryRun?: boolean;
}

const STATE_TEXT: Record<ObjectProgress['state'], string> = {
  written: 'written: the server holds the new data',
  'in-place': 'already in place: unchanged',
  'would-change': 'dry run passed: would change, nothing stored',
  failed: 'unchanged: this object failed',
  'not-written': 'unchanged: not written, because another object failed',
};

/** The job summary of a failed step: what failed, where, what to do and where each object stands. */
export function failureSummaryOf(err: unknown, context: FailureContext): string {
  const { objects, server, dryRun } = context;
  const where = [objects?.length && objects.map(objectKey).join(', '), server && `Kubernetes API ${server}`].filter(Boolean).join(' on ');
  let inPlace: string[];
  if (err instanceof SwapError) {
    inPlace = err.objects.map((o) => `${text(o.object)}: ${STATE_TEXT[o.state]}`);
    if (dryRun) inPlace.unshift('Dry run: nothing was stored.');
  } else if (!server) {
    inPlace = ['Nothing was written: the cluster was not contacted.'];
  } else {
    inPlace = [`Not known: check ${text(objects?.map(objectKey).join(', ') || 'the objects')} with \`kubectl get\`.`];
  }
  return failureSummary('swap-configmap', err, { where: where || undefined, inPlace });
}
