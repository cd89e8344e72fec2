import { failureSummary } from '../../core/failure-summary.js';
import { code, html, md, table, type Md } from '../../core/markdown.js';
import { objectKey, type DesiredObject } from './desired.js';
import { SwapError, type ObjectProgress, type SwapResult } from './swap.js';

/**
 * What swap-configmap reports: its outputs, the job summary of a swap, and the job summary of any
 * failure. Pure: main writes them.
 */

/**
 * The action's outputs: single values for one object, JSON maps keyed `Kind/namespace/name` for several. After a
 * failure, `result` holds the objects done before it and `progress` every object: the maps then cover what was
 * applied (written or already in place), and `objects` lists every object with its state.
 */
export function outputsOf(result: SwapResult, progress?: ObjectProgress[]): Record<string, unknown> {
  const single = (progress?.length ?? result.objects.length) === 1;
  const applied = new Set(result.objects.map(objectKey));
  const rest = (progress ?? []).filter((p) => !applied.has(p.object));
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
    objects: [
      ...result.objects.map((o) => ({
        kind: o.kind,
        namespace: o.namespace,
        name: o.name,
        state: o.state,
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
      ...rest.map((p) => {
        const [kind, namespace, name] = p.object.split('/');
        return { kind, namespace, name, state: p.state, changed: false, written: false };
      }),
    ],
  };
}

const NONE = md`(none)`;
const short = (hash: string) => code(hash.slice(0, 12));

/**
 * The job summary: one row per object, then the (redacted) changes. `of` is the number of objects the step had,
 * when it stopped after `result.objects` (the failure summary follows).
 */
export function summaryOf(result: SwapResult, of?: number): string {
  const title = of === undefined ? 'swap-configmap' : `swap-configmap: stopped after ${result.objects.length} of ${of} objects (the failure is below)`;
  const lines = [`### ${title}${result.dryRun ? ' (dry run: nothing was stored)' : ''}`, ''];
  lines.push(
    table(
      ['Object', 'Data', 'Reloader hash', 'Target', 'Workloads Reloader will roll'],
      result.objects.map((o) => [
        objectKey(o),
        o.changed ? (result.dryRun ? md`would change (${o.changedKeys.length} keys)` : md`changed (${o.changedKeys.length} keys)`) : 'already in place',
        o.changed ? md`${short(o.previousHash)} → ${short(o.hash)}` : short(o.hash),
        o.target === o.previousTarget ? (o.target ?? '') : md`${o.previousTarget ?? NONE} → ${o.target ?? NONE}`,
        o.workloads === null
          ? md`unknown (could not list workloads)`
          : o.workloads.map((w) => `${w.kind}/${w.name}`).join(', ') || (o.changed ? md`**none**` : ''),
      ]),
    ),
  );
  for (const o of result.objects.filter((x) => x.changes.length)) {
    lines.push(
      '',
      `<details><summary>${html(objectKey(o))}: ${o.changes.length} key(s) ${result.dryRun ? 'would change' : 'changed'} (secret values redacted)</summary>`,
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

/** One object's line under "In place now": its state and, when known, where it points and the hash of what it holds. */
function inPlaceLine(o: ObjectProgress): Md {
  const now = o.now ? md` (target ${o.now.target ?? NONE}, hash ${short(o.now.hash)})` : md``;
  switch (o.state) {
    case 'written':
      return md`${o.object}: written: the server holds the new data${now}`;
    case 'in-place':
      return md`${o.object}: already in place: unchanged${now}`;
    case 'would-change':
      return md`${o.object}: dry run passed: would change, nothing stored${now}`;
    case 'failed':
      return o.now ? md`${o.object}: unchanged: this object failed; it still holds the previous data${now}` : md`${o.object}: unchanged: this object failed`;
    case 'unknown':
      return md`${o.object}: unknown: its write's answer was lost and reading it back failed; check it with ${code('kubectl get')}`;
    case 'not-written':
      return md`${o.object}: unchanged: not written, because another object failed${now}`;
  }
}

/** The job summary of a failed step: what failed, where, what to do and where each object stands. */
export function failureSummaryOf(err: unknown, context: FailureContext): string {
  const { objects, server, dryRun } = context;
  const where = [objects?.length && objects.map(objectKey).join(', '), server && `Kubernetes API ${server}`].filter(Boolean).join(' on ');
  let inPlace: string[];
  if (err instanceof SwapError) {
    inPlace = err.objects.map((o) => inPlaceLine(o).value);
    if (dryRun) inPlace.unshift('Dry run: nothing was stored.');
  } else if (!server) {
    inPlace = ['Nothing was written: the cluster was not contacted.'];
  } else {
    inPlace = [md`Not known: check ${objects?.map(objectKey).join(', ') || 'the objects'} with ${code('kubectl get')}.`.value];
  }
  return failureSummary('swap-configmap', err, { where: where || undefined, inPlace });
}
