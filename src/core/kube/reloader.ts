import { createHash } from 'node:crypto';
import { compileGoRegex, parseGoBool, type GoRegex } from './go.js';

/**
 * Stakater Reloader's prediction rules (v1.4.21, as read from its source), as pure functions: the
 * SHA-1 hash of a ConfigMap or Secret, the env var name, which workloads a change reloads
 * (`ShouldReload` plus the container lookup) and how a rolled pod template shows it. Both actions use
 * them (swap-configmap to say who will roll, verify-rollout to find and check them), and the
 * Kubernetes emulator's Reloader builds its writes on them, so none of the three can disagree about
 * what Reloader selects. What only the emulator needs (patches, pause and resume, event text) is
 * beside its controller in src/playground/kube/reloader-plan.ts.
 */

/** Reloader's annotation keys (each can be renamed by a Reloader flag, hence configurable). */
export interface ReloaderKeys {
  auto: string;
  configmapAuto: string;
  secretAuto: string;
  configmapReload: string;
  secretReload: string;
  search: string;
  match: string;
  ignore: string;
  configmapsExclude: string;
  secretsExclude: string;
  pausePeriod: string;
  pausedAt: string;
}

/** The defaults from Reloader's `internal/pkg/options/flags.go`. */
export const RELOADER_KEYS: ReloaderKeys = {
  auto: 'reloader.stakater.com/auto',
  configmapAuto: 'configmap.reloader.stakater.com/auto',
  secretAuto: 'secret.reloader.stakater.com/auto',
  configmapReload: 'configmap.reloader.stakater.com/reload',
  secretReload: 'secret.reloader.stakater.com/reload',
  search: 'reloader.stakater.com/search',
  match: 'reloader.stakater.com/match',
  ignore: 'reloader.stakater.com/ignore',
  configmapsExclude: 'configmaps.exclude.reloader.stakater.com/reload',
  secretsExclude: 'secrets.exclude.reloader.stakater.com/reload',
  pausePeriod: 'deployment.reloader.stakater.com/pause-period',
  pausedAt: 'deployment.reloader.stakater.com/paused-at',
};

/** Pod-template annotation written by the annotations strategy (not configurable in Reloader). */
export const LAST_RELOADED_FROM = 'reloader.stakater.com/last-reloaded-from';

export type ReloadResourceType = 'CONFIGMAP' | 'SECRET';
export type ReloadStrategy = 'env-vars' | 'annotations';

/** Reloader's command-line options that change selection. */
export interface ReloaderOptions {
  keys?: Partial<ReloaderKeys>;
  /** `--auto-reload-all` (default false). */
  autoReloadAll?: boolean;
  /** `--ignored-workload-types`: only `jobs` and `cronjobs` are valid; any other entry disables the list. */
  ignoredWorkloadTypes?: string[];
  /** `--reload-strategy` (default env-vars). */
  strategy?: ReloadStrategy;
}

// ---------------------------------------------------------------------------------------------
// Hash (internal/pkg/util/util.go GetSHAfromConfigmap / GetSHAfromSecret, crypto/sha.go)

type Bytes = Buffer;

/** Reloader's `crypto.GenerateSHA`: the SHA-1 of the bytes, as 40 lower-case hex digits. */
export function generateSha(data: Bytes | string): string {
  return createHash('sha1').update(data).digest('hex');
}

function hashEntries(entries: Bytes[]): string {
  // Go sort.Strings compares bytes; JS string order (UTF-16 units) can differ, so sort Buffers.
  entries.sort(Buffer.compare);
  const parts: Bytes[] = [];
  entries.forEach((entry, i) => {
    if (i > 0) parts.push(Buffer.from(';'));
    parts.push(entry);
  });
  return generateSha(Buffer.concat(parts));
}

function entry(key: string, value: Bytes): Bytes {
  return Buffer.concat([Buffer.from(`${key}=`, 'utf8'), value]);
}

/**
 * Reloader's hash of a ConfigMap: `key=value` for each `data` entry and `key=<base64>` for each
 * `binaryData` entry (base64 as the API returns it, standard and padded), sorted byte-wise, joined by `;`.
 */
export function configMapHash(configMap: { data?: Record<string, string> | null; binaryData?: Record<string, string> | null }): string {
  const entries: Bytes[] = [];
  for (const [k, v] of Object.entries(configMap.data ?? {})) entries.push(entry(k, Buffer.from(v, 'utf8')));
  for (const [k, v] of Object.entries(configMap.binaryData ?? {})) {
    entries.push(entry(k, Buffer.from(Buffer.from(v, 'base64').toString('base64'), 'utf8')));
  }
  return hashEntries(entries);
}

/**
 * Reloader's hash of a Secret: only `data`, each value as its decoded raw bytes (never the base64
 * text). `stringData`, type, labels and annotations do not count. `data` is base64 as in the API.
 */
export function secretHash(secret: { data?: Record<string, string> | null }): string {
  const entries: Bytes[] = [];
  for (const [k, v] of Object.entries(secret.data ?? {})) entries.push(entry(k, Buffer.from(v, 'base64')));
  return hashEntries(entries);
}

/** The hash of a ConfigMap or Secret object (by its `kind`, or the given type). */
export function resourceHash(type: ReloadResourceType, object: { data?: Record<string, string> | null; binaryData?: Record<string, string> | null }): string {
  return type === 'SECRET' ? secretHash(object) : configMapHash(object);
}

/** `ConfigMap` → `CONFIGMAP`, `Secret` → `SECRET`. */
export function resourceTypeOfKind(kind: string): ReloadResourceType {
  if (kind === 'ConfigMap') return 'CONFIGMAP';
  if (kind === 'Secret') return 'SECRET';
  throw new Error(`Reloader watches ConfigMaps and Secrets, not ${kind}`);
}

// ---------------------------------------------------------------------------------------------
// Env var (util.go ConvertToEnvVarName, upgrade.go getEnvVarName)

/**
 * Reloader's `ConvertToEnvVarName`: upper-case, keep `[A-Z0-9]`, a run of anything else becomes one
 * `_` (dropped at the start, kept at the end).
 */
export function convertToEnvVarName(text: string): string {
  const upper = text.toUpperCase();
  let out = '';
  let lastValid = false;
  for (const ch of Buffer.from(upper, 'utf8')) {
    const valid = (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x30 && ch <= 0x39);
    if (valid) out += String.fromCharCode(ch);
    else if (lastValid) out += '_';
    lastValid = valid;
  }
  return out;
}

/** `STAKATER_<NAME>_CONFIGMAP` or `STAKATER_<NAME>_SECRET`. */
export function envVarName(resourceName: string, type: ReloadResourceType): string {
  return `STAKATER_${convertToEnvVarName(resourceName)}_${type}`;
}

// ---------------------------------------------------------------------------------------------
// Shapes

/** Structural subset of a pod spec that Reloader reads (client-node's V1PodSpec fits it). */
export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  volumes?: Array<{
    name: string;
    configMap?: { name?: string } | null;
    secret?: { secretName?: string } | null;
    projected?: { sources?: Array<{ configMap?: { name?: string } | null; secret?: { name?: string } | null }> | null } | null;
  }>;
}
export interface ContainerLike {
  name: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { configMapKeyRef?: { name?: string } | null; secretKeyRef?: { name?: string } | null } | null }>;
  envFrom?: Array<{ configMapRef?: { name?: string } | null; secretRef?: { name?: string } | null }>;
  volumeMounts?: Array<{ name: string }>;
}
/** A pod template as Reloader reads it. */
export interface PodTemplateLike {
  metadata?: { annotations?: Record<string, string> | null };
  spec?: PodSpecLike;
}
/** Structural subset of a Deployment, DaemonSet, StatefulSet, Job or CronJob (whose template is in its jobTemplate). */
export interface WorkloadLike {
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> | null };
  spec?: { template?: PodTemplateLike; jobTemplate?: { spec?: { template?: PodTemplateLike } } };
}

/** The pod template Reloader reads and writes: a CronJob's is in `spec.jobTemplate.spec.template`. */
export function podTemplateOf(workload: WorkloadLike): PodTemplateLike | undefined {
  return workload.kind === 'CronJob' ? workload.spec?.jobTemplate?.spec?.template : workload.spec?.template;
}
/** The changed ConfigMap or Secret, as Reloader's `Config` holds it. */
export interface ReloadResource {
  type: ReloadResourceType;
  name: string;
  namespace: string;
  annotations?: Record<string, string> | null;
  /** Its hash after the change (configMapHash / secretHash). */
  hash: string;
}

/** A ConfigMap or Secret at one hash: what a pod template rolled for it records. */
export type HashedResource = Omit<ReloadResource, 'annotations'>;

/** Reloader's `ReloadSource`, the JSON value of `last-reloaded-from`. */
export interface ReloadSource {
  type: string;
  name: string;
  namespace: string;
  hash: string;
  containerRefs: string[];
  observedAt: number;
}

/** Parses a `last-reloaded-from` value; undefined when it is not Reloader's JSON. */
export function parseReloadSource(text: string | undefined): ReloadSource | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ReloadSource>;
    if (typeof value !== 'object' || value === null || typeof value.name !== 'string' || typeof value.hash !== 'string') return undefined;
    return {
      type: String(value.type ?? ''),
      name: value.name,
      namespace: String(value.namespace ?? ''),
      hash: value.hash,
      containerRefs: Array.isArray(value.containerRefs) ? value.containerRefs.map(String) : [],
      observedAt: Number(value.observedAt ?? 0),
    };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Selection (pkg/common/common.go ShouldReload)

export type ReloadMatch = 'named' | 'search' | 'auto';

/** Outcome of `ShouldReload` for one workload. */
export interface ReloadCheck {
  shouldReload: boolean;
  /** True for auto and search: the resource must really be referenced by the pod spec. */
  autoReload: boolean;
  /** Which rule selected the workload. */
  match?: ReloadMatch;
  /** Why not, when shouldReload is false. */
  reason?: 'ignored-workload-type' | 'resource-ignored' | 'excluded' | 'not-annotated' | 'reloader-crash';
  /**
   * Set when Reloader panics on this workload: an item of its reload list that Go's regexp rejects, reached
   * before any item matched (`regexp.MustCompile` in pkg/common/common.go). The panic ends Reloader's handling
   * of the change, so this workload and every one after it in Reloader's order is not rolled.
   */
  crash?: string;
  /** Problems found in the annotations (the crash, when there is one). */
  errors: string[];
}

/** The annotation keys in effect: the defaults, with any renamed by a Reloader flag. */
export function reloaderKeys(options: ReloaderOptions = {}): ReloaderKeys {
  return { ...RELOADER_KEYS, ...options.keys };
}

function excluded(resourceName: string, list: string | undefined): boolean {
  if (!list) return false;
  return list.split(',').some((item) => item.trim() === resourceName);
}

/**
 * Reloader's `ShouldReload`: reads the reload, search, auto and typed-auto keys from the workload's
 * metadata, or, only when none of the four is there, from the pod template; excludes always from
 * the workload metadata. Named lists are anchored Go regexes (`^item$`), compiled in order with
 * `regexp.MustCompile`: an invalid one reached before a match crashes Reloader (`crash`).
 */
export function shouldReload(
  resource: Pick<ReloadResource, 'type' | 'name' | 'annotations'>,
  workloadKind: string,
  workloadAnnotations: Record<string, string> | null | undefined,
  podAnnotations: Record<string, string> | null | undefined,
  options: ReloaderOptions = {},
): ReloadCheck {
  const keys = reloaderKeys(options);
  const ignoredTypes: string[] = options.ignoredWorkloadTypes ?? [];
  if (ignoredTypes.length > 0 && ignoredTypes.every((t) => t === 'jobs' || t === 'cronjobs')) {
    const asFlag = workloadKind === 'Job' ? 'jobs' : workloadKind === 'CronJob' ? 'cronjobs' : workloadKind;
    if ((ignoredTypes as string[]).includes(asFlag)) return { shouldReload: false, autoReload: false, reason: 'ignored-workload-type', errors: [] };
  }
  const resourceAnnotations = resource.annotations ?? {};
  if (resourceAnnotations[keys.ignore] === 'true') return { shouldReload: false, autoReload: false, reason: 'resource-ignored', errors: [] };

  const reloadKey = resource.type === 'SECRET' ? keys.secretReload : keys.configmapReload;
  const typedAutoKey = resource.type === 'SECRET' ? keys.secretAuto : keys.configmapAuto;
  const meta = workloadAnnotations ?? {};
  const inMeta = [reloadKey, keys.search, keys.auto, typedAutoKey].some((k) => Object.hasOwn(meta, k));
  const source = inMeta ? meta : (podAnnotations ?? {});

  const excludeList = resource.type === 'SECRET' ? meta[keys.secretsExclude] : meta[keys.configmapsExclude];
  if (excluded(resource.name, excludeList)) return { shouldReload: false, autoReload: false, reason: 'excluded', errors: [] };

  const errors: string[] = [];
  for (const raw of (source[reloadKey] ?? '').split(',')) {
    const item = raw.trim();
    let re: GoRegex;
    try {
      re = compileGoRegex(`^${item}$`);
    } catch (err) {
      const crash = `regexp.MustCompile panics on ${JSON.stringify(item)} in annotation ${reloadKey}: ${(err as Error).message}`;
      return { shouldReload: false, autoReload: false, reason: 'reloader-crash', crash, errors: [crash] };
    }
    if (re.test(resource.name)) return { shouldReload: true, autoReload: false, match: 'named', errors };
  }

  if (source[keys.search] === 'true' && resourceAnnotations[keys.match] === 'true') {
    return { shouldReload: true, autoReload: true, match: 'search', errors };
  }

  const autoValue = source[keys.auto] ?? '';
  const typedValue = source[typedAutoKey] ?? '';
  if (parseGoBool(autoValue) === true || parseGoBool(typedValue) === true || (autoValue === '' && typedValue === '' && options.autoReloadAll === true)) {
    return { shouldReload: true, autoReload: true, match: 'auto', errors };
  }
  return { shouldReload: false, autoReload: false, reason: 'not-annotated', errors };
}

// ---------------------------------------------------------------------------------------------
// Container lookup (upgrade.go getContainerUsingResource)

function volumeUsing(spec: PodSpecLike, type: ReloadResourceType, name: string): string | undefined {
  for (const volume of spec.volumes ?? []) {
    if (type === 'CONFIGMAP') {
      if (volume.configMap && volume.configMap.name === name) return volume.name;
      if (volume.projected?.sources?.some((s) => s.configMap && s.configMap.name === name)) return volume.name;
    } else {
      if (volume.secret && volume.secret.secretName === name) return volume.name;
      if (volume.projected?.sources?.some((s) => s.secret && s.secret.name === name)) return volume.name;
    }
  }
  return undefined;
}

function withMount(containers: ContainerLike[], volume: string): ContainerLike | undefined {
  return containers.find((c) => (c.volumeMounts ?? []).some((m) => m.name === volume));
}

function withEnvReference(containers: ContainerLike[], type: ReloadResourceType, name: string): ContainerLike | undefined {
  for (const c of containers) {
    for (const env of c.env ?? []) {
      const from = env.valueFrom;
      if (!from) continue;
      if (type === 'SECRET' && from.secretKeyRef && from.secretKeyRef.name === name) return c;
      if (type === 'CONFIGMAP' && from.configMapKeyRef && from.configMapKeyRef.name === name) return c;
    }
    for (const from of c.envFrom ?? []) {
      if (type === 'SECRET' && from.secretRef && from.secretRef.name === name) return c;
      if (type === 'CONFIGMAP' && from.configMapRef && from.configMapRef.name === name) return c;
    }
  }
  return undefined;
}

/**
 * The container Reloader writes into, or undefined (`NoContainerFound`). Volumes a container mounts
 * come first, then env references; containers before init containers, and a resource used only by
 * an init container lands in `containers[0]`. A named reload without any reference also falls back
 * to `containers[0]`; auto and search do not.
 */
export function containerUsingResource(spec: PodSpecLike, resource: Pick<ReloadResource, 'type' | 'name'>, autoReload: boolean): ContainerLike | undefined {
  const containers = spec.containers ?? [];
  const inits = spec.initContainers ?? [];
  const volume = volumeUsing(spec, resource.type, resource.name);
  if (volume !== undefined) {
    const container = withMount(containers, volume);
    if (container === undefined && inits.length > 0) {
      if (withMount(inits, volume)) return containers[0];
    } else if (container !== undefined) {
      return container;
    }
  }
  const container = withEnvReference(containers, resource.type, resource.name);
  if (container === undefined && inits.length > 0) {
    if (withEnvReference(inits, resource.type, resource.name)) return containers[0];
  }
  if (container === undefined && !autoReload) return containers[0];
  return container;
}

// ---------------------------------------------------------------------------------------------
// The whole decision for one workload (handler/upgrade.go PerformAction, callbacks/rolling_upgrade.go)

/**
 * Strategy outcome, named as in Reloader's constants, plus NotSelected when ShouldReload said no and
 * ReloaderCrash when Reloader panics on the workload's annotation (nothing is written, Reloader restarts).
 */
export type ReloadResult = 'Updated' | 'NotUpdated' | 'NoContainerFound' | 'NotSelected' | 'ReloaderCrash';

/** What Reloader decides for one workload and one change. */
export interface ReloadDecision {
  kind: string;
  name: string;
  namespace: string;
  check: ReloadCheck;
  result: ReloadResult;
  /** The container written into (env-vars) or recorded (annotations); set for Updated and NotUpdated. */
  container?: string;
  /** One line for humans. */
  why: string;
}

/**
 * Decides, exactly as Reloader does, what one changed ConfigMap/Secret does to one workload: same
 * namespace only, ShouldReload, the container lookup, then the strategy (env-vars writes nothing when
 * the variable already holds the hash, `NotUpdated`; annotations always writes, as `observedAt` moves).
 */
export function reloadDecision(resource: ReloadResource, workload: WorkloadLike, options: ReloaderOptions = {}): ReloadDecision {
  const kind = workload.kind ?? '';
  const name = workload.metadata?.name ?? '';
  const namespace = workload.metadata?.namespace ?? '';
  const base = { kind, name, namespace };
  if (namespace !== resource.namespace) {
    return {
      ...base,
      check: { shouldReload: false, autoReload: false, reason: 'not-annotated', errors: [] },
      result: 'NotSelected',
      why: `in namespace ${namespace}, Reloader only reloads workloads in ${resource.namespace}`,
    };
  }
  const template = podTemplateOf(workload);
  const check = shouldReload(resource, kind, workload.metadata?.annotations, template?.metadata?.annotations, options);
  if (check.crash !== undefined) {
    return { ...base, check, result: 'ReloaderCrash', why: `Reloader will crash on this annotation: ${check.crash}` };
  }
  if (!check.shouldReload) {
    return { ...base, check, result: 'NotSelected', why: `not selected (${check.reason})` };
  }
  const container = containerUsingResource(template?.spec ?? {}, resource, check.autoReload);
  if (!container) {
    return { ...base, check, result: 'NoContainerFound', why: `selected by ${check.match} but no container uses ${resource.type} ${resource.name}` };
  }
  if ((options.strategy ?? 'env-vars') === 'annotations') {
    return { ...base, check, result: 'Updated', container: container.name, why: `selected by ${check.match}; annotation ${LAST_RELOADED_FROM}` };
  }
  const envName = envVarName(resource.name, resource.type);
  if ((container.env ?? []).find((e) => e.name === envName)?.value === resource.hash) {
    return { ...base, check, result: 'NotUpdated', container: container.name, why: `${envName} already holds the hash in container ${container.name}` };
  }
  return { ...base, check, result: 'Updated', container: container.name, why: `selected by ${check.match}; ${envName} in container ${container.name}` };
}

/** Where a pod template shows that Reloader rolled it for this resource at this hash. */
export interface ReloadMarker {
  strategy: ReloadStrategy;
  container: string;
}

/**
 * Whether the pod template carries the given hash of the resource, by either strategy:
 * `STAKATER_<NAME>_<TYPE>=<hash>` in one of its `containers` (Reloader never writes into init
 * containers, so a variable there proves nothing), or a `last-reloaded-from` annotation whose type,
 * name, namespace and hash match (it only records the last trigger). Whether that marker is the
 * template's latest word on the resource is `configMarker`'s question (config-marker.ts).
 */
export function reloadMarker(template: PodTemplateLike | undefined, resource: HashedResource): ReloadMarker | undefined {
  const value = reloaderEnvValue(template, resource);
  if (value && value.value === resource.hash) return { strategy: 'env-vars', container: value.container };
  const source = reloadSourceFor(template, resource);
  if (source && source.hash === resource.hash) return { strategy: 'annotations', container: source.containerRefs[0] ?? '' };
  return undefined;
}

/** Reloader's env var for the resource in the template's `containers` (the first one holding it), whatever its value. */
export function reloaderEnvValue(
  template: PodTemplateLike | undefined,
  resource: Pick<HashedResource, 'type' | 'name'>,
): { container: string; value: string } | undefined {
  const envName = envVarName(resource.name, resource.type);
  for (const c of template?.spec?.containers ?? []) {
    const found = (c.env ?? []).find((e) => e.name === envName);
    if (found) return { container: c.name, value: found.value ?? '' };
  }
  return undefined;
}

/** The template's `last-reloaded-from`, when it names this resource (type, name and namespace), whatever its hash. */
export function reloadSourceFor(template: PodTemplateLike | undefined, resource: Omit<HashedResource, 'hash'>): ReloadSource | undefined {
  const source = parseReloadSource(template?.metadata?.annotations?.[LAST_RELOADED_FROM]);
  if (source && source.type === resource.type && source.name === resource.name && source.namespace === resource.namespace) return source;
  return undefined;
}
