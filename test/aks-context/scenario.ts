import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { startAzure, startGithubOidc, type AzureEmulator, type AzureOptions, type GithubOidc } from '../../src/playground/azure/index.js';

/** Ids and secrets of the test world, random per run so leak checks mean something. */
export function world() {
  const tenantId = 'b3f1c1de-0c8a-4c2e-9a57-6f3f0a6d2a11';
  const otherTenantId = 'c9d2e0aa-7b1f-4f0e-8d3c-2a4b5c6d7e8f';
  const subscriptionId = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const resourceGroup = 'rg-dr';
  const secret = () => `${randomBytes(3).toString('hex')}~${randomBytes(27).toString('base64url')}`;
  return {
    tenantId,
    otherTenantId,
    subscriptionId,
    resourceGroup,
    /** Has User Role on the resource group and Admin Role on aks-local. */
    deployer: { clientId: '5e8b1a4c-2f3d-4e6a-9b7c-0d1e2f3a4b5c', secret: secret() },
    /** Federated with GitHub OIDC; User Role on the resource group. */
    federated: { clientId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d', subject: 'repo:acme/drill:environment:production' },
    /** Valid secret, no role at all. */
    noRole: { clientId: '9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f', secret: secret() },
    /** Contributor on the whole subscription. */
    operator: { clientId: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c', secret: secret() },
    /** Lives in the other tenant. */
    stranger: { clientId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', secret: secret() },
    /** Its secret has expired. */
    expired: { clientId: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a', secret: secret() },
    clusters: { local: 'aks-local', entra: 'aks-entra', noLocal: 'aks-entra-nolocal' },
  };
}
export type World = ReturnType<typeof world>;

/** Starts the Azure emulator holding the test world. `server` is the API server the clusters' kubeconfigs point at. */
export async function startWorld(w: World, extra: Partial<AzureOptions> = {}, server?: string): Promise<AzureEmulator> {
  const rgScope = `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}`;
  return startAzure({
    subscriptions: [{ id: w.subscriptionId, tenantId: w.tenantId }],
    tenants: [{ id: w.tenantId, domains: ['drill.onmicrosoft.com'] }, { id: w.otherTenantId }],
    servicePrincipals: [
      { tenantId: w.tenantId, clientId: w.deployer.clientId, displayName: 'dr-deployer', secrets: [w.deployer.secret] },
      {
        tenantId: w.tenantId,
        clientId: w.federated.clientId,
        displayName: 'dr-oidc',
        federated: [{ issuer: 'https://token.actions.githubusercontent.com', subject: w.federated.subject }],
      },
      { tenantId: w.tenantId, clientId: w.noRole.clientId, secrets: [w.noRole.secret] },
      { tenantId: w.tenantId, clientId: w.operator.clientId, secrets: [w.operator.secret] },
      { tenantId: w.otherTenantId, clientId: w.stranger.clientId, secrets: [w.stranger.secret] },
      { tenantId: w.tenantId, clientId: w.expired.clientId, expiredSecrets: [w.expired.secret] },
    ],
    clusters: [
      { subscriptionId: w.subscriptionId, resourceGroup: w.resourceGroup, name: w.clusters.local, server },
      { subscriptionId: w.subscriptionId, resourceGroup: w.resourceGroup, name: w.clusters.entra, entraId: true, server },
      { subscriptionId: w.subscriptionId, resourceGroup: w.resourceGroup, name: w.clusters.noLocal, entraId: true, localAccountsDisabled: true, server },
    ],
    roleAssignments: [
      { principal: w.deployer.clientId, role: 'Azure Kubernetes Service Cluster User Role', scope: rgScope },
      {
        principal: w.deployer.clientId,
        role: 'Azure Kubernetes Service Cluster Admin Role',
        scope: `${rgScope}/providers/Microsoft.ContainerService/managedClusters/${w.clusters.local}`,
      },
      {
        principal: w.deployer.clientId,
        role: 'Azure Kubernetes Service Cluster Admin Role',
        scope: `${rgScope}/providers/Microsoft.ContainerService/managedClusters/${w.clusters.noLocal}`,
      },
      { principal: w.federated.clientId, role: 'Azure Kubernetes Service Cluster User Role', scope: rgScope },
      { principal: w.operator.clientId, role: 'Contributor', scope: `/subscriptions/${w.subscriptionId}` },
      { principal: w.stranger.clientId, role: 'Contributor', scope: `/subscriptions/${w.subscriptionId}` },
    ],
    ...extra,
  });
}

/** The emulators a suite talks to; valid inside tests (started in beforeAll). */
export interface LiveWorld {
  readonly az: AzureEmulator;
  readonly oidc: GithubOidc;
}

/**
 * Starts, for the calling suite, the GitHub OIDC stand-in and the Azure emulator trusting it for `w`'s
 * federated principal; closes both after the suite and clears the request log before each test.
 */
export function liveWorld(w: World): LiveWorld {
  let az: AzureEmulator | undefined;
  let oidc: GithubOidc | undefined;
  beforeAll(async () => {
    oidc = await startGithubOidc({ subject: w.federated.subject });
    az = await startWorld(w, { federatedIssuers: [{ issuer: oidc.issuer, publicKeyPem: oidc.publicKeyPem }] });
  });
  afterAll(async () => {
    await az?.close();
    await oidc?.close();
  });
  beforeEach(() => az?.resetRequests());
  return {
    get az() {
      if (!az) throw new Error('the Azure emulator starts in beforeAll');
      return az;
    },
    get oidc() {
      if (!oidc) throw new Error('the GitHub OIDC stand-in starts in beforeAll');
      return oidc;
    },
  };
}
