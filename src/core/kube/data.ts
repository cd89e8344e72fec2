import { createHash } from 'node:crypto';
import { resourceHash, type ReloadResourceType } from './reloader.js';

/**
 * The data of a ConfigMap or Secret as data, not as Reloader's hash. Reloader's hash joins `key=value`
 * with `;` without escaping, so `{a: "b;c=d"}` and `{a: "b", c: "d"}` hash the same: "did the data change"
 * is decided here by comparing the data itself, and a change Reloader cannot see (a collision) is recorded
 * on the object so that verify-rollout does not take the old hash in a pod template as proof.
 */

/** The fields of a ConfigMap or Secret that hold data (`data` is base64 in a Secret, `binaryData` in a ConfigMap). */
export interface DataFields {
  data?: Record<string, string> | null;
  binaryData?: Record<string, string> | null;
}

/** Annotation swap-configmap writes with data whose Reloader hash equals the previous data's. */
export const HASH_COLLISION = 'ccloud-dr-actions/hash-collision';

/** The value of the collision annotation: the Reloader hash both data sets share, and the digest of the new data. */
export interface HashCollision {
  hash: string;
  data: string;
}

/** Every entry as raw bytes: ConfigMap `data` as UTF-8, Secret `data` and ConfigMap `binaryData` decoded from base64. */
function entries(type: ReloadResourceType, object: DataFields): { data: Map<string, Buffer>; binary: Map<string, Buffer> } {
  const data = new Map<string, Buffer>();
  const binary = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(object.data ?? {})) data.set(k, type === 'SECRET' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
  if (type === 'CONFIGMAP') for (const [k, v] of Object.entries(object.binaryData ?? {})) binary.set(k, Buffer.from(v, 'base64'));
  return { data, binary };
}

function sameEntries(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const other = b.get(k);
    if (!other || !other.equals(v)) return false;
  }
  return true;
}

/** True when both hold the same keys with the same bytes (what the pods would read), whatever Reloader's hash says. */
export function sameData(type: ReloadResourceType, a: DataFields, b: DataFields): boolean {
  const x = entries(type, a);
  const y = entries(type, b);
  return sameEntries(x.data, y.data) && sameEntries(x.binary, y.binary);
}

/** A collision-free digest of the data (`sha256:<hex>` over length-prefixed, sorted entries), for records and messages. */
export function dataDigest(type: ReloadResourceType, object: DataFields): string {
  const { data, binary } = entries(type, object);
  const hash = createHash('sha256');
  for (const [section, map] of [
    ['data', data],
    ['binaryData', binary],
  ] as const) {
    for (const key of [...map.keys()].sort()) {
      const value = map.get(key)!;
      for (const part of [Buffer.from(section), Buffer.from(key, 'utf8'), value]) {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(part.length);
        hash.update(length).update(part);
      }
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The collision recorded on the object, when its annotation is there and readable. */
export function hashCollisionOf(annotations: Record<string, string> | null | undefined): HashCollision | undefined {
  const text = annotations?.[HASH_COLLISION];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<HashCollision>;
    return typeof value?.hash === 'string' ? { hash: value.hash, data: String(value.data ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/** What a write of new data means: whether the data changes, whether Reloader can see it, and the annotations to write. */
export interface DataChange {
  /** The data itself differs (not only Reloader's hash). */
  changed: boolean;
  /** It differs but Reloader's hash does not: Reloader will not roll anything, the workloads must be restarted. */
  collision: boolean;
  /** The object's annotations after the write: the collision recorded, or a stale record dropped on a visible change. */
  annotations: Record<string, string>;
}

/** Decides a change of data by the data, and records a Reloader hash collision on the object. Pure. */
export function dataChange(type: ReloadResourceType, before: DataFields, after: DataFields, annotations: Record<string, string>): DataChange {
  const changed = !sameData(type, before, after);
  const hash = resourceHash(type, after);
  const collision = changed && resourceHash(type, before) === hash;
  const next = { ...annotations };
  if (collision) next[HASH_COLLISION] = JSON.stringify({ hash, data: dataDigest(type, after) } satisfies HashCollision);
  else if (changed) delete next[HASH_COLLISION];
  return { changed, collision, annotations: next };
}
