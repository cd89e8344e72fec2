import fastJsonPatch from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './errors.js';
import { isObject } from './types.js';

type JsonMap = Record<string, unknown>;

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

/**
 * Lists that strategic merge patch merges rather than replaces, by field name, with their merge
 * key (`x-kubernetes-patch-merge-key` in the OpenAPI files; test/kube checks this table against them).
 * A list not named here is replaced whole, as the apiserver does. Lists of scalars with
 * `merge` strategy have no key.
 */
export const SMP_MERGE_LISTS: Record<string, { key?: string }> = {
  containers: { key: 'name' },
  initContainers: { key: 'name' },
  ephemeralContainers: { key: 'name' },
  env: { key: 'name' },
  ports: { key: 'containerPort' },
  volumeDevices: { key: 'devicePath' },
  volumeMounts: { key: 'mountPath' },
  volumes: { key: 'name' },
  hostAliases: { key: 'ip' },
  imagePullSecrets: { key: 'name' },
  resourceClaims: { key: 'name' },
  schedulingGates: { key: 'name' },
  topologySpreadConstraints: { key: 'topologyKey' },
  conditions: { key: 'type' },
  allocatedResourcesStatus: { key: 'name' },
  hostIPs: { key: 'ip' },
  podIPs: { key: 'ip' },
  resourceClaimStatuses: { key: 'name' },
  ownerReferences: { key: 'uid' },
  addresses: { key: 'type' },
  finalizers: {},
  podCIDRs: {},
};

function listMeta(field: string, path: string[]): { key?: string } | undefined {
  // Namespace spec.finalizers has no patch strategy; only metadata.finalizers merges.
  if (field === 'finalizers' && path[path.length - 1] !== 'metadata') return undefined;
  return SMP_MERGE_LISTS[field];
}

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonMap = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Strategic merge patch as the apiserver applies it to built-in types: maps merge and `null`
 * deletes; lists in SMP_MERGE_LISTS merge item by item on their key (other lists are replaced);
 * directives `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<f>` and
 * `$setElementOrder/<f>` are honoured.
 */
export function strategicMergePatch(original: unknown, patch: unknown, path: string[] = []): unknown {
  if (!isObject(patch)) return patch;
  return smpMap(isObject(original) ? original : undefined, patch, path);
}

function smpMap(original: JsonMap | undefined, patch: JsonMap, path: string[]): JsonMap | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch) as JsonMap;
  if (directive !== undefined && directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);
  const result: JsonMap = original ? { ...original } : {};
  const orders: Array<[string, unknown[]]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      if (Array.isArray(value)) orders.push([key.slice('$setElementOrder/'.length), value]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(result[field]) && Array.isArray(value)) result[field] = (result[field] as unknown[]).filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const merged = smpMap(isObject(result[key]) ? (result[key] as JsonMap) : undefined, value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = smpList(Array.isArray(result[key]) ? (result[key] as unknown[]) : undefined, value, key, path);
    } else {
      result[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const meta = listMeta(field, path);
    if (Array.isArray(result[field])) result[field] = reorder(result[field] as unknown[], order, meta?.key);
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
  }
  return result;
}

function smpList(original: unknown[] | undefined, patch: unknown[], field: string, path: string[]): unknown[] {
  const meta = listMeta(field, path);
  const replaceAll = patch.some((p) => isObject(p) && p.$patch === 'replace' && Object.keys(p).length === 1);
  if (!meta || replaceAll) return patch.filter((p) => !(isObject(p) && p.$patch === 'replace' && Object.keys(p).length === 1)).map(stripDirectives);
  const result = [...(original ?? [])];
  if (meta.key === undefined) {
    for (const v of patch) if (!result.some((r) => r === v)) result.push(v);
    return mergeOrder(result, patch, original ?? [], (v) => v);
  }
  const key = meta.key;
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`unable to find api field in struct for the list '${field}': items must be objects with '${key}'`);
    if (!Object.hasOwn(item, key)) throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const index = result.findIndex((r) => isObject(r) && r[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (item.$patch === 'replace') {
      const replaced = stripDirectives(item);
      if (index >= 0) result[index] = replaced;
      else result.push(replaced);
      continue;
    }
    const merged = smpMap(index >= 0 ? (result[index] as JsonMap) : undefined, item, [...path, field]);
    if (index >= 0) result[index] = merged;
    else result.push(merged);
  }
  const id = (v: unknown) => (isObject(v) ? v[key] : v);
  return mergeOrder(
    result,
    patch.filter((p) => !(isObject(p) && (p.$patch === 'delete' || p.$patch === 'replace'))),
    original ?? [],
    id,
  );
}

/**
 * The order of a merged list, as apimachinery's normalizeElementOrder gives it: the items the patch names in the
 * patch's order, the others in the original's order, and the two interleaved by their places in the original
 * (an item new to the list goes before the original items that follow). `$setElementOrder` reorders afterwards.
 */
function mergeOrder(merged: unknown[], patch: unknown[], original: unknown[], id: (v: unknown) => unknown): unknown[] {
  const ids = (list: unknown[]) => list.map(id);
  const patchIds = ids(patch);
  const originalIds = ids(original);
  const rank = (order: unknown[], v: unknown) => order.indexOf(id(v));
  const inPatch = merged.filter((v) => patchIds.includes(id(v))).sort((a, b) => rank(patchIds, a) - rank(patchIds, b));
  const serverOnly = merged.filter((v) => !patchIds.includes(id(v))).sort((a, b) => rank(originalIds, a) - rank(originalIds, b));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inPatch.length) {
    if (i >= serverOnly.length) out.push(inPatch[j++]);
    else if (j >= inPatch.length) out.push(serverOnly[i++]);
    else {
      const li = rank(originalIds, serverOnly[i]);
      const ri = rank(originalIds, inPatch[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(inPatch[j++]);
    }
  }
  return out;
}

function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (v: unknown) => (key && isObject(v) ? v[key] : v);
  const orderIds = order.map((o) => id(o));
  const ranked = list.map((v, i) => ({ v, i, r: orderIds.indexOf(id(v)) }));
  ranked.sort((a, b) => (a.r < 0 ? Infinity : a.r) - (b.r < 0 ? Infinity : b.r) || a.i - b.i);
  return ranked.map((x) => x.v);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

/** RFC 6902 JSON patch through fast-json-patch; a failed operation is a 422 as on the apiserver. */
export function jsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    const what = isObject(operations) ? 'object' : typeof operations;
    throw badRequest(`error decoding patch: json: cannot unmarshal ${what} into Go value of type []handlers.jsonPatchOp`);
  }
  try {
    return fastJsonPatch.applyPatch(structuredClone(document), operations as fastJsonPatch.Operation[], true, true).newDocument;
  } catch {
    // The apiserver answers a failed operation with a generic 422 that leaves the operation's own error out.
    throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  }
}

/** The patch type of a Content-Type header (parameters ignored), or a 415. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const found = PATCH_TYPES.find((t) => t === base);
  if (!found) throw new ApiError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
  return found;
}

/** Parses a patch body: JSON for the three JSON types, YAML (a JSON superset) for apply. */
export function parsePatchBody(type: PatchType, text: string): unknown {
  try {
    return type === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/** Applies a parsed patch of the given type to a JSON document. */
export function applyPatch(type: PatchType, document: unknown, patch: unknown): unknown {
  switch (type) {
    case 'application/json-patch+json':
      return jsonPatch(document, patch);
    case 'application/merge-patch+json':
      if (!isObject(patch)) throw badRequest('json: cannot unmarshal a merge patch that is not an object');
      return mergePatch(document, patch);
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml':
      if (!isObject(patch)) throw badRequest('json: cannot unmarshal a strategic merge patch that is not an object');
      return strategicMergePatch(document, patch);
  }
}
