/** Configuration and records of the Azure (ARM + Entra ID) emulator. */

/** The AKS first-party server application every Entra ID cluster's tokens are issued for. */
export const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
/** The AKS first-party public client kubelogin uses for interactive logins. */
export const AKS_CLIENT_APP_ID = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';

export interface TenantConfig {
  /** Directory (tenant) GUID. */
  id: string;
  /** Names that also address the tenant, e.g. `contoso.onmicrosoft.com`. */
  domains?: string[];
}

export interface SubscriptionConfig {
  id: string;
  /** The tenant whose tokens ARM accepts for this subscription. */
  tenantId: string;
}

export interface FederatedCredentialConfig {
  /** e.g. `https://token.actions.githubusercontent.com`. */
  issuer: string;
  /** e.g. `repo:acme/drill:environment:production`. */
  subject: string;
  /** Default `['api://AzureADTokenExchange']`. */
  audiences?: string[];
}

export interface ServicePrincipalConfig {
  tenantId: string;
  /** Application (client) id. */
  clientId: string;
  /** Object id shown in ARM errors; default a random GUID. */
  objectId?: string;
  displayName?: string;
  /** Valid client secrets. */
  secrets?: string[];
  /** Secrets that exist but have expired (AADSTS7000222). */
  expiredSecrets?: string[];
  /** Federated identity credentials (workload identity federation, e.g. GitHub OIDC). */
  federated?: FederatedCredentialConfig[];
}

export type AzureRole =
  | 'Azure Kubernetes Service Cluster User Role'
  | 'Azure Kubernetes Service Cluster Admin Role'
  | 'Azure Kubernetes Service Cluster Monitoring User'
  | 'Contributor'
  | 'Owner'
  | 'Reader';

export interface RoleAssignmentConfig {
  /** Client id or object id of the service principal. */
  principal: string;
  role: AzureRole;
  /** `/subscriptions/<id>`, `/subscriptions/<id>/resourceGroups/<rg>` or a cluster's resource id. */
  scope: string;
}

export interface AksClusterConfig {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  /** Microsoft Entra ID (managed AAD) integration: user kubeconfigs use kubelogin. */
  entraId?: boolean;
  /** `disableLocalAccounts`: admin (static) credentials are refused. Needs `entraId`. */
  localAccountsDisabled?: boolean;
  /** API server URL written in kubeconfigs (e.g. a Kubernetes emulator); default a fake `*.azmk8s.io`. */
  server?: string;
  /** Returned instead of `server` when the request has `server-fqdn=public`. */
  publicServer?: string;
  /** Base64 PEM of the cluster CA; default the TEST-ONLY CA. */
  certificateAuthorityData?: string;
  /** Bearer token of the local accounts (admin, user, monitoring); default random. */
  localAccountToken?: string;
}

export interface FederatedIssuer {
  issuer: string;
  /** SPKI PEM that verifies the issuer's RS256 signatures. */
  publicKeyPem: string;
}

/** What an access token was issued for, and to whom. */
export interface TokenGrant {
  token: string;
  tenantId: string;
  clientId: string;
  /** The scope asked for, e.g. `https://127.0.0.1:4431/.default`. */
  scope: string;
  /** The scope without `/.default`: the token's audience. */
  resource: string;
  /** How the client proved itself: secret, federated assertion, or `issued` (programmatic, e.g. for a fake az CLI). */
  credential: 'client_secret' | 'client_assertion' | 'issued';
  /** For `client_assertion`: the presented assertion's claims. */
  assertion?: { issuer: string; subject: string; audience: string; jti: string };
  issuedAt: number;
  expiresAt: number;
}

export interface AzureOptions {
  tenants?: TenantConfig[];
  subscriptions?: SubscriptionConfig[];
  servicePrincipals?: ServicePrincipalConfig[];
  /** Empty resource groups (groups holding a cluster exist anyway). */
  resourceGroups?: Array<{ subscriptionId: string; name: string }>;
  clusters?: AksClusterConfig[];
  roleAssignments?: RoleAssignmentConfig[];
  federatedIssuers?: FederatedIssuer[];
  /** Token audiences ARM accepts; default the emulator's own ARM URL only (so a wrong ARM scope fails as it would). */
  armAudiences?: string[];
  /** Other resources (app id URIs) tokens may be asked for. */
  extraResources?: string[];
  /** Default 3599, as Entra ID. */
  tokenLifetimeSeconds?: number;
  /** Makes the access token for a grant; default 64 random base64url characters. */
  mintToken?: (grant: Omit<TokenGrant, 'token'>) => string;
  /** api-versions ARM accepts for the credential calls. */
  apiVersions?: string[];
  now?: () => number;
  armPort?: number;
  authorityPort?: number;
}

export interface AzureRequestRecord {
  service: 'arm' | 'entra';
  method: string;
  path: string;
  query: Record<string, string>;
  /** e.g. `listClusterUserCredential`, `token`, `openid-configuration`. */
  route: string;
  status: number;
  /** ARM error code or OAuth `error`, when it failed. */
  code?: string;
  tenantId?: string;
  clientId?: string;
  /** ARM: the scope of the bearer token used; Entra: the scope asked for. */
  scope?: string;
  userAgent?: string;
}

export type AzureFault =
  /** 5xx (default 503) for the next `count` requests (default: until cleared), with `Retry-After` when given. */
  { kind: 'server-error'; status?: number; count?: number; retryAfterSeconds?: number } | { kind: 'slow'; delayMs: number };
