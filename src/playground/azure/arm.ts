import { randomUUID } from 'node:crypto';
import { CREDENTIAL_ACTIONS, normalizeResource, type Directory } from './directory.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import { buildKubeconfig, type CredentialKind } from './kubeconfigs.js';

/** api-versions the emulated resource provider accepts (the saved spec is 2026-04-01). */
export const DEFAULT_API_VERSIONS = ['2025-10-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01'];

const ROUTE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/(listClusterUserCredential|listClusterAdminCredential|listClusterMonitoringUserCredential)$/i;
const KIND: Record<string, CredentialKind> = {
  listclusterusercredential: 'user',
  listclusteradmincredential: 'admin',
  listclustermonitoringusercredential: 'monitoring',
};
const NAME: Record<CredentialKind, string> = { user: 'clusterUser', admin: 'clusterAdmin', monitoring: 'clusterMonitoringUser' };

/**
 * Azure Resource Manager for the three AKS credential calls (spec `managedClusters.json` 2026-04-01):
 * `POST .../managedClusters/{name}/listClusterUserCredential|listClusterAdminCredential|listClusterMonitoringUserCredential`.
 * Checks in ARM's order: bearer token (present, known, unexpired, right audience, right tenant),
 * subscription, RBAC on the scope, resource group, cluster, api-version, then the provider's own rules
 * (no static credentials when local accounts are disabled). Errors are ARM `ErrorResponse` bodies.
 */
export function handleArm(dir: Directory, apiVersions: string[], req: EmulatorRequest): EmulatorResponse {
  const match = ROUTE.exec(req.url.pathname);
  const route = match ? match[4] : 'unknown';
  const fail = (
    status: number,
    code: string,
    message: string,
    extra: Partial<EmulatorResponse['record']> = {},
    headers?: Record<string, string>,
  ): EmulatorResponse => ({
    status,
    body: { error: { code, message } },
    headers,
    record: { route, code, ...extra },
  });

  // 1. Authentication.
  const auth = String(req.headers.authorization ?? '');
  if (!auth) return fail(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {}, challenge(''));
  const bearer = /^Bearer (.+)$/i.exec(auth)?.[1];
  const grant = bearer ? dir.grant(bearer) : undefined;
  if (!grant) return fail(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {}, challenge('', 'invalid_token'));
  const who = { clientId: grant.clientId, tenantId: grant.tenantId, scope: grant.scope };
  if (grant.expiresAt <= dir.now()) {
    const iso = (ms: number) => new Date(ms).toISOString();
    return fail(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${iso(grant.expiresAt)}' is earlier than current UTC time '${iso(dir.now())}'.`,
      who,
      challenge(grant.tenantId, 'invalid_token'),
    );
  }
  if (!dir.armAudiences.includes(normalizeResource(grant.resource))) {
    const allowed = dir.armAudiences.flatMap((a) => [`'${a}/'`, `'${a}'`]).join(',');
    return fail(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${grant.resource}'. It should exactly match with one of the allowed audiences ${allowed}.`,
      who,
      challenge(grant.tenantId, 'invalid_token'),
    );
  }
  if (!match) return fail(404, 'NotFound', `The emulator does not implement ${req.method} ${req.url.pathname}`, who);
  if (req.method !== 'POST') return fail(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`, who);

  const [subscriptionId, resourceGroup, clusterName] = [match[1], match[2], match[3]].map(decodeURIComponent);
  const kind = KIND[match[4].toLowerCase()];
  const subscription = dir.subscription(subscriptionId);
  if (!subscription) return fail(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`, who);
  if (subscription.tenantId.toLowerCase() !== grant.tenantId.toLowerCase()) {
    return fail(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer 'https://sts.windows.net/${grant.tenantId}/'. It must match the tenant 'https://sts.windows.net/${subscription.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscription.tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
      who,
      challenge(subscription.tenantId, 'invalid_token'),
    );
  }

  // 2. Authorization on the requested scope (before existence: no access means 403, not 404).
  const scope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${clusterName}`;
  const action = CREDENTIAL_ACTIONS[kind];
  if (!dir.allowed(grant.clientId, action, scope)) {
    const objectId = dir.principals.find((p) => p.clientId.toLowerCase() === grant.clientId.toLowerCase())?.objectId ?? grant.clientId;
    return fail(
      403,
      'AuthorizationFailed',
      `The client '${grant.clientId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      who,
    );
  }

  // 3. Existence.
  if (!dir.resourceGroup(subscriptionId, resourceGroup))
    return fail(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`, who);
  const cluster = dir.cluster(subscriptionId, resourceGroup, clusterName);
  if (!cluster) {
    return fail(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.ContainerService/managedClusters/${clusterName}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      who,
    );
  }

  // 4. api-version and query parameters.
  const apiVersion = req.url.searchParams.get('api-version');
  if (!apiVersion) return fail(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.', who);
  if (!apiVersions.includes(apiVersion)) {
    return fail(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location '${cluster.location ?? 'westeurope'}' and API version '${apiVersion}' for type 'managedClusters'. The supported api-versions are '${apiVersions.join(', ')}'.`,
      who,
    );
  }
  const serverFqdn = req.url.searchParams.get('server-fqdn');
  if (serverFqdn !== null && !['public', 'private'].includes(serverFqdn.toLowerCase())) {
    return fail(400, 'InvalidParameter', `The value '${serverFqdn}' of parameter 'server-fqdn' is not valid. Allowed values: public, private.`, who);
  }
  const format = req.url.searchParams.get('format');
  if (format !== null && (kind !== 'user' || !['azure', 'exec'].includes(format.toLowerCase()))) {
    return fail(
      400,
      'InvalidParameter',
      kind === 'user'
        ? `The value '${format}' of parameter 'format' is not valid. Allowed values: azure, exec.`
        : `The parameter 'format' is not supported by ${route}.`,
      who,
    );
  }

  // 5. The resource provider's own rule.
  if (kind !== 'user' && cluster.localAccountsDisabled) {
    return fail(400, 'BadRequest', 'Getting static credential is not allowed because this cluster is set to disable local accounts.', who);
  }

  const yaml = buildKubeconfig(
    cluster,
    {
      kind,
      format: format?.toLowerCase() as 'exec' | 'azure' | undefined,
      publicFqdn: serverFqdn?.toLowerCase() === 'public',
      tenantId: subscription.tenantId,
    },
    cluster.localAccountToken,
  );
  return { status: 200, body: { kubeconfigs: [{ name: NAME[kind], value: Buffer.from(yaml).toString('base64') }] }, record: { route, ...who } };
}

/** ARM's `WWW-Authenticate` on 401 (no `claims`, so SDKs do not treat it as a CAE challenge). */
function challenge(tenantId: string, error?: string): Record<string, string> {
  const uri = `https://login.windows.net/${tenantId}`;
  const description = error ? 'The access token is invalid.' : "The authentication failed because of missing 'Authorization' header.";
  return { 'www-authenticate': `Bearer authorization_uri="${uri}", error="${error ?? 'invalid_token'}", error_description="${description}"` };
}

/** A fresh request id for ARM's response headers. */
export function armHeaders(): Record<string, string> {
  const id = randomUUID();
  return { 'x-ms-request-id': id, 'x-ms-correlation-request-id': id, 'x-ms-routing-request-id': `WESTEUROPE:${id}` };
}
