import { randomBytes, randomUUID } from 'node:crypto';
import {
  AKS_SERVER_APP_ID,
  type AksClusterConfig,
  type AzureOptions,
  type AzureRole,
  type FederatedIssuer,
  type RoleAssignmentConfig,
  type ServicePrincipalConfig,
  type SubscriptionConfig,
  type TenantConfig,
  type TokenGrant,
} from './types.js';

/** ARM actions the credential calls need, and which built-in roles grant them. */
export const CREDENTIAL_ACTIONS = {
  user: 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
  admin: 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action',
  monitoring: 'Microsoft.ContainerService/managedClusters/listClusterMonitoringUserCredential/action',
} as const;
const READ = 'Microsoft.ContainerService/managedClusters/read';

const ROLE_ACTIONS: Record<AzureRole, string[]> = {
  'Azure Kubernetes Service Cluster User Role': [CREDENTIAL_ACTIONS.user, READ],
  'Azure Kubernetes Service Cluster Admin Role': [CREDENTIAL_ACTIONS.admin, READ],
  'Azure Kubernetes Service Cluster Monitoring User': [CREDENTIAL_ACTIONS.monitoring, READ],
  Contributor: ['*'],
  Owner: ['*'],
  Reader: [READ],
};

const lower = (s: string) => s.toLowerCase();

/** The emulator's state: tenants, principals, subscriptions, clusters, role assignments, issued tokens. */
export class Directory {
  readonly tenants: TenantConfig[];
  readonly subscriptions: SubscriptionConfig[];
  readonly principals: Array<ServicePrincipalConfig & { objectId: string }>;
  readonly clusters: Array<AksClusterConfig & { localAccountToken: string }>;
  readonly resourceGroups: Array<{ subscriptionId: string; name: string }>;
  readonly roleAssignments: RoleAssignmentConfig[];
  readonly issuers: FederatedIssuer[];
  readonly grants: TokenGrant[] = [];
  /** Normalised audiences ARM accepts. */
  readonly armAudiences: string[];
  /** Normalised resources tokens can be issued for. */
  readonly resources: string[];
  readonly lifetimeSeconds: number;
  readonly now: () => number;
  private readonly mint: NonNullable<AzureOptions['mintToken']>;

  constructor(options: AzureOptions, armUrl: string) {
    this.now = options.now ?? Date.now;
    this.lifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    this.mint = options.mintToken ?? (() => randomBytes(48).toString('base64url'));
    this.subscriptions = [...(options.subscriptions ?? [])];
    this.principals = (options.servicePrincipals ?? []).map((p) => ({ ...p, objectId: p.objectId ?? randomUUID() }));
    const tenantIds = new Set([
      ...(options.tenants ?? []).map((t) => t.id),
      ...this.subscriptions.map((s) => s.tenantId),
      ...this.principals.map((p) => p.tenantId),
    ]);
    this.tenants = [...tenantIds].map((id) => options.tenants?.find((t) => t.id === id) ?? { id });
    this.clusters = (options.clusters ?? []).map((c) => {
      if (c.localAccountsDisabled && !c.entraId) throw new Error(`cluster ${c.name}: local accounts can only be disabled on an Entra ID cluster (as in AKS)`);
      if (!this.subscription(c.subscriptionId)) throw new Error(`cluster ${c.name}: subscription ${c.subscriptionId} is not configured`);
      return { ...c, localAccountToken: c.localAccountToken ?? randomBytes(32).toString('hex') };
    });
    this.resourceGroups = [...(options.resourceGroups ?? []), ...this.clusters.map((c) => ({ subscriptionId: c.subscriptionId, name: c.resourceGroup }))];
    this.roleAssignments = [...(options.roleAssignments ?? [])];
    this.issuers = [...(options.federatedIssuers ?? [])];
    this.armAudiences = (options.armAudiences ?? [armUrl]).map(normalizeResource);
    this.resources = [...this.armAudiences, ...[AKS_SERVER_APP_ID, ...(options.extraResources ?? [])].map(normalizeResource)];
  }

  tenant(idOrDomain: string): TenantConfig | undefined {
    return this.tenants.find((t) => lower(t.id) === lower(idOrDomain) || t.domains?.some((d) => lower(d) === lower(idOrDomain)));
  }

  subscription(id: string): SubscriptionConfig | undefined {
    return this.subscriptions.find((s) => lower(s.id) === lower(id));
  }

  principal(tenantId: string, clientId: string) {
    return this.principals.find((p) => lower(p.tenantId) === lower(tenantId) && lower(p.clientId) === lower(clientId));
  }

  resourceGroup(subscriptionId: string, name: string) {
    return this.resourceGroups.find((g) => lower(g.subscriptionId) === lower(subscriptionId) && lower(g.name) === lower(name));
  }

  cluster(subscriptionId: string, resourceGroup: string, name: string) {
    return this.clusters.find(
      (c) => lower(c.subscriptionId) === lower(subscriptionId) && lower(c.resourceGroup) === lower(resourceGroup) && lower(c.name) === lower(name),
    );
  }

  clusterByName(name: string) {
    const found = this.clusters.filter((c) => lower(c.name) === lower(name));
    if (found.length !== 1) throw new Error(`${found.length} clusters are named '${name}'`);
    return found[0];
  }

  /** True when one of the principal's role assignments covers `scope` and grants `action`. */
  allowed(clientId: string, action: string, scope: string): boolean {
    const p = this.principals.find((x) => lower(x.clientId) === lower(clientId));
    const ids = [lower(clientId), ...(p ? [lower(p.objectId)] : [])];
    return this.roleAssignments.some((a) => {
      if (!ids.includes(lower(a.principal))) return false;
      const s = lower(a.scope.replace(/\/+$/, ''));
      if (!(lower(scope) === s || lower(scope).startsWith(`${s}/`))) return false;
      const actions = ROLE_ACTIONS[a.role];
      return actions.includes('*') || actions.includes(action);
    });
  }

  isKnownResource(resource: string): boolean {
    return this.resources.includes(normalizeResource(resource));
  }

  /** Issues and records an access token. */
  issue(grant: Omit<TokenGrant, 'token' | 'issuedAt' | 'expiresAt' | 'resource'>, lifetimeSeconds = this.lifetimeSeconds): TokenGrant {
    const issuedAt = this.now();
    const partial = { ...grant, resource: grant.scope.replace(/\/\.default$/, ''), issuedAt, expiresAt: issuedAt + lifetimeSeconds * 1000 };
    const full: TokenGrant = { ...partial, token: this.mint(partial) };
    this.grants.push(full);
    return full;
  }

  grant(token: string): TokenGrant | undefined {
    return this.grants.find((g) => g.token === token);
  }
}

/** `https://x/` and `https://x` name the same resource. */
export function normalizeResource(resource: string): string {
  return lower(resource.replace(/\/+$/, ''));
}
