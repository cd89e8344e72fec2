import { RESOURCES, STORED_GROUPS, type ApiGroup, type ResourceType } from './resources.js';

/**
 * Legacy discovery documents (/api, /apis, /api/v1, /apis/<group>/v1, /version), enough for kubectl and client
 * libraries: the groups of stored resources, and authorization.k8s.io with its one served review.
 */

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

/** A named group served (stored resources or reviews). */
export type ServedGroup = Exclude<ApiGroup, ''> | typeof AUTHORIZATION_GROUP;

/** The named groups in the order the apiserver lists them (by its group priorities). */
export const SERVED_GROUPS: ServedGroup[] = ['apps', AUTHORIZATION_GROUP, 'batch', 'rbac.authorization.k8s.io'];
if (STORED_GROUPS.some((g) => !SERVED_GROUPS.includes(g))) throw new Error('discovery.ts: SERVED_GROUPS misses a group of RESOURCES');

/** authorization.k8s.io/v1 serves SelfSubjectAccessReview only (create, nothing stored). */
const AUTHORIZATION_RESOURCES = [
  { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
];

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourceEntries(type: ResourceType): object[] {
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.kind === 'Node' ? ['get', 'list', 'watch'] : VERBS,
    ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
    ...(type.group === 'apps' || type.group === 'batch' ? { categories: ['all'] } : type.kind === 'Pod' ? { categories: ['all'] } : {}),
  };
  const subs = type.subresources.map((sub) =>
    sub === 'scale'
      ? {
          name: `${type.plural}/scale`,
          singularName: '',
          namespaced: type.namespaced,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        }
      : { name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: ['get', 'patch', 'update'] },
  );
  return [main, ...subs];
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: SERVED_GROUPS.map(apiGroup) };
}

export function apiGroup(name: ServedGroup): object {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name,
    versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
    preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
  };
}

export function resourceList(group: ApiGroup | ServedGroup): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/v1` : 'v1',
    resources: group === AUTHORIZATION_GROUP ? AUTHORIZATION_RESOURCES : RESOURCES.filter((r) => r.group === group).flatMap(resourceEntries),
  };
}

export function version(): object {
  return {
    major: '1',
    minor: '35',
    gitVersion: 'v1.35.0-ccloud-dr-emulator',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.25.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
