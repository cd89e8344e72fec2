import { randomUUID } from 'node:crypto';
import { applyDefaults } from './defaults.js';
import { ApiError, alreadyExists, badRequest, conflict, forbidden, invalidOptions, notFound, required } from './errors.js';
import { applyPatch, type PatchType } from './patch.js';
import { RESOURCES, apiVersionOf, qualifiedKind, resourceType, type ResourceType } from './resources.js';
import { matchesFilter, type ObjectFilter } from './selectors.js';
import type { Store } from './store.js';
import { clone, deepEqual, isObject, randomSuffix, timestamp, type KubeObject, type ManagedField } from './types.js';
import { validate } from './validation.js';

/** Options every write takes, mirroring the apiserver's query parameters. */
export interface WriteOptions {
  /** `dryRun=All`: validated and defaulted, nothing stored. */
  dryRun?: boolean;
  fieldManager?: string;
  /** False when the request named no fieldManager (the server then derives one from the user agent). */
  fieldManagerGiven?: boolean;
  /** `Apply` for server-side apply; `Update` otherwise (managedFields' operation). */
  operation?: 'Apply' | 'Update';
  subresource?: 'status';
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const NAMESPACE = resourceType('Namespace');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The apiserver's registry logic over the Store: create/update/patch/delete with the rules of
 * each type (defaults, validation, generation, status subresource, optimistic concurrency,
 * Secret stringData, immutable ConfigMaps/Secrets, dry run, no-op writes, garbage collection of
 * owned objects). The HTTP server, `apply()` and the controllers all write through it.
 */
export class KubeApi {
  constructor(
    readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored (frozen) object, or undefined. Controllers read with this; never mutate it. */
  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(type, namespace, name);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(type, namespace, name);
    if (!found) throw notFound(type, name);
    return clone(found);
  }

  /** Frozen stored objects matching a filter (all of them without one). */
  select(type: ResourceType, namespace?: string, filter?: ObjectFilter): KubeObject[] {
    const items = this.store.list(type, namespace);
    return filter ? items.filter((o) => matchesFilter(filter, o, type)) : items;
  }

  create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const obj = this.checkBody(type, body);
    if (type.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const ns = namespace ?? obj.metadata.namespace ?? 'default';
      obj.metadata.namespace = ns;
      const nsObj = this.store.get(NAMESPACE, undefined, ns);
      if (!nsObj) throw notFound(NAMESPACE, ns);
      if (nsObj.metadata.deletionTimestamp) {
        throw forbidden(
          `${type.plural} "${obj.metadata.name ?? obj.metadata.generateName ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        );
      }
    } else {
      delete obj.metadata.namespace;
    }
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    if (obj.metadata.name && this.store.get(type, obj.metadata.namespace, obj.metadata.name)) throw alreadyExists(type, obj.metadata.name);

    const meta = obj.metadata;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.now());
    if (type.generation !== 'none') meta.generation = 1;
    else delete meta.generation;
    if (type.subresources.includes('status')) obj.status = initialStatus(type);
    this.prepare(type, obj);
    validate(type, obj);
    meta.managedFields = managed(undefined, options.fieldManager, options.operation ?? 'Update', apiVersionOf(type), this.now());
    if (options.dryRun) return obj;
    return clone(this.store.put(type, obj));
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const old = this.store.get(type, namespace, name);
    if (!old) throw notFound(type, name);
    const incoming = this.checkBody(type, body);
    if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) {
      throw badRequest(`the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (incoming.metadata.resourceVersion && incoming.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(type, name);
    if (incoming.metadata.uid && incoming.metadata.uid !== old.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${incoming.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }

    let obj: KubeObject;
    if (options.subresource === 'status') {
      obj = clone(old);
      obj.status = incoming.status;
      // The status strategies keep spec and labels; controllers record annotations this way
      // (the deployment revision) without moving the generation.
      if (incoming.metadata.annotations !== undefined) obj.metadata.annotations = incoming.metadata.annotations;
    } else {
      obj = incoming;
      obj.apiVersion = apiVersionOf(type);
      obj.kind = type.kind;
      if (type.subresources.includes('status')) obj.status = clone(old.status);
      this.prepare(type, obj);
    }
    const meta = obj.metadata;
    meta.name = name;
    if (type.namespaced) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    meta.generation = old.metadata.generation;
    if (type.generation === 'none') delete meta.generation;
    else if (options.subresource !== 'status') {
      const specChanged = !deepEqual(old.spec, obj.spec);
      const annotationsChanged = type.generation === 'spec+annotations' && !deepEqual(old.metadata.annotations ?? {}, obj.metadata.annotations ?? {});
      if (specChanged || annotationsChanged) meta.generation = (old.metadata.generation ?? 0) + 1;
    }
    validate(type, obj, old);
    meta.managedFields = clone(old.metadata.managedFields);
    if (sameObject(old, obj)) return clone(old);
    meta.managedFields = managed(
      old.metadata.managedFields,
      options.fieldManager,
      options.operation ?? 'Update',
      apiVersionOf(type),
      this.now(),
      options.subresource,
    );
    if (options.dryRun) return obj;
    return clone(this.store.put(type, obj, old));
  }

  /**
   * Applies a patch of the given content type to the stored object and stores the result through
   * update(): merge and strategic patches without a resourceVersion are last-write-wins; one that
   * sets `metadata.resourceVersion` gets a 409 when stale. Server-side apply creates when missing.
   */
  patch(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, options: WriteOptions = {}): KubeObject {
    const old = this.store.get(type, namespace, name);
    if (patchType === 'application/apply-patch+yaml') {
      if (options.fieldManagerGiven === false || !options.fieldManager)
        throw invalidOptions('PatchOptions', [required('fieldManager', 'is required for apply patch')]);
      options = { ...options, operation: 'Apply' };
      if (!old) return this.create(type, namespace, { ...(patch as object), metadata: { ...((patch as KubeObject).metadata ?? {}), name } }, options);
    }
    if (!old) throw notFound(type, name);
    const patched = applyPatch(patchType, clone(old), patch);
    if (!isObject(patched))
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "${name}" is invalid: the patch produced a ${Array.isArray(patched) ? 'list' : typeof patched}, not an object`,
      );
    return this.update(type, namespace, name, patched, options);
  }

  /** Deletes an object and (background or foreground propagation) every object it owns. */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const old = this.store.get(type, namespace, name);
    if (!old) throw notFound(type, name);
    const pre = options.preconditions;
    // The delete preconditions (apiserver registry/rest/delete.go) name the kind, not the resource.
    const onKind = (why: string) =>
      new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedKind(type)} "${name}": ${why}`, {
        name,
        ...(type.group ? { group: type.group } : {}),
        kind: type.kind,
      });
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw onKind(
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw onKind(
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`,
      );
    }
    const result = clone(old);
    result.metadata.deletionTimestamp = timestamp(this.now());
    if (type.kind === 'Pod') result.metadata.deletionGracePeriodSeconds = 0;
    if (options.dryRun) return result;
    if (type.kind === 'Namespace') {
      const terminating = clone(old);
      terminating.metadata.deletionTimestamp = result.metadata.deletionTimestamp;
      terminating.status = { phase: 'Terminating' };
      this.store.put(type, terminating, old);
      for (const t of RESOURCES) if (t.namespaced) for (const o of this.store.list(t, name)) this.removeTree(t, o, 'Background');
      this.store.remove(type, this.store.get(type, undefined, name) as KubeObject);
      return clone(terminating);
    }
    this.removeTree(type, old, options.propagationPolicy ?? 'Background');
    return result;
  }

  private removeTree(type: ResourceType, obj: KubeObject, policy: string): void {
    if (!this.store.get(type, obj.metadata.namespace, obj.metadata.name ?? '')) return;
    this.store.remove(type, obj);
    const uid = obj.metadata.uid;
    for (const t of RESOURCES) {
      if (!t.namespaced) continue;
      for (const child of this.store.list(t, obj.metadata.namespace)) {
        if (!(child.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) continue;
        if (policy === 'Orphan') {
          const orphan = clone(child);
          orphan.metadata.ownerReferences = (orphan.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          this.store.put(t, orphan, child);
        } else {
          this.removeTree(t, child, policy);
        }
      }
    }
  }

  private checkBody(type: ResourceType, body: unknown): KubeObject {
    if (!isObject(body)) throw badRequest(`the body of a ${type.kind} must be a JSON object`);
    const obj = clone(body) as KubeObject;
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(type)) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(type)})`);
    }
    if (obj.kind !== undefined && obj.kind !== type.kind) {
      // A kind the API version serves is decoded, then found not convertible to the endpoint's type.
      const known = RESOURCES.find((r) => r.kind === obj.kind && apiVersionOf(r) === apiVersionOf(type));
      if (known)
        throw badRequest(
          `${known.kind} in version "${type.version}" cannot be handled as a ${type.kind}: converting (${type.version}.${known.kind}) to (${type.group || 'core'}.${type.kind}): unknown conversion`,
        );
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`);
    }
    if (!isObject(obj.metadata)) obj.metadata = {};
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    return obj;
  }

  /** Type-specific preparation shared by create and update: Secret stringData, base64 checks, defaults. */
  private prepare(type: ResourceType, obj: KubeObject): void {
    if (type.kind === 'Secret' || type.kind === 'ConfigMap') {
      const field = type.kind === 'Secret' ? 'data' : 'binaryData';
      for (const v of Object.values((obj[field] as Record<string, unknown> | undefined) ?? {})) {
        if (typeof v === 'string' && !BASE64.test(v)) {
          throw badRequest(`${type.kind} in version "v1" cannot be handled as a ${type.kind}: illegal base64 data at input byte ${firstBadByte(v)}`);
        }
      }
    }
    if (type.kind === 'Secret' && isObject(obj.stringData)) {
      // stringData is write-only: merged into data (winning per key) and never stored or returned.
      const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      obj.data = data;
    }
    if (type.kind === 'Secret') delete obj.stringData;
    applyDefaults(type, obj);
  }
}

function firstBadByte(text: string): number {
  const i = [...text].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
  return i < 0 ? text.length : i;
}

function initialStatus(type: ResourceType): Record<string, unknown> {
  if (type.kind === 'Namespace') return { phase: 'Active' };
  if (type.kind === 'Pod') return { phase: 'Pending', qosClass: 'BestEffort' };
  return {};
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return deepEqual(strip(a), strip(b));
}

function managed(
  previous: ManagedField[] | undefined,
  manager: string | undefined,
  operation: 'Update' | 'Apply',
  apiVersion: string,
  now: number,
  subresource?: string,
): ManagedField[] {
  const name = manager || 'unknown';
  const list = (previous ?? []).filter((f) => !(f.manager === name && f.operation === operation && f.subresource === subresource)).map((f) => clone(f));
  const entry: ManagedField = { manager: name, operation, apiVersion, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1: {} };
  if (subresource) entry.subresource = subresource;
  list.push(entry);
  return list;
}
