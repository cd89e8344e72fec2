/** The API groups whose resources are stored and served (`''` is the core group). */
export type ApiGroup = '' | 'apps' | 'batch' | 'rbac.authorization.k8s.io';

/** The named groups of stored resources, in the order the apiserver's discovery lists them. */
export const STORED_GROUPS: Array<Exclude<ApiGroup, ''>> = ['apps', 'batch', 'rbac.authorization.k8s.io'];

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The resource types the emulator serves, with what the apiserver's registry says about each. */
export interface ResourceType {
  kind: string;
  plural: string;
  singular: string;
  group: ApiGroup;
  version: 'v1';
  namespaced: boolean;
  shortNames: string[];
  /** Subresources served besides the object itself. */
  subresources: Array<'status' | 'scale'>;
  /** When metadata.generation moves: never, on spec changes, or on spec and annotation changes (Deployments). */
  generation: 'none' | 'spec' | 'spec+annotations';
  /** Whether DELETE answers with the object (pods, namespaces) rather than a Status. */
  returnsDeleted: boolean;
}

function rt(kind: string, plural: string, group: ApiGroup, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  return {
    kind,
    plural,
    singular: kind.toLowerCase(),
    group,
    version: 'v1',
    namespaced,
    shortNames: [],
    subresources: [],
    generation: 'none',
    returnsDeleted: false,
    ...extra,
  };
}

export const RESOURCES: ResourceType[] = [
  rt('Namespace', 'namespaces', '', false, { shortNames: ['ns'], subresources: ['status'], returnsDeleted: true }),
  rt('Node', 'nodes', '', false, { shortNames: ['no'], subresources: ['status'] }),
  rt('ConfigMap', 'configmaps', '', true, { shortNames: ['cm'] }),
  rt('Secret', 'secrets', '', true),
  rt('Pod', 'pods', '', true, { shortNames: ['po'], subresources: ['status'], returnsDeleted: true }),
  rt('Event', 'events', '', true, { shortNames: ['ev'] }),
  rt('Deployment', 'deployments', 'apps', true, { shortNames: ['deploy'], subresources: ['status', 'scale'], generation: 'spec+annotations' }),
  rt('ReplicaSet', 'replicasets', 'apps', true, { shortNames: ['rs'], subresources: ['status', 'scale'], generation: 'spec' }),
  rt('StatefulSet', 'statefulsets', 'apps', true, { shortNames: ['sts'], subresources: ['status', 'scale'], generation: 'spec' }),
  rt('DaemonSet', 'daemonsets', 'apps', true, { shortNames: ['ds'], subresources: ['status'], generation: 'spec' }),
  // Stored and served only (no job or cronjob controller): enough for clients that list what Reloader also rolls.
  rt('Job', 'jobs', 'batch', true, { subresources: ['status'], generation: 'spec' }),
  rt('CronJob', 'cronjobs', 'batch', true, { shortNames: ['cj'], subresources: ['status'], generation: 'spec' }),
  // RBAC: stored and served; the server's authorizer (rbac.ts) evaluates them for the `users` identities.
  rt('ClusterRoleBinding', 'clusterrolebindings', RBAC_GROUP, false),
  rt('ClusterRole', 'clusterroles', RBAC_GROUP, false),
  rt('RoleBinding', 'rolebindings', RBAC_GROUP, true),
  rt('Role', 'roles', RBAC_GROUP, true),
];

/** `v1` or `apps/v1`. */
export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `configmaps` or `deployments.apps`, as the apiserver names a resource in messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** `ConfigMap` or `Deployment.apps`, as validation messages name a kind. */
export function qualifiedKind(type: ResourceType): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind;
}

export function byPlural(group: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural);
}

/** Finds a type by kind, plural, singular or short name, case-insensitively (`Deployment`, `deploy`, `configmaps`). */
export function resourceType(name: string): ResourceType {
  const n = name.toLowerCase();
  const found = RESOURCES.find((r) => r.kind.toLowerCase() === n || r.plural === n || r.singular === n || r.shortNames.includes(n));
  if (!found) throw new Error(`the Kubernetes emulator has no resource type '${name}'; known: ${RESOURCES.map((r) => r.kind).join(', ')}`);
  return found;
}
