import { ActionError } from '../../core/errors.js';
import { errorStatus, FIELD_MANAGER, kubeError, type KubeClients } from '../../core/kube/client.js';
import { RELOADER_KEYS, resourceHash, resourceTypeOfKind } from '../../core/kube/reloader.js';
import { listWorkloads, reloadTargets } from '../../core/kube/selection.js';
import { WORKLOAD_KINDS, type Workload, type WorkloadKind } from '../../core/kube/workload.js';
import type { Logger } from '../../core/log.js';
import type { Masker } from '../../core/runner.js';
import { formatDuration, type Clock } from '../../core/time.js';
import { diagnose } from './diagnose.js';
import { restartPatch, restartRefusal } from './restart.js';
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
  /** Watch tuning (tests): server-side `timeoutSeconds` and client-node's inactivity timeout. */
  watch?: { timeoutSeconds?: number; inactivityMs?: number };
  /**
   * Registers a secret (`core.maskSecret` in the action: the whole value and each of its lines). Every
   * value of a Secret is given to it decoded, as soon as it is read; the values are only hashed, never printed.
   */
  mask: Masker;
}

/** One line of the `workloads` output. */
export interface WorkloadReport {
  namespace: string;
  kind: WorkloadKind;
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
  /** This run restarted it (restart-if-not-reloaded); not an output. */
  restarted: boolean;
}

export interface VerifyReport {
  ok: boolean;
  workloads: WorkloadReport[];
  durationMs: number;
  /** Reloader hash of the resource in each namespace. */
  hashes: Record<string, string>;
  watch: WatchStats;
}

/**
 * Verifies that every selected workload runs with the resource's current data: finds the workloads
 * (Reloader's rules, or the explicit list), then follows them with one watch per namespace and kind
 * until each is verified, failed, or the timeout passes. Returns the report; never throws for a
 * workload failure (the caller fails once with all of them), only for setup problems.
 */
export async function verifyRollout(clients: KubeClients, settings: VerifySettings): Promise<VerifyReport> {
  const { clock, logger } = settings;
  const startedAt = clock.now();
  const hashes: Record<string, string> = {};
  const targets: Array<{ namespace: string; kind: WorkloadKind; name: string; expected?: Expected }> = [];
  const listed = new Map<string, { items: Workload[]; resourceVersion: string }>();

  // Setup: the resource's hash and the workloads, per namespace (a few requests each, in parallel).
  const setupProblems: string[] = [];
  await Promise.all(
    settings.namespaces.map(async (namespace) => {
      let expected: Expected | undefined;
      let annotations: Record<string, string> | undefined;
      if (settings.resource) {
        const { kind, name } = settings.resource;
        const object = await readResource(clients, namespace, kind, name);
        if (kind === 'Secret') for (const v of Object.values(object.data ?? {})) settings.mask(Buffer.from(v, 'base64').toString('utf8'));
        annotations = object.metadata?.annotations;
        const type = resourceTypeOfKind(kind);
        expected = { type, name, namespace, hash: resourceHash(type, object) };
        hashes[namespace] = expected.hash;
      }
      const explicit = settings.workloads?.filter((w) => w.namespace === namespace);
      const kinds = explicit ? [...new Set(explicit.map((w) => w.kind))] : [...WORKLOAD_KINDS];
      const listing = await listWorkloads(clients, namespace, kinds);
      for (const kind of kinds) listed.set(`${namespace}/${kind}`, { items: listing.items[kind], resourceVersion: listing.resourceVersions[kind] });
      if (explicit) {
        for (const w of explicit) {
          if (!listing.items[w.kind].some((i) => i.metadata.name === w.name))
            setupProblems.push(`${w.kind} ${w.name} does not exist in namespace ${namespace}`);
          else targets.push({ ...w, expected });
        }
        return;
      }
      const resource = settings.resource!;
      const chosen = reloadTargets({ type: expected!.type, name: resource.name, namespace, annotations, hash: expected!.hash }, [
        ...listing.items.Deployment,
        ...listing.items.StatefulSet,
        ...listing.items.DaemonSet,
      ]);
      if (!chosen.length) {
        setupProblems.push(
          `no workload in namespace ${namespace} is rolled by Reloader for ${resource.kind} ${resource.name}: none has a matching reload, auto or search annotation with a container using it (or the ${resource.kind} has ${RELOADER_KEYS.ignore}). Name the workloads with the 'workloads' input to verify them anyway`,
        );
      }
      for (const c of chosen) targets.push({ namespace, kind: c.kind, name: c.name, expected });
      logger.info(
        `namespace ${namespace}: ${resource.kind} ${resource.name} has hash ${expected!.hash}; Reloader rolls ${chosen.map((c) => `${c.kind}/${c.name} (${c.match})`).join(', ') || 'nothing'}`,
      );
    }),
  ).catch((err: unknown) => {
    throw err instanceof ActionError ? err : kubeError(err, 'prepare the verification', clients.server);
  });
  if (setupProblems.length)
    throw new ActionError(`nothing to verify: ${setupProblems.join('; ')}`, { fix: 'check the namespace, the object name and the workloads' });

  const tracker = new RolloutTracker(targets, {
    startedAt,
    timeoutMs: settings.timeoutMs,
    graceMs: settings.graceMs,
    restartIfNotReloaded: settings.restartIfNotReloaded,
  });
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
      // Wake for the next grace/timeout decision, and at least every 30 s to log progress.
      await wakeup.wait(clock, Math.min(tracker.nextDeadline(clock.now()), 30_000));
    }
  } finally {
    await Promise.all([...watches.values()].map((w) => w.stop()));
  }
  const stats: WatchStats = { watches: 0, relists: 0, timeouts: 0, closed: 0, gone: 0, failures: 0 };
  for (const w of allWatches) for (const k of Object.keys(stats) as Array<keyof WatchStats>) stats[k] += w.stats[k];

  const details = await diagnoseFailures(
    clients,
    tracker.all.filter((t) => t.state === 'failed' && t.failure !== 'deleted' && t.latest),
  );
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
  return { ok: workloads.every((w) => w.result !== 'failed'), workloads, durationMs: clock.now() - startedAt, hashes, watch: stats };
}

type ConfigObject = { metadata?: { annotations?: Record<string, string> }; data?: Record<string, string>; binaryData?: Record<string, string> };

async function readResource(clients: KubeClients, namespace: string, kind: 'ConfigMap' | 'Secret', name: string): Promise<ConfigObject> {
  try {
    return kind === 'Secret' ? await clients.core.readNamespacedSecret({ name, namespace }) : await clients.core.readNamespacedConfigMap({ name, namespace });
  } catch (err) {
    if (errorStatus(err) === 404) {
      throw new ActionError(`${kind} ${name} does not exist in namespace ${namespace}`, {
        fix: `check the ${kind === 'Secret' ? 'secret' : 'configmap'} and namespace inputs`,
      });
    }
    throw kubeError(err, `read ${kind} ${namespace}/${name}`, clients.server);
  }
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
  const patch = restartPatch(clock.now(), t.expected!);
  const { lib } = clients;
  const options = lib.setHeaderOptions('Content-Type', lib.PatchStrategy.StrategicMergePatch);
  const params = { name: t.name, namespace: t.namespace, body: patch, fieldManager: FIELD_MANAGER };
  try {
    const patched =
      t.kind === 'Deployment'
        ? await clients.apps.patchNamespacedDeployment(params, options)
        : t.kind === 'StatefulSet'
          ? await clients.apps.patchNamespacedStatefulSet(params, options)
          : await clients.apps.patchNamespacedDaemonSet(params, options);
    logger.warning(
      `${t.namespace}/${t.kind}/${t.name}: Reloader did not roll it within reload-grace (${formatDuration(settings.graceMs)}); restarted it like \`kubectl rollout restart\` (restart-if-not-reloaded: true)`,
    );
    observe({ ...(patched as unknown as Workload), kind: t.kind });
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
