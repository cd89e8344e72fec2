import { randomBytes, randomUUID } from 'node:crypto';
import { startAzure, type AzureEmulator } from './emulator.js';
import { AKS_SERVER_APP_ID } from './types.js';

/** Options of the ready-made Azure for the playground and the DR drill. */
export interface AzureDrillOptions {
  /** API server the clusters' kubeconfigs point at (e.g. the Kubernetes emulator's `url`). */
  kubeServer?: string;
  /**
   * The token Entra ID issues for the AKS server app (and the clusters' local accounts carry), so a
   * Kubernetes emulator started with `tokens: [kubeToken]` accepts what aks-context writes.
   */
  kubeToken?: string;
  armPort?: number;
  authorityPort?: number;
}

/** A started drill Azure and what aks-context needs to reach it. */
export interface AzureDrill {
  emulator: AzureEmulator;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `aks-dr` (Entra ID, local accounts disabled) and `aks-dr-local` (local accounts). */
  clusters: { entra: string; local: string };
  /** The `--sdk-auth` JSON of the deployer principal (User Role on the group, Admin Role on aks-dr-local), aimed at the emulator. */
  creds: string;
  clientId: string;
  clientSecret: string;
  /** Environment for the action's process: trust the TEST-ONLY CA. */
  env: { NODE_EXTRA_CA_CERTS: string };
  /** Human-readable lines for `npm run emulator`. */
  lines: string[];
  close(): Promise<void>;
}

/**
 * One tenant, one subscription, resource group `rg-dr` with two AKS clusters and a deployer service
 * principal: what the playground's DR drill signs in to with `creds` (the Azure/aks-set-context@v1 form).
 */
export async function startAzureDrill(options: AzureDrillOptions = {}): Promise<AzureDrill> {
  const tenantId = randomUUID();
  const subscriptionId = randomUUID();
  const resourceGroup = 'rg-dr';
  const clientId = randomUUID();
  const clientSecret = `${randomBytes(3).toString('hex')}~${randomBytes(27).toString('base64url')}`;
  const clusters = { entra: 'aks-dr', local: 'aks-dr-local' };
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  const emulator = await startAzure({
    subscriptions: [{ id: subscriptionId, tenantId }],
    servicePrincipals: [{ tenantId, clientId, displayName: 'dr-deployer', secrets: [clientSecret] }],
    clusters: [
      {
        subscriptionId,
        resourceGroup,
        name: clusters.entra,
        entraId: true,
        localAccountsDisabled: true,
        server: options.kubeServer,
        localAccountToken: options.kubeToken,
      },
      { subscriptionId, resourceGroup, name: clusters.local, server: options.kubeServer, localAccountToken: options.kubeToken },
    ],
    roleAssignments: [
      { principal: clientId, role: 'Azure Kubernetes Service Cluster User Role', scope: rg },
      {
        principal: clientId,
        role: 'Azure Kubernetes Service Cluster Admin Role',
        scope: `${rg}/providers/Microsoft.ContainerService/managedClusters/${clusters.local}`,
      },
    ],
    mintToken: options.kubeToken
      ? (grant) => (grant.scope === `${AKS_SERVER_APP_ID}/.default` ? options.kubeToken! : randomBytes(48).toString('base64url'))
      : undefined,
    armPort: options.armPort,
    authorityPort: options.authorityPort,
  });
  const creds = emulator.sdkAuthJson(clientId);
  return {
    emulator,
    tenantId,
    subscriptionId,
    resourceGroup,
    clusters,
    creds,
    clientId,
    clientSecret,
    env: { NODE_EXTRA_CA_CERTS: emulator.caPath },
    lines: [
      `ARM            ${emulator.armEndpoint}   (aks-context input arm-endpoint, or creds.resourceManagerEndpointUrl)`,
      `Entra ID       ${emulator.authorityHost}   (input authority-host, or creds.activeDirectoryEndpointUrl)`,
      `trust          NODE_EXTRA_CA_CERTS=${emulator.caPath}   (TEST-ONLY CA)`,
      `tenant         ${tenantId}`,
      `subscription   ${subscriptionId}, resource group ${resourceGroup}`,
      `clusters       ${clusters.entra} (Entra ID, local accounts disabled), ${clusters.local} (local accounts)`,
      `creds          ${JSON.stringify(JSON.parse(creds))}`,
    ],
    close: () => emulator.close(),
  };
}
