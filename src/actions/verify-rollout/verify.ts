import { ActionError } from '../../core/errors.js';
import { errorStatus, kubeError, type KubeClients } from '../../core/kube/client.js';
import { dataDigest, hashCollisionOf, HASH_COLLISION } from '../../core/kube/data.js';
import { reloadDecision, RELOADER_KEYS, resourceHash, resourceTypeOfKind, type ReloadResource } from '../../core/kube/reloader.js';
import { restartPatch, restartRefusal, sendRestart } from '../../core/kube/restart.js';
import { listOtherKinds, listWorkloads, reloadSelection } from '../../core/kube/selection.js';
import { WORKLOAD_KINDS, type OtherKind, type Workload, type WorkloadKind } from '../../core/kube/workload.js';
import type { Logger } from '../../core/log.js';
import type { Masker } from '../../core/runner.js';
import { formatDuration, type Clock } from '../../core/time.js';
import { checkPreconditions, type PreconditionReport } from './check.js';
import { diagnose } from './diagnose.js';
import { RolloutTracker, trackedKey, type Expected, type Result, type Strategy, type Tracked } from './rollout-tracker.js';
import { Wakeup } from './wakeup.js';
import { CollectionWatch, watchFailure, type WatchStats } from './watch.js';

export interface VerifySettings {
  namespaces: string[];
  /** The ConfigMap or Secret the workloads must run with (its current data). */
  resource?: { kind: 'ConfigMap' | 'Secret'; name: string };
  /** Explicit workloads instead of Reloader's selection; `namespace` may be omitted with one namespace. */
  workloads?: Array<{ namespace: string; kind: WorkloadKind; name: string }>;
  timeoutMs: number;
  graceMs: number;
  restartIfNotReloaded: boolean;
  clock: Clock;
  logger: Logger;
  /** Check that the verification can run (workloads, permissions, Reloader), without waiting for anything. */
  checkOnly?: boolean;
  /** Watch tuning (tests): server-side `timeoutSeconds` and client-node's inactivity timeout. */
  watch?: { timeoutSeconds?: number; inactivityMs?: number };
  /** How often the ConfigMap/Secret is read again while waiting, to notice it deleted or changed (default 5 s). */
  recheckMs?: number;
  /**
   * Registers a secret (`core.maskSecret` in the action: the whole value and each of its lines). Every
   * value of a Secret is given to it decoded, as soon as it is read; the values are only hashed, never printed.
   */
  mask: Masker;
}

/** One line of the `workloads` output. */
export interface WorkloadReport {
  namespace: string;
  /** Jobs and CronJobs appear only when Reloader crashes on them. */
  kind: WorkloadKind | OtherKind;
  name: string;
  /** How the new configuration reached the pod template. */
  strategy: Strategy | null;
  /** Seconds from the start of the verification until the rollout was seen complete. */
  seconds: number | null;
  result: Result;
  /** kubectl's status message, or why it failed. */
  reason: string;
  /** For failures: pods not ready, container waiting reasons, recent events. */
  details?: string[];
  /** When the action noticed the rollout complete (ISO time, ms precision). */
  noticedAt?: string;
  /** With several objects: the ConfigMap or Secret this verification is for (`ConfigMap/name`). */
  object?: string;
  /** This run restarted it (restart-if-not-reloaded); not an output. */
  restarted: boolean;
}

/** A Job or CronJob that Reloader rolls for the object, which verify-rollout does not verify. */
export interface UnverifiedWorkload {
  namespace: string;
  kind: OtherKind;
  name: string;
  /** `named`, `search` or `auto`. */
  match: string;
}

export interface VerifyReport {
  ok: boolean;
  workloads: WorkloadReport[];
  /** Jobs and CronJobs Reloader rolls for the object: reported, not verified. */
  unverified: UnverifiedWorkload[];
  /** Why some namespaces' Jobs and CronJobs could not be checked (RBAC, API not served). */
  uncheckedKinds: string[];
  durationMs: number;
  /** Reloader hash of the resource in each namespace. */
  hashes: Record<string, string>;
  watch: WatchStats;
  /** With check-only: the permissions and Reloader. */
  check?: PreconditionReport;
}

/** The reports of several objects as one: every workload (named with its object), the longest duration. */
export function mergeReports(reports: VerifyReport[], resources: Array<{ kind: string; name: string }>): VerifyReport {
  const add = (key: keyof WatchStats) => reports.reduce((sum, r) => sum + r.watch[key], 0);
  const hashes: Record<string, string> = {};
  reports.forEach((r, i) => {
    for (const [ns, hash] of Object.entries(r.hashes)) hashes[`${ns} ${resources[i].kind}/${resources[i].name}`] = hash;
  });
  return {
    ok: reports.every((r) => r.ok),
    workloads: reports.flatMap((r, i) => r.workloads.map((w) => ({ ...w, object: `${resources[i].kind}/${resources[i].name}` }))),
    unverified: reports.flatMap((r) => r.unverified),
    uncheckedKinds: [...new Set(reports.flatMap((r) => r.uncheckedKinds))],
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    hashes,
    // Each verification opened its own watches: their counts add up.
    watch: { watches: add('watches'), relists: add('relists'), timeouts: add('timeouts'), closed: add('closed'), gone: add('gone'), failures: add('failures') },
    check: reports[0].check && {
      permissions: reports.flatMap((r) => r.check?.permissions ?? []),
      reloader: reports[0].check.reloader,
      problems: [...new Set(reports.flatMap((r) => r.check?.problems ?? []))],
      warnings: [...new Set(reports.flatMap((r) => r.check?.warnings ?? []))],
    },
  };
}

/** Time given past the deadline to gather the diagnostics of failed workloads (their pods and events). */
const DIAGNOSIS_MS = 3000;
/** How often the ConfigMap/Secret is read again while waiting. */
const RECHECK_MS = 5000;

/**
 * Verifies that every selected workload runs with the resource's current data: finds the workloads
 * (Reloader's rules, or the explicit list), then follows them with one watch per namespace and kind
 * until each is verified, failed, or the timeout passes, reading the resource again every few seconds
 * to notice it deleted or changed. Every request is bounded by the timeout (`clients.limits`). Returns
 * the report; never throws for a workload failure (the caller fails once with all of them), only for
 * setup problems.
 */
export async function verifyRollout(clients: KubeClients, settings: VerifySettings): Promise<VerifyReport> {
  const { clock, logger } = settings;
  const startedAt = clock.now();
  clients.limits.deadline = Date.now() + settings.timeoutMs;
  const hashes: Record<string, string> = {};
  const targets: Array<{ namespace: string; kind: WorkloadKind | OtherKind; name: string; expected?: Expected }> = [];
  const crashes: Array<{ key: string; reason: string }> = [];
  const unverified: UnverifiedWorkload[] = [];
  const uncheckedKinds: string[] = [];
  const listed = new Map<string, { items: Workload[]; resourceVersion: string }>();
  const expectedByNamespace = new Map<string, Expected>();

  // Setup: the resource's data and the workloads, per namespace (a few requests each, in parallel).
  const setupProblems: string[] = [];
  await Promise.all(
    settings.namespaces.map(async (namespace) => {
      let expected: Expected | undefined;
      let annotations: Record<string, string> | undefined;
      const explicit = settings.workloads?.filter((w) => w.namespace === namespace);
      const kinds = explicit ? [...new Set(explicit.map((w) => w.kind))] : [...WORKLOAD_KINDS];
      // Jobs and CronJobs are looked at only when Reloader's selection is used; a refusal there is only a warning.
      const others = !explicit && settings.resource ? listOtherKinds(clients, namespace) : undefined;
      const [object, listing] = await Promise.all([
        settings.resource ? readResource(clients, namespace, settings.resource.kind, settings.resource.name) : undefined,
        listWorkloads(clients, namespace, kinds),
      ]);
      if (settings.resource && object) {
        const { kind, name } = settings.resource;
        if (kind === 'Secret') for (const v of Object.values(object.data ?? {})) settings.mask(Buffer.from(v, 'base64').toString('utf8'));
        annotations = object.metadata?.annotations;
        expected = expectedOf(kind, name, namespace, object);
        hashes[namespace] = expected.hash;
        expectedByNamespace.set(namespace, expected);
        if (expected.collision) {
          logger.warning(
            `${kind} ${namespace}/${name} records a Reloader hash collision (${HASH_COLLISION}): its data differs from older data with the same hash ${expected.hash}, so only a restart recorded for this data proves a workload runs it`,
          );
        }
      }
      for (const kind of kinds) listed.set(`${namespace}/${kind}`, { items: listing.items[kind], resourceVersion: listing.resourceVersions[kind] });
      if (explicit) {
        await others;
        for (const w of explicit) {
          if (!listing.items[w.kind].some((i) => i.metadata.name === w.name))
            setupProblems.push(`${w.kind} ${w.name} does not exist in namespace ${namespace}`);
          else targets.push({ ...w, expected });
        }
        return;
      }
      const resource = settings.resource!;
      const change: ReloadResource = { type: expected!.type, name: resource.name, namespace, annotations, hash: expected!.hash };
      const selection = reloadSelection(change, [...listing.items.Deployment, ...listing.items.StatefulSet, ...listing.items.DaemonSet]);
      const other = await others!;
      uncheckedKinds.push(...other.problems);
      for (const w of other.items) {
        const decision = reloadDecision(change, w);
        const kind = w.kind as OtherKind;
        if (decision.result === 'ReloaderCrash') selection.crashes.push({ kind, namespace, name: decision.name, why: decision.why });
        else if (decision.result === 'Updated' || decision.result === 'NotUpdated')
          unverified.push({ namespace, kind, name: decision.name, match: decision.check.match ?? '' });
      }
      if (selection.crashes.length) expected!.reloaderCrash = selection.crashes.map((c) => `${c.kind}/${c.name}`).join(', ');
      for (const c of selection.crashes) {
        targets.push({ namespace, kind: c.kind as WorkloadKind | OtherKind, name: c.name, expected });
        crashes.push({ key: trackedKey(namespace, c.kind, c.name), reason: c.why });
      }
      if (!selection.targets.length && !selection.crashes.length) {
        setupProblems.push(
          `no workload in namespace ${namespace} is rolled by Reloader for ${resource.kind} ${resource.name}: none has a matching reload, auto or search annotation with a container using it (or the ${resource.kind} has ${RELOADER_KEYS.ignore}). Name the workloads with the 'workloads' input to verify them anyway`,
        );
      }
      for (const c of selection.targets) targets.push({ namespace, kind: c.kind, name: c.name, expected });
      logger.info(
        `namespace ${namespace}: ${resource.kind} ${resource.name} has hash ${expected!.hash}; Reloader rolls ${selection.targets.map((c) => `${c.kind}/${c.name} (${c.match})`).join(', ') || 'nothing'}`,
      );
    }),
  ).catch((err: unknown) => {
    throw err instanceof ActionError ? err : kubeError(err, 'prepare the verification', clients.server);
  });
  if (setupProblems.length)
    throw new ActionError(`nothing to verify: ${setupProblems.join('; ')}`, { fix: 'check the namespace, the object name and the workloads' });
  for (const problem of uncheckedKinds) logger.warning(problem);
  if (unverified.length) {
    logger.warning(
      `Reloader also rolls ${unverified.map((u) => `${u.namespace}/${u.kind}/${u.name}`).join(', ')} for ${settings.resource!.kind} ${settings.resource!.name}; verify-rollout verifies Deployments, StatefulSets and DaemonSets only, so check these yourself`,
    );
  }

  if (settings.checkOnly) {
    const kinds = [...new Set([...listed.keys()].map((k) => k.split('/')[1] as WorkloadKind))];
    const check = await checkPreconditions(clients, {
      namespaces: settings.namespaces,
      kinds,
      restartIfNotReloaded: settings.restartIfNotReloaded,
      resource: settings.resource,
      logger,
    });
    const workloads: WorkloadReport[] = targets.map((t) => ({
      namespace: t.namespace,
      kind: t.kind,
      name: t.name,
      strategy: null,
      seconds: null,
      result: 'found',
      reason: 'exists; verified after the change',
      restarted: false,
    }));
    const durationMs = clock.now() - startedAt;
    const watch: WatchStats = { watches: 0, relists: 0, timeouts: 0, closed: 0, gone: 0, failures: 0 };
    return { ok: check.problems.length === 0, workloads, unverified, uncheckedKinds, durationMs, hashes, watch, check };
  }

  const tracker = new RolloutTracker(targets, {
    startedAt,
    timeoutMs: settings.timeoutMs,
    graceMs: settings.graceMs,
    restartIfNotReloaded: settings.restartIfNotReloaded,
  });
  for (const c of crashes) tracker.failWith(c.key, 'reloader-crash', c.reason, clock.now());
  const wakeup = new Wakeup();
  const announce = (t: Tracked | undefined, before: string | undefined) => {
    if (!t || t.state === before) return;
    if (t.state === 'done')
      logger.info(`${t.namespace}/${t.kind}/${t.name}: ${t.result} after ${formatDuration((t.doneAt ?? startedAt) - startedAt)} (${t.strategy}): ${t.reason}`);
    else if (t.state === 'failed') logger.info(`${t.namespace}/${t.kind}/${t.name}: failed: ${t.reason}`);
    wakeup.notify();
  };
  const observe = (object: Workload, type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED') => {
    const key = trackedKey(object.metadata.namespace ?? '', object.kind ?? '', object.metadata.name);
    const before = tracker.get(key)?.state;
    announce(tracker.observe(object, clock.now(), type), before);
  };
  for (const c of crashes) logger.info(`${c.key}: failed: ${c.reason}`);
  for (const { items } of listed.values()) for (const item of items) observe(item);

  // One watch per namespace and kind that still has work; none when everything is already current.
  const watches = new Map<string, CollectionWatch>();
  const allWatches: CollectionWatch[] = [];
  for (const [key, { items, resourceVersion }] of listed) {
    const [namespace, kind] = key.split('/') as [string, WorkloadKind];
    if (!tracker.pending().some((t) => t.namespace === namespace && t.kind === kind)) continue;
    const watch = new CollectionWatch(clients, {
      namespace,
      kind,
      resourceVersion,
      clock,
      logger,
      timeoutSeconds: settings.watch?.timeoutSeconds,
      inactivityMs: settings.watch?.inactivityMs,
      onObject: (object, type) => observe({ ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? namespace } }, type),
      onFatal: (error) => {
        for (const t of tracker.pending())
          if (t.namespace === namespace && t.kind === kind) tracker.failWith(t.key, 'error', watchFailure(namespace, kind, error), clock.now());
        wakeup.notify();
      },
    });
    watch.seed(items);
    watches.set(key, watch);
    allWatches.push(watch);
    watch.start();
  }

  // The resource is read again while its workloads are pending: deleted or changed, the verification cannot hold.
  const recheckMs = settings.recheckMs ?? RECHECK_MS;
  const nextRecheck = new Map<string, number>();
  const rechecks = new Map<string, Promise<void>>();
  const recheck = (namespace: string): Promise<void> =>
    recheckResource(clients, settings, namespace, expectedByNamespace.get(namespace)!).then((problem) => {
      if (!problem) return;
      for (const t of tracker.pending()) if (t.namespace === namespace) tracker.failWith(t.key, problem.kind, problem.reason, clock.now());
      logger.info(`namespace ${namespace}: ${problem.reason}`);
      wakeup.notify();
    });

  let lastProgress = clock.now();
  try {
    while (!tracker.settled()) {
      const { restart } = tracker.tick(clock.now());
      for (const t of restart) await restartWorkload(clients, tracker, t, settings, observe);
      if (tracker.settled()) break;
      for (const [key, watch] of watches) {
        const [namespace, kind] = key.split('/');
        if (!tracker.pending().some((t) => t.namespace === namespace && t.kind === kind)) {
          watches.delete(key);
          await watch.stop();
        }
      }
      if (settings.resource) {
        for (const namespace of new Set(tracker.pending().map((t) => t.namespace))) {
          if (rechecks.has(namespace)) continue;
          const due = nextRecheck.get(namespace) ?? startedAt + recheckMs;
          if (clock.now() < due) continue;
          nextRecheck.set(namespace, clock.now() + recheckMs);
          rechecks.set(
            namespace,
            recheck(namespace).finally(() => rechecks.delete(namespace)),
          );
        }
      }
      if (clock.now() - lastProgress >= 30_000) {
        lastProgress = clock.now();
        const pending = tracker.pending();
        logger.info(
          `waiting for ${pending.length} workload(s) after ${formatDuration(lastProgress - startedAt)}: ${pending
            .slice(0, 10)
            .map((t) => `${t.kind}/${t.name} (${t.status?.message ?? t.state})`)
            .join('; ')}${pending.length > 10 ? '; …' : ''}`,
        );
      }
      // Wake for the next grace/timeout decision or re-read, and at least every 30 s to log progress.
      const untilRecheck = settings.resource
        ? Math.max(
            0,
            Math.min(...[...new Set(tracker.pending().map((t) => t.namespace))].map((ns) => (nextRecheck.get(ns) ?? startedAt + recheckMs) - clock.now())),
          )
        : Infinity;
      await wakeup.wait(clock, Math.min(tracker.nextDeadline(clock.now()), 30_000, untilRecheck));
    }
  } finally {
    await Promise.all([...watches.values()].map((w) => w.stop()));
    await Promise.all(rechecks.values());
  }
  const stats: WatchStats = { watches: 0, relists: 0, timeouts: 0, closed: 0, gone: 0, failures: 0 };
  for (const w of allWatches) for (const k of Object.keys(stats) as Array<keyof WatchStats>) stats[k] += w.stats[k];

  const failed = tracker.all.filter((t) => t.state === 'failed' && t.failure !== 'deleted' && t.failure !== 'reloader-crash' && t.latest);
  if (failed.length) clients.limits.deadline = Math.max(clients.limits.deadline ?? 0, Date.now()) + DIAGNOSIS_MS;
  const details = await diagnoseFailures(clients, failed);
  const workloads = tracker.all.map((t): WorkloadReport => ({
    namespace: t.namespace,
    kind: t.kind,
    name: t.name,
    strategy: t.strategy ?? null,
    seconds: t.state === 'done' ? Math.round(t.doneAt! - startedAt) / 1000 : null,
    result: t.result ?? 'failed',
    reason: t.reason ?? '',
    details: details.get(t.key),
    noticedAt: t.state === 'done' ? new Date(t.doneAt!).toISOString() : undefined,
    restarted: t.restarted,
  }));
  return {
    ok: workloads.every((w) => w.result !== 'failed'),
    workloads,
    unverified,
    uncheckedKinds,
    durationMs: clock.now() - startedAt,
    hashes,
    watch: stats,
  };
}

type ConfigObject = { metadata?: { annotations?: Record<string, string> }; data?: Record<string, string>; binaryData?: Record<string, string> };

/** The data the workloads must run with: Reloader's hash, the digest, and whether the object records a collision at that hash. */
function expectedOf(kind: 'ConfigMap' | 'Secret', name: string, namespace: string, object: ConfigObject): Expected {
  const type = resourceTypeOfKind(kind);
  const hash = resourceHash(type, object);
  return { type, name, namespace, hash, data: dataDigest(type, object), collision: hashCollisionOf(object.metadata?.annotations)?.hash === hash };
}

async function readResource(clients: KubeClients, namespace: string, kind: 'ConfigMap' | 'Secret', name: string): Promise<ConfigObject> {
  try {
    return kind === 'Secret' ? await clients.core.readNamespacedSecret({ name, namespace }) : await clients.core.readNamespacedConfigMap({ name, namespace });
  } catch (err) {
    if (errorStatus(err) === 404) {
      throw new ActionError(`${kind} ${name} does not exist in namespace ${namespace}`, {
        fix: `check the ${kind === 'Secret' ? 'secret' : 'configmap'} and namespace inputs`,
      });
    }
    throw kubeError(err, `read ${kind} ${namespace}/${name}`, clients.server, {
      verb: 'get',
      resource: kind === 'Secret' ? 'secrets' : 'configmaps',
      group: '',
      namespace,
    });
  }
}

/**
 * Reads the resource again: deleted, or holding other data than the verification started with, is a problem for
 * every workload still waiting in the namespace. Any other failure (a 5xx, a timeout) is only logged: the next
 * re-read tries again.
 */
async function recheckResource(
  clients: KubeClients,
  settings: VerifySettings,
  namespace: string,
  expected: Expected,
): Promise<{ kind: 'config-deleted' | 'config-changed'; reason: string } | undefined> {
  const { kind, name } = settings.resource!;
  let object: ConfigObject;
  try {
    object = kind === 'Secret' ? await clients.core.readNamespacedSecret({ name, namespace }) : await clients.core.readNamespacedConfigMap({ name, namespace });
  } catch (err) {
    if (errorStatus(err) === 404) {
      return {
        kind: 'config-deleted',
        reason: `${kind} ${name} was deleted from namespace ${namespace} during the verification: new pods cannot start with it and Reloader does not roll for a deletion; re-create it (swap-configmap applies to an existing object) and re-run`,
      };
    }
    settings.logger.debug(`re-reading ${kind} ${namespace}/${name}: ${kubeError(err, `read ${kind} ${namespace}/${name}`, clients.server).message}`);
    return undefined;
  }
  if (kind === 'Secret') for (const v of Object.values(object.data ?? {})) settings.mask(Buffer.from(v, 'base64').toString('utf8'));
  const now = expectedOf(kind, name, namespace, object);
  if (now.data === expected.data) return undefined;
  return {
    kind: 'config-changed',
    reason: `${kind} ${name} in namespace ${namespace} changed during the verification (Reloader hash ${expected.hash} -> ${now.hash}): the workloads are now rolling to other data; re-run verify-rollout for the data in place now`,
  };
}

/** Restarts a workload the way `kubectl rollout restart` does, or records why it could not. */
async function restartWorkload(
  clients: KubeClients,
  tracker: RolloutTracker,
  t: Tracked,
  settings: VerifySettings,
  observe: (w: Workload) => void,
): Promise<void> {
  const { clock, logger } = settings;
  const refusal = t.latest ? restartRefusal(t.kind, t.latest) : undefined;
  if (refusal) {
    tracker.restartFailed(t.key, `Reloader did not roll it within reload-grace, and it cannot be restarted: ${refusal}`, clock.now());
    return;
  }
  const patch = restartPatch(clock.now(), t.expected!, t.latest?.spec?.template);
  try {
    const patched = await sendRestart(clients, t.kind as WorkloadKind, t.namespace, t.name, patch);
    logger.warning(
      `${t.namespace}/${t.kind}/${t.name}: Reloader did not roll it within reload-grace (${formatDuration(settings.graceMs)}); restarted it like \`kubectl rollout restart\` (restart-if-not-reloaded: true)`,
    );
    observe(patched);
  } catch (err) {
    tracker.restartFailed(
      t.key,
      `Reloader did not roll it within reload-grace, and the restart failed: ${kubeError(err, `restart ${t.kind} ${t.namespace}/${t.name}`).describe()}`,
      clock.now(),
    );
  }
}

/** Diagnostics for every failed workload, keyed by tracker key. Never throws. */
async function diagnoseFailures(clients: KubeClients, failed: Tracked[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const byNamespace = new Map<string, Tracked[]>();
  for (const t of failed) byNamespace.set(t.namespace, [...(byNamespace.get(t.namespace) ?? []), t]);
  await Promise.all(
    [...byNamespace].map(async ([namespace, list]) => {
      const found = await diagnose(
        clients,
        namespace,
        list.map((t) => ({ ...t.latest!, kind: t.kind })),
      );
      for (const t of list) {
        const lines = found.get(`${t.kind}/${t.name}`);
        if (lines?.length) out.set(t.key, lines);
      }
    }),
  );
  return out;
}
