import {
  LAST_RELOADED_FROM,
  envVarName,
  reloadDecision,
  reloaderKeys,
  type ReloadDecision,
  type ReloadResource,
  type ReloadSource,
  type ReloaderKeys,
  type ReloaderOptions,
  type WorkloadLike,
} from '../../core/kube/reloader.js';

/**
 * What the emulated Reloader writes, on top of the prediction rules the actions share
 * (src/core/kube/reloader.ts): the strategic merge patch of each strategy, the pause and resume
 * patches of a Deployment's pause-period, the text of the `Reloaded` event, and the order in which
 * Reloader goes through the workloads. Only the emulator's Reloader controller and its tests use it.
 */

/** Field manager of every Reloader patch. */
export const RELOADER_FIELD_MANAGER = 'Reloader';
/** Workload kinds in the order Reloader processes them (`doRollingUpgrade`). */
export const RELOADER_KIND_ORDER = ['Deployment', 'CronJob', 'Job', 'DaemonSet', 'StatefulSet'] as const;

/** JSON of a ReloadSource with fields in Reloader's order (Go marshals struct fields in order). */
export function formatReloadSource(source: ReloadSource): string {
  const ordered: ReloadSource = {
    type: source.type,
    name: source.name,
    namespace: source.namespace,
    hash: source.hash,
    containerRefs: source.containerRefs,
    observedAt: source.observedAt,
  };
  return JSON.stringify(ordered);
}

// ---------------------------------------------------------------------------------------------
// Patches (callbacks/rolling_upgrade.go GetPatchTemplates, pause_deployment.go)

/** The env-vars strategy's strategic merge patch. */
export function envVarPatch(container: string, envVar: string, hash: string): Record<string, unknown> {
  return { spec: { template: { spec: { containers: [{ name: container, env: [{ name: envVar, value: hash }] }] } } } };
}

/** The annotations strategy's strategic merge patch. */
export function annotationPatch(source: ReloadSource): Record<string, unknown> {
  return { spec: { template: { metadata: { annotations: { [LAST_RELOADED_FROM]: formatReloadSource(source) } } } } };
}

/** Go `time.Now().Format(time.RFC3339)` in UTC (Reloader's pods run in UTC). */
function goRfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The patch Reloader sends before reloading a Deployment with a pause period. */
export function pausePatch(nowMs: number, keys: Partial<ReloaderKeys> = {}): Record<string, unknown> {
  return { metadata: { annotations: { [reloaderKeys({ keys }).pausedAt]: goRfc3339(nowMs) } }, spec: { paused: true } };
}

/** The patch Reloader sends when the pause period is over. */
export function resumePatch(keys: Partial<ReloaderKeys> = {}): Record<string, unknown> {
  return { metadata: { annotations: { [reloaderKeys({ keys }).pausedAt]: null } }, spec: { paused: false } };
}

/** Message of the `Normal Reloaded` event Reloader records on the workload. */
export function reloadedMessage(resource: Pick<ReloadResource, 'type' | 'name' | 'namespace'>, workloadKind: string, workloadName: string): string {
  return (
    `Changes detected in '${resource.name}' of type '${resource.type}' in namespace '${resource.namespace}'` +
    `, Updated '${workloadName}' of type '${workloadKind}' in namespace '${resource.namespace}'`
  );
}

// ---------------------------------------------------------------------------------------------
// Go time.ParseDuration, for the pause-period annotation

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go `time.ParseDuration` (e.g. `1h30m`, `90s`, `1.5m`, `300ms`, `0`) in milliseconds, or undefined
 * when Go would reject the text. A bare number other than 0 has no unit and is rejected, as in Go.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const match = part.exec(rest);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) return undefined;
    const value = Number(`${match[1] || '0'}.${match[2] || '0'}`);
    total += value * DURATION_UNITS[match[3]];
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

// ---------------------------------------------------------------------------------------------
// The writes for one change

/** Reloader's decision for one workload, with what it writes. */
export interface ReloadPlan extends ReloadDecision {
  /** The strategic merge patch Reloader sends (fieldManager Reloader); only when result is Updated. */
  patch?: Record<string, unknown>;
  /** `pause-period` of a Deployment, in ms, when set and valid (Reloader pauses before patching). */
  pausePeriodMs?: number;
  /** The raw pause-period value when it is set but Go cannot parse it (Reloader then fails the reload). */
  invalidPausePeriod?: string;
}

/**
 * The shared decision (`reloadDecision`) plus what Reloader sends for it: the strategy's patch
 * (env-vars: the variable holding the hash; annotations: `last-reloaded-from`, `observedAt` in
 * seconds of `nowMs`) and a Deployment's pause-period.
 */
export function planReload(resource: ReloadResource, workload: WorkloadLike, options: ReloaderOptions = {}, nowMs: number = Date.now()): ReloadPlan {
  const decision = reloadDecision(resource, workload, options);
  if (decision.result !== 'Updated' || decision.container === undefined) return decision;
  const container = decision.container;
  const keys = reloaderKeys(options);
  const meta = workload.metadata?.annotations ?? {};
  const pause = decision.kind === 'Deployment' && Object.hasOwn(meta, keys.pausePeriod) ? meta[keys.pausePeriod] : undefined;
  const pauseFields: Pick<ReloadPlan, 'pausePeriodMs' | 'invalidPausePeriod'> = {};
  if (pause !== undefined) {
    const ms = parseGoDuration(pause);
    if (ms === undefined) pauseFields.invalidPausePeriod = pause;
    else pauseFields.pausePeriodMs = ms;
  }
  const patch =
    (options.strategy ?? 'env-vars') === 'annotations'
      ? annotationPatch({
          type: resource.type,
          name: resource.name,
          namespace: resource.namespace,
          hash: resource.hash,
          containerRefs: [container],
          observedAt: Math.floor(nowMs / 1000),
        })
      : envVarPatch(container, envVarName(resource.name, resource.type), resource.hash);
  return { ...decision, patch, ...pauseFields };
}

/**
 * One pass of Reloader over a change, in its kind order: the workloads it writes to (result Updated), up to the
 * first one whose annotation makes it panic (result ReloaderCrash, the last plan when present: the panic ends
 * the pass, so nothing after it is written). Give it all the namespace's workloads of every kind it rolls.
 */
export function reloadPass(resource: ReloadResource, workloads: WorkloadLike[], options: ReloaderOptions = {}, nowMs: number = Date.now()): ReloadPlan[] {
  const order = (k: string) => {
    const i = (RELOADER_KIND_ORDER as readonly string[]).indexOf(k);
    return i < 0 ? RELOADER_KIND_ORDER.length : i;
  };
  const plans: ReloadPlan[] = [];
  for (const w of [...workloads].sort((a, b) => order(a.kind ?? '') - order(b.kind ?? ''))) {
    const plan = planReload(resource, w, options, nowMs);
    if (plan.result === 'ReloaderCrash') return [...plans, plan];
    if (plan.result === 'Updated') plans.push(plan);
  }
  return plans;
}

/**
 * Every workload Reloader writes to for this change (result Updated), in Reloader's kind order.
 * Give it all the namespace's Deployments, DaemonSets and StatefulSets (each with its `kind` set).
 */
export function workloadsToReload(
  resource: ReloadResource,
  workloads: WorkloadLike[],
  options: ReloaderOptions = {},
  nowMs: number = Date.now(),
): ReloadPlan[] {
  const order = (k: string) => {
    const i = (RELOADER_KIND_ORDER as readonly string[]).indexOf(k);
    return i < 0 ? RELOADER_KIND_ORDER.length : i;
  };
  return workloads
    .map((w) => planReload(resource, w, options, nowMs))
    .filter((p) => p.result === 'Updated')
    .sort((a, b) => order(a.kind) - order(b.kind));
}
