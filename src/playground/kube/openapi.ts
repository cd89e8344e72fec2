import { RESOURCES, apiVersionOf, type ApiGroup } from './resources.js';

/**
 * A minimal OpenAPI v3 discovery: per group-version, the PATCH and POST operations of each served
 * kind with the `fieldValidation` parameter and the group-version-kind extension. That is what
 * kubectl reads to decide that the server validates fields itself (so `kubectl apply` works
 * without `--validate=false`); schemas are left out, so kubectl computes patches from its own
 * built-in types. The full published specs live in spec/kubernetes and the tests hold the
 * emulator's objects to them.
 */

const GROUP_VERSIONS: Array<{ path: string; group: ApiGroup }> = [
  { path: 'api/v1', group: '' },
  { path: 'apis/apps/v1', group: 'apps' },
  { path: 'apis/batch/v1', group: 'batch' },
  { path: 'apis/rbac.authorization.k8s.io/v1', group: 'rbac.authorization.k8s.io' },
];

export function openApiV3Root(): object {
  return { paths: Object.fromEntries(GROUP_VERSIONS.map((gv) => [gv.path, { serverRelativeURL: `/openapi/v3/${gv.path}?hash=emulator` }])) };
}

/** The document of one group-version (`api/v1`, `apis/apps/v1`, ...), or undefined. */
export function openApiV3GroupVersion(path: string): object | undefined {
  const gv = GROUP_VERSIONS.find((g) => g.path === path);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  const fieldValidation = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } };
  for (const type of RESOURCES.filter((r) => r.group === gv.group)) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const base = type.namespaced ? `/${gv.path}/namespaces/{namespace}/${type.plural}` : `/${gv.path}/${type.plural}`;
    const op = (verb: string) => ({
      operationId: `${verb}${type.kind}`,
      parameters: [fieldValidation],
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[base] = { post: op('post') };
    paths[`${base}/{name}`] = { patch: op('patch'), put: op('put') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (ccloud-dr emulator)', version: `${apiVersionOf(RESOURCES.find((r) => r.group === gv.group) ?? RESOURCES[0])}` },
    paths,
    components: { schemas: {} },
  };
}
