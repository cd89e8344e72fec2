import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { silentLogger, type Logger } from '../../../core/log.js';
import * as core from '../../../core/runner.js';
import type { KubeconfigToWrite } from '../prepared.js';
import { createContainerServiceClient, credentialOperation, fetchClusterKubeconfig, type KubeconfigRequest } from './arm.js';
import { azCurrentSubscription } from './cli.js';
import type { AzureCloud } from './cloud.js';
import { createCredential, describeRoute, type CredentialRoute } from './credential.js';
import { probeOpenIdConfiguration } from './discovery.js';
import { explainAzureError, isDiscoveryFailure, type AzureCallContext } from './errors.js';
import { credentialValues, currentUser, describeUser, entraServerId, parseKubeconfig, withTokenUser } from '../kubeconfig.js';
import type { AzureTransport } from './transport.js';

/** What to fetch (which cluster's credentials, which kind), from which cloud, signed in how. */
export interface AksKubeconfigConfig extends KubeconfigRequest {
  route: CredentialRoute;
  cloud: AzureCloud;
  transport?: AzureTransport;
  /** Optional on the az CLI route (then `az account show` decides). */
  subscriptionId?: string;
}

/** The kubeconfig to write, and the ARM operation and subscription it came from. */
export interface AksKubeconfigResult extends KubeconfigToWrite {
  operation: string;
  subscriptionId: string;
}

/** The I/O getAksKubeconfig needs from its caller. */
export interface AksKubeconfigHooks {
  /** Registers a secret with the runner, as soon as each credential value exists; default core.maskSecret. */
  mask?: core.Masker;
  logger?: Logger;
}

/**
 * Gets a ready-to-use kubeconfig for an AKS cluster: signs in by route, calls
 * listClusterUserCredential (`format=exec`) or listClusterAdminCredential, and for Entra ID
 * clusters replaces the kubelogin user with a token for the AKS server app obtained with the same
 * credential, so no kubelogin is needed. Every token and kubeconfig credential is masked on sight.
 */
export async function getAksKubeconfig(config: AksKubeconfigConfig, hooks: AksKubeconfigHooks = {}): Promise<AksKubeconfigResult> {
  const logger = hooks.logger ?? silentLogger;
  const mask = hooks.mask ?? core.maskSecret;
  const operation = credentialOperation(config);
  let subscriptionId = config.subscriptionId;
  if (!subscriptionId) {
    subscriptionId = (await azCurrentSubscription()).id;
    logger.info(`Using the az CLI's current subscription ${subscriptionId}`);
  }
  const ctx: AzureCallContext = {
    stage: 'arm',
    operation,
    subscriptionId,
    resourceGroup: config.resourceGroup,
    clusterName: config.clusterName,
    admin: config.admin,
    scope: config.cloud.armScope,
    authorityHost: config.cloud.authorityHost,
    armEndpoint: config.cloud.armEndpoint,
    clientId: config.route.kind === 'azure-cli' ? undefined : config.route.clientId,
    tenantId: config.route.tenantId,
    route: config.route.kind,
  };

  const inner = await createCredential(config.route, config.cloud, config.transport);
  const credential = maskingCredential(inner, mask);
  logger.info(`Signing in with ${describeRoute(config.route)} at ${config.cloud.authorityHost}`);

  let text: string;
  try {
    const client = await createContainerServiceClient(credential, subscriptionId, config.cloud, config.transport);
    logger.info(
      `Calling ${operation} for cluster ${config.resourceGroup}/${config.clusterName} (subscription ${subscriptionId}) at ${config.cloud.armEndpoint}`,
    );
    text = await fetchClusterKubeconfig(client, config);
  } catch (err) {
    throw await explain(err, ctx, config);
  }
  const parsed = parseKubeconfig(text, `the kubeconfig returned by ${operation}`);
  for (const secret of credentialValues(parsed.config)) mask(secret);

  const result = { operation, subscriptionId, context: parsed.context, server: parsed.server };
  const user = currentUser(parsed);
  const serverId = entraServerId(user);
  if (serverId) {
    const scope = `${serverId}/.default`;
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (err) {
      throw await explain(err, { ...ctx, stage: 'aks-token', scope }, config);
    }
    if (!token?.token) throw explainAzureError(new Error(`no token was returned for scope ${scope}`), { ...ctx, stage: 'aks-token', scope });
    return { ...result, kubeconfig: withTokenUser(parsed, token.token), auth: 'entra-token', token: { scope, expiresOnTimestamp: token.expiresOnTimestamp } };
  }
  return { ...result, kubeconfig: text, ...describeUser(user) };
}

/** The ActionError for a failed call; an opaque MSAL discovery failure is probed first to say why. */
async function explain(err: unknown, ctx: AzureCallContext, config: AksKubeconfigConfig) {
  if (isDiscoveryFailure(err) && ctx.tenantId) {
    ctx = { ...ctx, discovery: await probeOpenIdConfiguration(config.cloud.authorityHost, ctx.tenantId, config.transport) };
  }
  return explainAzureError(err, ctx);
}

/** Wraps a credential so every token it hands out (ARM's included) is masked before use. */
export function maskingCredential(inner: TokenCredential, mask: core.Masker): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      const token = await inner.getToken(scopes, options);
      if (token?.token) mask(token.token);
      return token;
    },
  };
}
