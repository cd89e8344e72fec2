import { ActionError } from '../../../core/errors.js';
import type { DiscoveryProbe } from './discovery.js';

/** What was being done when an Azure call failed: names the call and the target in the error. */
export interface AzureCallContext {
  /** `token` (Entra ID sign-in) or the ARM operation, e.g. `listClusterUserCredential`. */
  stage: 'arm' | 'aks-token';
  operation: string;
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  admin: boolean;
  /** Scope of the token being asked for at this stage. */
  scope: string;
  authorityHost: string;
  armEndpoint: string;
  /** The signed-in principal, for role-assignment hints (undefined for the az CLI route). */
  clientId?: string;
  /** The tenant signed in to (undefined for the az CLI route). */
  tenantId?: string;
  /** Which credential route was used: `oidc`, `client-secret` or `azure-cli`. */
  route: string;
  /** After an `endpoints_resolution_error`: what reading the tenant's OpenID configuration gave. */
  discovery?: DiscoveryProbe;
}

/** True for MSAL's bare `endpoints_resolution_error`, which `probeOpenIdConfiguration` can explain. */
export function isDiscoveryFailure(err: unknown): boolean {
  return /endpoints_resolution_error/.test(chainText(err));
}

const USER_ROLE = 'Azure Kubernetes Service Cluster User Role';
const ADMIN_ROLE = 'Azure Kubernetes Service Cluster Admin Role';
const IDENTITY_ERRORS = new Set([
  'AuthenticationError',
  'CredentialUnavailableError',
  'AuthenticationRequiredError',
  'AggregateAuthenticationError',
  'ClientAuthError',
  'ClientConfigurationError',
  'AuthError',
  'ServerError',
]);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  cause?: unknown;
}

/** Every message in the cause chain, joined: AADSTS codes sit at different depths per credential. */
function chainText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as ErrorLike;
    if (typeof e.message === 'string') parts.push(e.message);
    else parts.push(String(current));
    current = e.cause;
  }
  return parts.join(' | ');
}

/** Entra's description without the trace/correlation ids and timestamps (noise in a step log). */
function aadDescription(text: string): string | undefined {
  const match = /(AADSTS\d+:[^|]*?)(?:\s+Trace ID:|\s*\||$)/s.exec(text);
  return match?.[1].replace(/\s+/g, ' ').trim();
}

function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UNABLE_TO_|SELF_SIGNED|CERT_|DEPTH_ZERO|ERR_TLS|UND_ERR)/.test(code)) return code;
    current = (current as ErrorLike).cause;
  }
  return undefined;
}

/**
 * Turns an Azure SDK error into an ActionError that names the failing call, its target and the
 * likely fix: the role to assign on 403, the tenant on a wrong-tenant token, the secret or federated
 * credential on a refused sign-in, user credentials when local accounts are disabled.
 */
export function explainAzureError(err: unknown, ctx: AzureCallContext): ActionError {
  // An ActionError anywhere in the chain (e.g. thrown by the OIDC assertion callback inside MSAL) already says what to do.
  for (let current: unknown = err, depth = 0; current && depth < 5; current = (current as ErrorLike).cause, depth++) {
    if (current instanceof ActionError) return current;
  }
  const e = (err ?? {}) as ErrorLike;
  const text = chainText(err);
  const cluster = `cluster ${ctx.resourceGroup}/${ctx.clusterName}, subscription ${ctx.subscriptionId}`;
  const role = ctx.admin ? ADMIN_ROLE : USER_ROLE;
  const assignee = ctx.clientId ?? '<the signed-in principal>';
  const clusterScope = `/subscriptions/${ctx.subscriptionId}/resourceGroups/${ctx.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${ctx.clusterName}`;

  const net = networkCode(err);
  if (net) {
    const tls = /CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO|ERR_TLS/.test(net);
    return new ActionError(
      `${ctx.stage === 'arm' ? ctx.operation : 'token request'} could not reach ${ctx.stage === 'arm' ? ctx.armEndpoint : ctx.authorityHost}: ${net}`,
      {
        where: cluster,
        fix: tls
          ? 'The server certificate is not trusted: for a private CA set NODE_EXTRA_CA_CERTS to its PEM file'
          : 'Check arm-endpoint/authority-host (or the endpoint URLs in creds) and that the runner can reach Azure',
        cause: err,
      },
    );
  }

  if (e.name === 'CredentialUnavailableError' && ctx.route === 'azure-cli') {
    const notInstalled =
      /could not be found|not found|ENOENT/.test(text) && !/az login/.test(text.replace(/authenticate to your Azure account using 'az login'/, ''));
    return new ActionError(
      notInstalled ? 'No Azure credential was given and the az CLI is not installed' : 'No Azure credential was given and the az CLI is not signed in',
      {
        where: cluster,
        fix: 'Give `client-id` + `tenant-id` (OIDC, with `permissions: id-token: write`), or `creds`, or run azure/login before this step',
        cause: err,
      },
    );
  }

  if (/endpoints_resolution_error/.test(text)) {
    // MSAL could not read {authority}/{tenant}/v2.0/.well-known/openid-configuration; the probe says why.
    const probe = ctx.discovery;
    const where = `${ctx.authorityHost}/${ctx.tenantId ?? '<tenant>'}`;
    if (probe?.networkCode) {
      const tls = /CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO|ERR_TLS/.test(probe.networkCode);
      return new ActionError(`Signing in to Microsoft Entra ID failed: could not reach ${where} (${probe.networkCode})`, {
        where: cluster,
        fix: tls
          ? "The authority's certificate is not trusted: for a private CA set NODE_EXTRA_CA_CERTS to its PEM file"
          : 'Check authority-host (or creds.activeDirectoryEndpointUrl) and that the runner can reach it',
        cause: err,
      });
    }
    const answer = probe?.status !== undefined ? `: HTTP ${probe.status}${probe.description ? ` ${probe.description}` : ''}` : '';
    return new ActionError(`Signing in to Microsoft Entra ID failed: ${where} has no OpenID configuration (endpoints_resolution_error${answer})`, {
      where: cluster,
      fix: 'Wrong tenant: check `tenant-id` (or creds.tenantId), the directory does not exist in this cloud; for sovereign clouds also check the authority host',
      cause: err,
    });
  }

  const aad = aadDescription(text);
  if (aad || (e.name && IDENTITY_ERRORS.has(e.name))) {
    const code = Number(/AADSTS(\d+)/.exec(aad ?? '')?.[1]);
    const what = `Signing in to Microsoft Entra ID for scope ${ctx.scope} failed: ${aad ?? firstLine(e.message ?? text)}`;
    const fixes: Record<number, string> = {
      7000215:
        'The client secret is wrong: use the secret VALUE (not its ID) and update the secret holding `creds`, or switch to OIDC with `client-id` + `tenant-id`',
      7000222: 'The client secret has expired: create a new one (az ad app credential reset) and update the secret holding `creds`, or switch to OIDC',
      700016:
        'Wrong tenant or client id: the app registration was not found in that tenant; `tenant-id` (or creds.tenantId) must be the directory that holds the app',
      90002: 'Wrong tenant: check `tenant-id` (or creds.tenantId) and, for sovereign clouds, the authority host',
      700211: 'No federated credential trusts this issuer: add one to the app registration with issuer https://token.actions.githubusercontent.com',
      700212: 'The federated credential expects another audience: use audience api://AzureADTokenExchange on both sides (input `audience`)',
      700213:
        "No federated credential matches this job's subject: add one to the app registration whose subject is exactly the one quoted above (e.g. repo:OWNER/REPO:environment:NAME)",
      70021: "No federated credential matches this job's token: check issuer, subject and audience of the app registration's federated credentials",
      700024: 'The GitHub ID token expired before it was used: re-run the job',
      500011: 'The resource is unknown in this tenant: check arm-endpoint (or creds.resourceManagerEndpointUrl) matches the cloud',
    };
    return new ActionError(what, {
      where: ctx.route === 'azure-cli' ? cluster : `${cluster}, ${ctx.authorityHost}`,
      fix: fixes[code] ?? 'Check the credential inputs (client-id, tenant-id, creds) and the authority host',
      cause: err,
    });
  }

  if (e.name === 'RestError' || typeof e.statusCode === 'number') {
    const status = e.statusCode;
    const code = e.code ?? '';
    const call = `${ctx.operation} returned ${status ?? 'an error'}${code ? ` ${code}` : ''}: ${firstLine(e.message ?? '')}`;
    let fix: string | undefined;
    if (code === 'InvalidAuthenticationTokenTenant')
      fix = `Wrong tenant: subscription ${ctx.subscriptionId} belongs to another directory; set \`tenant-id\` (or creds.tenantId) to that directory, or pick a subscription of this tenant`;
    else if (code === 'InvalidAuthenticationTokenAudience')
      fix =
        'The ARM token was issued for another audience: the ARM endpoint and its token scope must belong to the same cloud (arm-endpoint or creds.resourceManagerEndpointUrl)';
    else if (status === 401) fix = 'ARM refused the token: check the credential inputs and that the subscription belongs to the tenant';
    else if (status === 403 || code === 'AuthorizationFailed') {
      fix = `Assign the principal the "${role}" (or Contributor) on the cluster: az role assignment create --assignee ${assignee} --role "${role}" --scope ${clusterScope}. (Without rights on a scope ARM answers 403 even when the resource group or cluster does not exist, so check \`resource-group\` and \`cluster-name\` too.)`;
    } else if (code === 'ResourceGroupNotFound')
      fix = `Check \`resource-group\` and \`subscription-id\`: resource group '${ctx.resourceGroup}' is not in subscription ${ctx.subscriptionId}`;
    else if (code === 'ResourceNotFound' || (status === 404 && /managedClusters/.test(e.message ?? '')))
      fix = `Check \`cluster-name\`: no AKS cluster '${ctx.clusterName}' in resource group '${ctx.resourceGroup}'`;
    else if (code === 'SubscriptionNotFound') fix = 'Check `subscription-id` (or creds.subscriptionId): the signed-in tenant has no such subscription';
    else if (/disable local accounts/i.test(e.message ?? '')) {
      fix = `This cluster has local accounts disabled, so admin credentials are refused: set \`admin: false\` to use user credentials (Entra ID; the principal needs "${USER_ROLE}" and a Kubernetes RBAC binding)`;
    } else if (status !== undefined && status >= 500) fix = 'Azure had a transient problem: re-run the step';
    return new ActionError(call, { where: cluster, fix, cause: err });
  }

  return new ActionError(`${ctx.stage === 'arm' ? ctx.operation : 'Getting the Kubernetes token'} failed: ${firstLine(e.message ?? String(err))}`, {
    where: cluster,
    cause: err,
  });
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? text
  );
}
