/**
 * Normalization and comparison of the answers the differential corpus records on the emulator and on the
 * real API server: what legitimately differs between two servers (uids, timestamps, resourceVersions,
 * managedFields' times and field sets, generated names and hashes, IPs, continue tokens) becomes a
 * placeholder, then the two are compared field by field.
 */

type J = Record<string, unknown>;
const isObject = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

const TIME_KEYS = new Set([
  'creationTimestamp',
  'deletionTimestamp',
  'lastTransitionTime',
  'lastUpdateTime',
  'lastProbeTime',
  'lastHeartbeatTime',
  'firstTimestamp',
  'lastTimestamp',
  'eventTime',
  'startTime',
  'startedAt',
  'finishedAt',
  'time',
  'restartedAt',
]);
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/** Names and hashes a server generated in one case: collected first, then replaced everywhere. */
export class Generated {
  private readonly replacements = new Map<string, string>();

  /** Learns from every object in `value`: `generateName` + suffix, pod-template-hash and controller-revision-hash. */
  learn(value: unknown): void {
    if (Array.isArray(value)) return value.forEach((v) => this.learn(v));
    if (!isObject(value)) return;
    const meta = value.metadata;
    if (isObject(meta)) {
      const name = typeof meta.name === 'string' ? meta.name : undefined;
      const generateName = typeof meta.generateName === 'string' ? meta.generateName : undefined;
      if (name && generateName && name.startsWith(generateName) && name !== generateName) this.replacements.set(name, `${generateName}<suffix>`);
      const labels = isObject(meta.labels) ? meta.labels : {};
      for (const key of ['pod-template-hash', 'controller-revision-hash']) {
        const hash = labels[key];
        if (typeof hash === 'string' && hash) {
          // controller-revision-hash is `<name>-<hash>`; its hash part is what is generated.
          const part = hash.includes('-') ? hash.slice(hash.lastIndexOf('-') + 1) : hash;
          if (part.length >= 5) this.replacements.set(part, '<hash>');
        }
      }
    }
    for (const v of Object.values(value)) this.learn(v);
  }

  /** Replaces what was learnt in a string, longest first (a pod name contains its ReplicaSet's hash). */
  apply(text: string): string {
    let out = text;
    for (const [from, to] of [...this.replacements].sort((a, b) => b[0].length - a[0].length)) out = out.split(from).join(to);
    return out;
  }
}

function normalizeString(text: string, generated: Generated, key?: string): string {
  let out = generated.apply(text);
  out = out.replace(ISO_TIME, '<time>').replace(UUID, '<uid>').replace(IPV4, '<ip>');
  // Event names: `<object>.<hex of the time>`.
  if (key === 'name') out = out.replace(/\.[0-9a-f]{12,}$/, '.<id>');
  // resourceVersions quoted in messages (`too old resource version: 12 (34)`, `the ResourceVersion in the precondition (12)`).
  out = out.replace(/resource version: \d+ \(\d+\)/g, 'resource version: <rv> (<rv>)');
  out = out.replace(/(ResourceVersion in (?:the precondition|record)) \(\d+\)/g, '$1 (<rv>)');
  // Pods of a ReplicaSet that are gone (only events still name them), and the nodes the scheduler picked.
  out = out.replace(/<hash>-[a-z0-9]{5}\b/g, '<hash>-<suffix>').replace(/\bkube-node-\d+\b/g, '<node>');
  return out;
}

/** One answer, normalized for comparison. */
export function normalize(value: unknown, generated: Generated, key?: string): unknown {
  if (typeof value === 'string') {
    if (key && TIME_KEYS.has(key)) return '<time>';
    if (key === 'uid') return '<uid>';
    if (key === 'resourceVersion') return '<rv>';
    if (key === 'continue') return '<continue>';
    if (key === 'nodeName' || key === 'host') return /^kube-node-\d+$/.test(value) ? '<node>' : value;
    return normalizeString(value, generated, key);
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, generated));
  if (!isObject(value)) return value;
  const out: J = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'managedFields' && Array.isArray(v)) {
      // Who wrote, how, on which subresource; not when, nor the field sets (the emulator keeps none).
      out[k] = v.map((m) => {
        const f = m as J;
        return { manager: f.manager, operation: f.operation, ...(f.subresource ? { subresource: f.subresource } : {}) };
      });
      continue;
    }
    out[k] = normalize(v, generated, k);
  }
  return out;
}

/** One field where the two servers disagree (`undefined`: the field is absent on that side). */
export interface Difference {
  case: string;
  step: string;
  path: string;
  emulator: unknown;
  real: unknown;
}

/** JSON with object keys sorted, so equal values always print the same. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** Field-by-field differences of two normalized values. */
export function differences(emulator: unknown, real: unknown, where: { case: string; step: string }, path = ''): Difference[] {
  if (canonical(emulator) === canonical(real)) return [];
  if (isObject(emulator) && isObject(real)) {
    const keys = [...new Set([...Object.keys(emulator), ...Object.keys(real)])].sort();
    return keys.flatMap((k) => differences(emulator[k], real[k], where, path ? `${path}.${k}` : k));
  }
  if (Array.isArray(emulator) && Array.isArray(real) && emulator.length === real.length) {
    return emulator.flatMap((v, i) => differences(v, real[i], where, `${path}[${i}]`));
  }
  return [{ ...where, path, emulator, real }];
}

/** A listed difference matches when case, step and path are the same and both values are as listed. */
export interface KnownDifference extends Difference {
  reason: string;
}

const ABSENT = '<absent>';
/** JSON cannot hold `undefined`: the known-differences file says `"<absent>"`. */
export function storable(d: Difference): Difference {
  return { ...d, emulator: d.emulator === undefined ? ABSENT : d.emulator, real: d.real === undefined ? ABSENT : d.real };
}

export function sameDifference(a: Difference, b: Difference): boolean {
  const x = storable(a);
  const y = storable(b);
  return (
    x.case === y.case && x.step === y.step && x.path === y.path && canonical(x.emulator) === canonical(y.emulator) && canonical(x.real) === canonical(y.real)
  );
}
