import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { ActionError, describeError, type ActionErrorOptions } from '../../core/errors.js';
import { errorStatus, FIELD_MANAGER, kubeError, type KubeClients } from '../../core/kube/client.js';
import { dataChange, dataDigest } from '../../core/kube/data.js';
import { resourceHash, resourceTypeOfKind, RELOADER_KEYS } from '../../core/kube/reloader.js';
import { restartForCollision } from '../../core/kube/restart.js';
import { allWorkloads, listWorkloads, reloadTargets, type ReloadTarget } from '../../core/kube/selection.js';
import type { Logger } from '../../core/log.js';
import type { Masker } from '../../core/runner.js';
import { dataChanges, type KeyChange } from './diff.js';
import { objectKey, type DesiredObject } from './desired.js';

/** Label recording which cluster the object points at now (`target` input). */
export const TARGET_LABEL = 'ccloud-dr-actions/target';

export interface SwapSettings {
  objects: DesiredObject[];
  /** Value for the target label; unchanged when undefined. */
  target?: string;
  dryRun: boolean;
  /** Attempts per object when the server answers 409 Conflict (each on a freshly read object). */
  maxAttempts?: number;
  logger: Logger;
  /**
   * Registers a secret (`core.maskSecret` in the action: the whole value and each of its lines). Every value
   * read from an existing Secret is given to it, base64 and decoded: they are never printed, but may surface in errors.
   */
  mask: Masker;
}

/** What happened to one object. */
export interface ObjectOutcome {
  kind: DesiredObject['kind'];
  namespace: string;
  name: string;
  /** The data changed (or, in a dry run, would change): Reloader rolls the workloads. */
  changed: boolean;
  /** A real (not dry-run) write was accepted by the server. */
  written: boolean;
  /** `written`, `in-place` (nothing to write), or `would-change` (a dry run that would write). */
  state: 'written' | 'in-place' | 'would-change';
  /** Reloader's hash of the data after / before. */
  hash: string;
  previousHash: string;
  target?: string;
  previousTarget?: string;
  /** Keys added, removed or modified. */
  changedKeys: string[];
  /** Redacted change list for the summary. */
  changes: KeyChange[];
  /** Writes answered 409 and retried on a fresh read. */
  conflicts: number;
  /** Workloads Reloader will roll; null when they could not be listed (e.g. RBAC). */
  workloads: ReloadTarget[] | null;
}

export interface SwapResult {
  objects: ObjectOutcome[];
  changed: boolean;
  dryRun: boolean;
}

/** Where a failed swap left one object. */
export interface ObjectProgress {
  /** `Kind/namespace/name`. */
  object: string;
  /**
   * `written`: the server accepted the new data or metadata. `in-place`: it already held them.
   * `would-change`: a dry run of it passed (nothing stored). `failed`: its check or write failed, and it
   * still holds what it held. `unknown`: its write's answer was lost and reading it back failed too.
   * `not-written`: left as it was, because another object failed.
   */
  state: 'written' | 'in-place' | 'would-change' | 'failed' | 'unknown' | 'not-written';
  /** Why, for `failed` and `unknown`. */
  reason?: string;
  /** What the object holds now, when known: Reloader's hash of its data and its target label. */
  now?: { hash: string; target?: string };
}

/** A swap that stopped, with where it left every object (for the failure summary) and what it applied (for the outputs). */
export class SwapError extends ActionError {
  constructor(
    message: string,
    options: ActionErrorOptions,
    readonly objects: ObjectProgress[],
    /** The objects done before the failure (written or already in place), in order. */
    readonly applied: SwapResult = { objects: [], changed: false, dryRun: false },
  ) {
    super(message, options);
    this.name = 'SwapError';
  }
}

type ConfigObject = V1ConfigMap | V1Secret;

/**
 * Applies the desired objects in place, all or nothing as far as the API allows: every object is
 * read and checked first (exists, namespace exists, not immutable when its data changes), and only
 * then written, each with the `resourceVersion` it was read at. A 409 re-reads and recomputes the
 * change on the fresh object (never a blind overwrite). Identical data is not written. A write whose
 * answer is lost (timeout, connection reset, 5xx) may still have been applied: the object is read back,
 * and it counts as written when it holds the new data. A failure after some objects were written says
 * where each stands; a re-run finds those in place and writes the rest.
 */
export async function swap(clients: KubeClients, settings: SwapSettings): Promise<SwapResult> {
  const { logger } = settings;
  const maxAttempts = settings.maxAttempts ?? 5;

  // Phase 1: read and check everything. Nothing is written if any object fails.
  const reads = await Promise.allSettled(settings.objects.map((d) => readChecked(clients, d, settings)));
  const problems = reads.flatMap((r) => (r.status === 'rejected' ? [describeError(r.reason)] : []));
  if (problems.length) {
    throw new SwapError(
      `nothing was written: ${problems.join('; ')}`,
      { fix: 'fix the objects named above (or the manifests) and re-run' },
      settings.objects.map((d, i): ObjectProgress => {
        const read = reads[i];
        if (read.status === 'rejected') return { object: objectKey(d), state: 'failed', reason: describeError(read.reason) };
        const p = plan(d, read.value, settings.target);
        return { object: objectKey(d), state: 'not-written', now: { hash: p.previousHash, target: p.previousTarget } };
      }),
    );
  }
  const current = reads.map((r) => (r as PromiseFulfilledResult<ConfigObject>).value);
  const plans = settings.objects.map((d, i) => plan(d, current[i], settings.target));

  // Phase 2: who will roll (read-only; a listing refused by RBAC only costs the output).
  const listings = new Map<string, Promise<ReturnType<typeof allWorkloads> | null>>();
  const workloadsOf = (namespace: string) => {
    if (!listings.has(namespace)) {
      listings.set(
        namespace,
        listWorkloads(clients, namespace).then(allWorkloads, (err: unknown) => {
          logger.warning(`could not list the workloads of namespace ${namespace} to tell which ones Reloader will roll: ${describeError(err)}`);
          return null;
        }),
      );
    }
    return listings.get(namespace)!;
  };

  // Phase 3: write, in order; on failure say exactly what is done and what is not.
  const outcomes: ObjectOutcome[] = [];
  const stop = (failedAt: number, cause: unknown, failed: Omit<ObjectProgress, 'object' | 'reason'>) =>
    halfDone(outcomes, settings.objects, plans, failedAt, cause, settings.dryRun, failed);
  for (const [i, desired] of settings.objects.entries()) {
    let p = plans[i];
    let conflicts = 0;
    for (let attempt = 1; ; attempt++) {
      if (!p.dataChanged && !p.metaChanged) break;
      const unchanged = { state: 'failed' as const, now: { hash: p.previousHash, target: p.previousTarget } };
      try {
        await replace(clients, desired, p.next, settings.dryRun);
        break;
      } catch (err) {
        const status = errorStatus(err);
        if (status === 409 && attempt < maxAttempts) {
          conflicts++;
          logger.info(
            `${objectKey(desired)} was changed by someone else since it was read (409 Conflict): re-reading it and recomputing the change (attempt ${attempt + 1} of ${maxAttempts})`,
          );
          try {
            const fresh = await readChecked(clients, desired, settings);
            p = plan(desired, fresh, settings.target);
          } catch (readErr) {
            throw stop(i, readErr, unchanged);
          }
          continue;
        }
        if (status === 409) {
          throw stop(
            i,
            new ActionError(`${objectKey(desired)} kept changing under us: ${maxAttempts} writes in a row answered 409 Conflict`, {
              fix: 'find the other writer (another job, a controller) and re-run when it is done',
            }),
            unchanged,
          );
        }
        const failure = kubeError(err, `${settings.dryRun ? 'dry-run ' : ''}update ${desired.kind} ${desired.namespace}/${desired.name}`, clients.server);
        if (settings.dryRun || !answerMayBeLost(status)) throw stop(i, failure, unchanged);
        // The server may have applied the write although its answer never came: what it holds decides.
        const back = await readBack(clients, desired, settings);
        if (back.applied) {
          const lost = describeError(failure).replace(/\s*(\r?\n|\r)\s*/g, ' ');
          logger.info(`${objectKey(desired)}: the write's answer was lost (${lost}); read it back: the server holds the new data, so the write was applied`);
          break;
        }
        if (back.plan) {
          throw stop(
            i,
            new ActionError(`${failure.message}; read it back: it does not hold the new data, so the write was not applied (or was changed since)`, {
              where: failure.where,
              fix: failure.fix,
              cause: err,
            }),
            { state: 'failed', now: { hash: back.plan.previousHash, target: back.plan.previousTarget } },
          );
        }
        throw stop(
          i,
          new ActionError(`${failure.message}; reading it back failed too (${describeError(back.error)}), so whether the write was applied is unknown`, {
            where: failure.where,
            fix: `check ${objectKey(desired)} with kubectl get, then re-run the step: a write that was applied is found in place and left alone`,
            cause: err,
          }),
          { state: 'unknown' },
        );
      }
    }
    const type = resourceTypeOfKind(desired.kind);
    const workloads = p.dataChanged
      ? await workloadsOf(desired.namespace).then((list) =>
          list
            ? reloadTargets({ type, name: desired.name, namespace: desired.namespace, annotations: p.next.metadata?.annotations, hash: p.hash }, list)
            : null,
        )
      : [];
    const outcome: ObjectOutcome = {
      kind: desired.kind,
      namespace: desired.namespace,
      name: desired.name,
      changed: p.dataChanged,
      written: !settings.dryRun && (p.dataChanged || p.metaChanged),
      state: !(p.dataChanged || p.metaChanged) ? 'in-place' : settings.dryRun ? 'would-change' : 'written',
      hash: p.hash,
      previousHash: p.previousHash,
      target: p.next.metadata?.labels?.[TARGET_LABEL],
      previousTarget: p.previousTarget,
      changedKeys: p.changes.map((c) => c.key),
      changes: p.changes,
      conflicts,
      workloads,
    };
    outcomes.push(outcome);
    logger.info(outcomeLine(outcome, settings.dryRun));
    if (p.collision) {
      const reason = { kind: desired.kind, type, name: desired.name, namespace: desired.namespace, hash: p.hash, data: dataDigest(type, p.next) };
      await restartForCollision(clients, reason, workloads, await workloadsOf(desired.namespace), { dryRun: settings.dryRun, logger });
    }
    if (p.dataChanged && p.next.metadata?.annotations?.[RELOADER_KEYS.ignore] === 'true') {
      logger.warning(
        `${objectKey(desired)} has the annotation ${RELOADER_KEYS.ignore}: "true", so Reloader ignores its changes and rolls nothing; restart its clients yourself (verify-rollout with restart-if-not-reloaded: true)`,
      );
    } else if (p.dataChanged && workloads && workloads.length === 0) {
      logger.warning(
        `no workload in namespace ${desired.namespace} will be rolled by Reloader for ${objectKey(desired)}: none has a matching Reloader annotation (${RELOADER_KEYS.auto}, ${desired.kind === 'Secret' ? RELOADER_KEYS.secretReload : RELOADER_KEYS.configmapReload}, or ${RELOADER_KEYS.search} with ${RELOADER_KEYS.match} on the object) together with a container using it`,
      );
    }
  }
  return { objects: outcomes, changed: outcomes.some((o) => o.changed), dryRun: settings.dryRun };
}

interface Plan {
  next: ConfigObject;
  /** The data differs (compared as data: Reloader's hash can collide). */
  dataChanged: boolean;
  /** It differs but Reloader's hash is the same: Reloader will not roll its workloads. */
  collision: boolean;
  metaChanged: boolean;
  hash: string;
  previousHash: string;
  previousTarget?: string;
  changes: KeyChange[];
}

/** The object as it should be written, computed from what was just read. Pure. */
export function plan(desired: DesiredObject, existing: ConfigObject, target: string | undefined): Plan {
  const secret = desired.kind === 'Secret';
  const type = resourceTypeOfKind(desired.kind);
  const oldData: Record<string, string> = { ...(existing.data ?? {}) };
  let newData: Record<string, string>;
  if (desired.mode === 'replace') {
    newData = Object.fromEntries(Object.entries(desired.data).filter((e): e is [string, string] => e[1] !== null));
  } else {
    newData = { ...oldData };
    for (const [k, v] of Object.entries(desired.data)) {
      if (v === null) delete newData[k];
      else newData[k] = v;
    }
  }
  const oldBinary = secret ? undefined : ((existing as V1ConfigMap).binaryData ?? undefined);
  const newBinary = secret ? undefined : desired.mode === 'replace' ? desired.binaryData : oldBinary;
  const previousHash = resourceHash(type, { data: oldData, binaryData: oldBinary });
  const hash = resourceHash(type, { data: newData, binaryData: newBinary });

  const labels = { ...(existing.metadata?.labels ?? {}), ...desired.labels };
  if (target !== undefined) labels[TARGET_LABEL] = target;
  const change = dataChange(
    type,
    { data: oldData, binaryData: oldBinary },
    { data: newData, binaryData: newBinary },
    {
      ...(existing.metadata?.annotations ?? {}),
      ...desired.annotations,
    },
  );
  const annotations = change.annotations;
  const metaChanged = !sameMap(labels, existing.metadata?.labels ?? {}) || !sameMap(annotations, existing.metadata?.annotations ?? {});

  const next = { ...existing, metadata: { ...existing.metadata, labels, annotations } } as ConfigObject;
  next.data = newData;
  if (!secret) {
    if (newBinary && Object.keys(newBinary).length) (next as V1ConfigMap).binaryData = newBinary;
    else delete (next as V1ConfigMap).binaryData;
  }
  const plain = (data: Record<string, string>) =>
    secret ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) : data;
  const changes = dataChanges(plain(oldData), plain(newData), { secretKind: secret, secrets: desired.secretValues });
  for (const key of new Set([...Object.keys(oldBinary ?? {}), ...Object.keys(newBinary ?? {})])) {
    if (oldBinary?.[key] !== newBinary?.[key])
      changes.push({
        key,
        change: oldBinary?.[key] === undefined ? 'added' : newBinary?.[key] === undefined ? 'removed' : 'modified',
        lines: ['(binary data)'],
      });
  }
  return {
    next,
    dataChanged: change.changed,
    collision: change.collision,
    metaChanged,
    hash,
    previousHash,
    previousTarget: existing.metadata?.labels?.[TARGET_LABEL],
    changes,
  };
}

/** Reads the object; a Secret's values are masked at once. */
async function readObject(clients: KubeClients, desired: DesiredObject, settings: SwapSettings): Promise<ConfigObject> {
  const { namespace, name } = desired;
  let object: ConfigObject;
  try {
    object =
      desired.kind === 'Secret'
        ? await clients.core.readNamespacedSecret({ name, namespace })
        : await clients.core.readNamespacedConfigMap({ name, namespace });
  } catch (err) {
    if (errorStatus(err) === 404) throw await notFound(clients, desired);
    throw kubeError(err, `read ${desired.kind} ${namespace}/${name}`, clients.server);
  }
  if (desired.kind === 'Secret') {
    for (const v of Object.values(object.data ?? {})) {
      settings.mask(v);
      settings.mask(Buffer.from(v, 'base64').toString('utf8'));
    }
  }
  return object;
}

/**
 * A failed write may have been applied unless the server refused it: it may when there is no HTTP status
 * (a timeout, a reset connection; a timeout's DOMException carries `code` 23, which is not a status either)
 * or a 5xx (the API server answers 504 when its own deadline passed, and may still commit). A 4xx is a
 * refusal: nothing was stored.
 */
function answerMayBeLost(status: number | undefined): boolean {
  return status === undefined || status < 400 || status >= 500;
}

/** Reads the object after a write whose answer was lost: `applied` when it holds the desired state. */
async function readBack(
  clients: KubeClients,
  desired: DesiredObject,
  settings: SwapSettings,
): Promise<
  | { applied: true; plan?: undefined; error?: undefined }
  | { applied: false; plan: Plan; error?: undefined }
  | { applied: false; plan?: undefined; error: unknown }
> {
  let fresh: ConfigObject;
  try {
    fresh = await readObject(clients, desired, settings);
  } catch (error) {
    return { applied: false, error };
  }
  const again = plan(desired, fresh, settings.target);
  return again.dataChanged || again.metaChanged ? { applied: false, plan: again } : { applied: true };
}

async function readChecked(clients: KubeClients, desired: DesiredObject, settings: SwapSettings): Promise<ConfigObject> {
  const object = await readObject(clients, desired, settings);
  if (desired.kind === 'Secret') {
    const type = (object as V1Secret).type;
    if (desired.secretType && type && desired.secretType !== type) {
      throw new ActionError(`${objectKey(desired)} has type ${type} but ${desired.source} says ${desired.secretType}; a Secret's type cannot change`, {
        fix: `set type: ${type} in the manifest (or remove the line)`,
      });
    }
  }
  const p = plan(desired, object, settings.target);
  if (object.immutable && p.dataChanged) {
    throw new ActionError(`${objectKey(desired)} is immutable (immutable: true), so its data cannot change in place`, {
      fix: 'Reloader only reacts to in-place changes: make the object mutable (recreate it without immutable: true), or give the clients a new object name and roll them yourself',
    });
  }
  return object;
}

async function notFound(clients: KubeClients, desired: DesiredObject): Promise<ActionError> {
  try {
    await clients.core.readNamespace({ name: desired.namespace });
  } catch (err) {
    if (errorStatus(err) === 404)
      return new ActionError(`namespace ${desired.namespace} does not exist`, {
        where: `${objectKey(desired)} from ${desired.source}`,
        fix: 'check the namespace (manifest metadata.namespace or the namespace input)',
      });
    // Reading namespaces may be forbidden to a namespaced identity: then only the object is known missing.
  }
  return new ActionError(`${desired.kind} ${desired.name} does not exist in namespace ${desired.namespace}`, {
    where: desired.source,
    fix: `swap-configmap changes existing objects in place (Reloader ignores create and delete): create it first with kubectl apply, then use this action to switch clusters`,
  });
}

async function replace(clients: KubeClients, desired: DesiredObject, body: ConfigObject, dryRun: boolean): Promise<void> {
  const params = { name: desired.name, namespace: desired.namespace, fieldManager: FIELD_MANAGER, ...(dryRun ? { dryRun: 'All' } : {}) };
  if (desired.kind === 'Secret') await clients.core.replaceNamespacedSecret({ ...params, body: body as V1Secret });
  else await clients.core.replaceNamespacedConfigMap({ ...params, body: body as V1ConfigMap });
}

/** The error of a swap stopped at `failedAt`: what is written, what is in place, what is not, and where each object points. */
function halfDone(
  done: ObjectOutcome[],
  objects: DesiredObject[],
  plans: Plan[],
  failedAt: number,
  cause: unknown,
  dryRun: boolean,
  failedState: Omit<ObjectProgress, 'object' | 'reason'>,
): SwapError {
  const failed = objects[failedAt];
  const keys = (state: ObjectOutcome['state']) => done.filter((o) => o.state === state).map(objectKey);
  const written = keys('written');
  const notAttempted = objects.slice(failedAt + 1);
  const parts = [`${dryRun ? 'dry run of ' : ''}${objectKey(failed)} failed: ${describeError(cause)}`];
  if (written.length) parts.push(`already written: ${written.join(', ')}`);
  if (keys('would-change').length) parts.push(`dry run passed: ${keys('would-change').join(', ')}`);
  if (keys('in-place').length) parts.push(`already in place (unchanged): ${keys('in-place').join(', ')}`);
  if (notAttempted.length) parts.push(`not attempted: ${notAttempted.map(objectKey).join(', ')}`);
  const progress: ObjectProgress[] = [
    ...done.map((o): ObjectProgress => ({
      object: objectKey(o),
      state: o.state,
      now: o.state === 'would-change' ? { hash: o.previousHash, target: o.previousTarget } : { hash: o.hash, target: o.target },
    })),
    { object: objectKey(failed), reason: describeError(cause), ...failedState },
    ...notAttempted.map((d, j): ObjectProgress => ({
      object: objectKey(d),
      state: 'not-written',
      now: { hash: plans[failedAt + 1 + j].previousHash, target: plans[failedAt + 1 + j].previousTarget },
    })),
  ];
  return new SwapError(
    parts.join('; '),
    {
      fix: written.length
        ? 're-run the step: objects already written are found in place and left alone, the rest are applied'
        : failedState.state === 'unknown'
          ? `check ${objectKey(failed)} with kubectl get, then re-run the step: a write that was applied is found in place and left alone`
          : 'fix the cause and re-run the step',
      cause,
    },
    progress,
    { objects: [...done], changed: done.some((o) => o.changed), dryRun },
  );
}

/** The log line of one object's outcome. */
function outcomeLine(o: ObjectOutcome, dryRun: boolean): string {
  const key = objectKey(o);
  if (!o.changed) return `${key}: data already in place (hash ${o.hash})${o.written ? '; metadata updated' : ''}`;
  const roll =
    o.workloads === null
      ? 'workloads unknown'
      : o.workloads.length
        ? `Reloader will roll ${o.workloads.map((w) => `${w.kind}/${w.name}`).join(', ')}`
        : 'no workload will be rolled';
  return `${key}: ${dryRun ? 'would change' : 'changed'} ${o.changedKeys.length} key(s) [${o.changedKeys.join(', ')}], hash ${o.previousHash} -> ${o.hash}${o.conflicts ? ` after ${o.conflicts} conflict(s)` : ''}; ${roll}`;
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
