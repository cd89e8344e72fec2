import { RBAC_GROUP, type ResourceType } from './resources.js';
import { isObject, type Container, type KubeObject, type PodSpec } from './types.js';

/**
 * The apiserver's defaulting (k8s.io/kubernetes pkg/apis/{core,apps}/v1/defaults.go), applied on
 * every create and update, so that re-sending the same manifest yields the same stored spec and
 * the generation does not move.
 */

type J = Record<string, unknown>;

function set<T>(obj: J, key: string, value: T): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function imagePullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  set(probe, 'timeoutSeconds', 1);
  set(probe, 'periodSeconds', 10);
  set(probe, 'successThreshold', 1);
  set(probe, 'failureThreshold', 3);
  if (isObject(probe.httpGet)) set(probe.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(c: Container): void {
  const j = c as J;
  set(j, 'terminationMessagePath', '/dev/termination-log');
  set(j, 'terminationMessagePolicy', 'File');
  set(j, 'imagePullPolicy', imagePullPolicy(c.image));
  set(j, 'resources', {});
  for (const port of (j.ports as J[] | undefined) ?? []) set(port, 'protocol', 'TCP');
  for (const env of c.env ?? []) {
    const fieldRef = env.valueFrom?.fieldRef;
    if (fieldRef) set(fieldRef as J, 'apiVersion', 'v1');
  }
  defaultProbe(j.livenessProbe);
  defaultProbe(j.readinessProbe);
  defaultProbe(j.startupProbe);
}

/** SetDefaults_PodSpec and friends: container, volume and pod-level defaults. */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!isObject(spec)) return;
  const j = spec as J;
  set(j, 'restartPolicy', 'Always');
  set(j, 'terminationGracePeriodSeconds', 30);
  set(j, 'dnsPolicy', 'ClusterFirst');
  set(j, 'securityContext', {});
  set(j, 'schedulerName', 'default-scheduler');
  for (const c of spec.containers ?? []) if (isObject(c)) defaultContainer(c);
  for (const c of spec.initContainers ?? []) if (isObject(c)) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (!isObject(v)) continue;
    if (isObject(v.configMap)) set(v.configMap as J, 'defaultMode', 420);
    if (isObject(v.secret)) set(v.secret as J, 'defaultMode', 420);
    if (isObject(v.projected)) set(v.projected as J, 'defaultMode', 420);
  }
}

function defaultTemplate(spec: J): void {
  if (isObject(spec.template)) defaultPodSpec(spec.template.spec as PodSpec);
}

function intOrPercent(obj: J, key: string, value: number | string): void {
  set(obj, key, value);
}

const nonEmpty = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;

/**
 * A PolicyRule as the apiserver stores it: fields in Go order, empty lists gone (`verbs` has no omitempty and
 * comes back null), unknown fields dropped.
 */
function storedRule(rule: unknown): J {
  const r = isObject(rule) ? rule : {};
  const out: J = { verbs: nonEmpty(r.verbs) ? r.verbs : null };
  for (const k of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) if (nonEmpty(r[k])) out[k] = r[k];
  return out;
}

/** SetDefaults_Subject: User and Group subjects are of the RBAC group, ServiceAccounts of the core group. */
function storedSubject(subject: unknown): J {
  const s = isObject(subject) ? subject : {};
  const apiGroup = s.apiGroup || (s.kind === 'User' || s.kind === 'Group' ? RBAC_GROUP : '');
  const out: J = { kind: s.kind ?? '' };
  if (apiGroup) out.apiGroup = apiGroup;
  out.name = s.name ?? '';
  if (s.namespace) out.namespace = s.namespace;
  return out;
}

/** Applies the defaults of one type to an object in place (it must be a fresh, unfrozen copy). */
export function applyDefaults(type: ResourceType, obj: KubeObject): void {
  const spec = isObject(obj.spec) ? (obj.spec as J) : undefined;
  switch (type.kind) {
    case 'Namespace': {
      // The namespace strategy sets this label on every create and update (NamespaceDefaultLabelName).
      if (obj.metadata.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = isObject(obj.spec) ? obj.spec : {};
      set(obj.spec as J, 'finalizers', ['kubernetes']);
      break;
    }
    case 'Secret':
      set(obj as J, 'type', 'Opaque');
      break;
    case 'Role':
    case 'ClusterRole':
      // `rules` has no omitempty: a role without rules is stored and returned with `rules: null`.
      obj.rules = nonEmpty(obj.rules) ? obj.rules.map(storedRule) : null;
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const ref = isObject(obj.roleRef) ? obj.roleRef : {};
      obj.roleRef = { apiGroup: ref.apiGroup || RBAC_GROUP, kind: ref.kind ?? '', name: ref.name ?? '' };
      if (nonEmpty(obj.subjects)) obj.subjects = obj.subjects.map(storedSubject);
      else delete obj.subjects;
      break;
    }
    case 'Pod':
      if (spec) {
        defaultPodSpec(spec as PodSpec);
        set(spec, 'serviceAccountName', 'default');
        set(spec, 'serviceAccount', 'default');
        set(spec, 'enableServiceLinks', true);
        set(spec, 'priority', 0);
        set(spec, 'preemptionPolicy', 'PreemptLowerPriority');
      }
      break;
    case 'Deployment':
      if (!spec) break;
      set(spec, 'replicas', 1);
      set(spec, 'strategy', {});
      {
        const strategy = spec.strategy as J;
        set(strategy, 'type', 'RollingUpdate');
        if (strategy.type === 'RollingUpdate') {
          set(strategy, 'rollingUpdate', {});
          intOrPercent(strategy.rollingUpdate as J, 'maxUnavailable', '25%');
          intOrPercent(strategy.rollingUpdate as J, 'maxSurge', '25%');
        }
      }
      set(spec, 'revisionHistoryLimit', 10);
      set(spec, 'progressDeadlineSeconds', 600);
      defaultTemplate(spec);
      break;
    case 'ReplicaSet':
      if (!spec) break;
      set(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'StatefulSet': {
      if (!spec) break;
      set(spec, 'podManagementPolicy', 'OrderedReady');
      set(spec, 'updateStrategy', {});
      const strategy = spec.updateStrategy as J;
      // rollingUpdate {partition: 0} only when the type was omitted (SetDefaults_StatefulSet).
      if (strategy.type === undefined || strategy.type === '') {
        strategy.type = 'RollingUpdate';
        set(strategy, 'rollingUpdate', {});
      }
      if (strategy.type === 'RollingUpdate' && isObject(strategy.rollingUpdate)) set(strategy.rollingUpdate, 'partition', 0);
      set(spec, 'persistentVolumeClaimRetentionPolicy', {});
      set(spec.persistentVolumeClaimRetentionPolicy as J, 'whenDeleted', 'Retain');
      set(spec.persistentVolumeClaimRetentionPolicy as J, 'whenScaled', 'Retain');
      set(spec, 'replicas', 1);
      set(spec, 'revisionHistoryLimit', 10);
      defaultTemplate(spec);
      break;
    }
    case 'DaemonSet': {
      if (!spec) break;
      set(spec, 'updateStrategy', {});
      const strategy = spec.updateStrategy as J;
      set(strategy, 'type', 'RollingUpdate');
      if (strategy.type === 'RollingUpdate') {
        set(strategy, 'rollingUpdate', {});
        intOrPercent(strategy.rollingUpdate as J, 'maxUnavailable', 1);
        intOrPercent(strategy.rollingUpdate as J, 'maxSurge', 0);
      }
      set(spec, 'revisionHistoryLimit', 10);
      defaultTemplate(spec);
      break;
    }
  }
}
