import type { ContainerServiceClient } from '@azure/arm-containerservice';
import type { TokenCredential } from '@azure/identity';
import { ActionError } from '../../../core/errors.js';
import type { AzureCloud } from './cloud.js';
import { clientOptions, type AzureTransport } from './transport.js';

/**
 * The api-version aks-context sends: the one its emulator and tests follow, from the ARM spec kept in
 * this repository (spec/azure/managedClusters.2026-04-01.excerpt.json). Pinned so an SDK update cannot
 * change the call silently.
 */
export const AKS_API_VERSION = '2026-04-01';

/** Builds the AKS management client, loading `@azure/arm-containerservice` on demand. */
export async function createContainerServiceClient(
  credential: TokenCredential,
  subscriptionId: string,
  cloud: AzureCloud,
  transport: AzureTransport = {},
): Promise<ContainerServiceClient> {
  const { ContainerServiceClient } = await import('@azure/arm-containerservice');
  return new ContainerServiceClient(credential, subscriptionId, {
    endpoint: cloud.armEndpoint,
    credentials: { scopes: [cloud.armScope] },
    apiVersion: AKS_API_VERSION,
    ...clientOptions(transport),
  });
}

/** Which cluster's credentials, and which kind. */
export interface KubeconfigRequest {
  resourceGroup: string;
  clusterName: string;
  /** listClusterAdminCredential instead of listClusterUserCredential. */
  admin: boolean;
  /** `server-fqdn=public`: the public FQDN of a private cluster. */
  publicFqdn: boolean;
}

/** The ARM operation a request maps to, for logs and errors. */
export function credentialOperation(request: Pick<KubeconfigRequest, 'admin'>): string {
  return request.admin ? 'listClusterAdminCredential' : 'listClusterUserCredential';
}

/**
 * Calls listClusterUserCredential (with `format=exec`) or listClusterAdminCredential and returns
 * the first kubeconfig as text. The SDK has already base64-decoded `value` into bytes: decode once.
 */
export async function fetchClusterKubeconfig(client: ContainerServiceClient, request: KubeconfigRequest): Promise<string> {
  const serverFqdn = request.publicFqdn ? 'public' : undefined;
  const result = request.admin
    ? await client.managedClusters.listClusterAdminCredentials(request.resourceGroup, request.clusterName, { serverFqdn })
    : await client.managedClusters.listClusterUserCredentials(request.resourceGroup, request.clusterName, { serverFqdn, format: 'exec' });
  const value = result.kubeconfigs?.[0]?.value;
  if (!value || value.length === 0) {
    throw new ActionError(`${credentialOperation(request)} returned no kubeconfig`, {
      where: `cluster ${request.resourceGroup}/${request.clusterName}`,
      fix: 'Check that the cluster is provisioned and running (az aks show), then re-run',
    });
  }
  return Buffer.from(value).toString('utf8');
}
