import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { armHeaders, DEFAULT_API_VERSIONS, handleArm } from './arm.js';
import { Directory } from './directory.js';
import { handleEntra } from './entra.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import { testCaPath, testTls } from './tls.js';
import type { AksClusterConfig, AzureFault, AzureOptions, AzureRequestRecord, RoleAssignmentConfig, TokenGrant } from './types.js';

/**
 * A local Azure: Resource Manager (the AKS credential calls) and Microsoft Entra ID (the token
 * endpoints MSAL uses), each on its own HTTPS port with the TEST-ONLY certificate. Point the SDK at
 * it with `endpoint`/`credentials.scopes` (ARM) and `authorityHost` + `disableInstanceDiscovery`
 * (identity), and trust `caPem` (`tlsOptions.ca`, or `NODE_EXTRA_CA_CERTS=caPath` in a child process).
 */
export interface AzureEmulator {
  /** `https://127.0.0.1:PORT`: ARM endpoint; the ARM token scope is `${armEndpoint}/.default`. */
  readonly armEndpoint: string;
  /** `https://127.0.0.1:PORT`: authority host (`/{tenant}/oauth2/v2.0/token`). */
  readonly authorityHost: string;
  /** The TEST-ONLY CA to trust, as PEM text and as a file path. */
  readonly caPem: string;
  readonly caPath: string;
  /**
   * The `az ad sp create-for-rbac --sdk-auth` JSON for a service principal, with the endpoint fields
   * aimed at this emulator (the way sovereign clouds are addressed).
   */
  sdkAuthJson(clientId: string, options?: { subscriptionId?: string; clientSecret?: string }): string;
  /** Issues a token without an HTTP call, as if an az CLI signed in as that principal asked for it. */
  issueToken(grant: { tenantId: string; clientId: string; scope: string; lifetimeSeconds?: number }): TokenGrant;
  /** Every access token issued, oldest first. */
  grants(): TokenGrant[];
  requests(service?: 'arm' | 'entra'): AzureRequestRecord[];
  resetRequests(): void;
  assignRole(assignment: RoleAssignmentConfig): void;
  /** Removes the principal's assignments (of one role, when given). */
  removeRoles(principal: string, role?: RoleAssignmentConfig['role']): void;
  /** Changes a configured cluster (looked up by name), e.g. its API server URL. */
  updateCluster(name: string, patch: Partial<Omit<AksClusterConfig, 'name' | 'subscriptionId' | 'resourceGroup'>>): void;
  /** The token the cluster's local accounts (admin/user/monitoring kubeconfigs) carry. */
  localAccountToken(clusterName: string): string;
  setFault(service: 'arm' | 'entra', fault: AzureFault | null): void;
  close(): Promise<void>;
}

/** Starts the Azure emulator: two HTTPS servers on 127.0.0.1 (ARM and Entra ID) holding `options`' world. */
export async function startAzure(options: AzureOptions = {}): Promise<AzureEmulator> {
  const tls = testTls();
  const records: AzureRequestRecord[] = [];
  const faults: Record<'arm' | 'entra', AzureFault | null> = { arm: null, entra: null };
  const apiVersions = options.apiVersions ?? DEFAULT_API_VERSIONS;
  // The directory needs the ARM URL (its default token audience), known once the server listens.
  const state: { dir?: Directory } = {};
  let armEndpoint = '';
  let authorityHost = '';

  const serve = (service: 'arm' | 'entra') => async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', service === 'arm' ? armEndpoint : authorityHost),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    let answer: EmulatorResponse;
    const fault = faults[service];
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.kind === 'server-error') {
      if (fault.count !== undefined && --fault.count <= 0) faults[service] = null;
      const status = fault.status ?? 503;
      answer =
        service === 'arm'
          ? {
              status,
              body: { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Please try again later.' } },
              headers: fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined,
              record: { route: 'fault', code: 'ServiceUnavailable' },
            }
          : {
              status,
              body: {
                error: 'temporarily_unavailable',
                error_description: 'AADSTS90033: A transient error has occurred. Please try again.',
                error_codes: [90033],
              },
              record: { route: 'fault', code: 'temporarily_unavailable' },
            };
    } else {
      answer = service === 'arm' ? handleArm(state.dir!, apiVersions, request) : handleEntra(state.dir!, authorityHost, request);
    }
    records.push({
      service,
      method: request.method,
      path: request.url.pathname,
      query: Object.fromEntries(request.url.searchParams),
      status: answer.status,
      userAgent: req.headers['user-agent'],
      ...answer.record,
    });
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-cache',
      ...(service === 'arm' ? armHeaders() : {}),
      ...answer.headers,
    };
    res.writeHead(answer.status, headers);
    res.end(JSON.stringify(answer.body));
  };

  const listen = async (server: Server, port: number | undefined) => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port ?? 0, '127.0.0.1', resolve);
    });
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const armServer = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, serve('arm'));
  const entraServer = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, serve('entra'));
  armEndpoint = await listen(armServer, options.armPort);
  authorityHost = await listen(entraServer, options.authorityPort);
  const d = new Directory(options, armEndpoint);
  state.dir = d;

  return {
    armEndpoint,
    authorityHost,
    caPem: tls.caPem,
    caPath: testCaPath,
    sdkAuthJson(clientId, opts = {}) {
      const sp = d.principals.find((p) => p.clientId === clientId);
      if (!sp) throw new Error(`no service principal ${clientId}`);
      const subscriptionId = opts.subscriptionId ?? d.subscriptions.find((s) => s.tenantId === sp.tenantId)?.id;
      return JSON.stringify(
        {
          clientId,
          clientSecret: opts.clientSecret ?? sp.secrets?.[0] ?? '',
          subscriptionId,
          tenantId: sp.tenantId,
          activeDirectoryEndpointUrl: authorityHost,
          resourceManagerEndpointUrl: `${armEndpoint}/`,
          activeDirectoryGraphResourceId: 'https://graph.windows.net/',
          sqlManagementEndpointUrl: 'https://management.core.windows.net:8443/',
          galleryEndpointUrl: 'https://gallery.azure.com/',
          managementEndpointUrl: 'https://management.core.windows.net/',
        },
        null,
        2,
      );
    },
    issueToken: (grant) => d.issue({ tenantId: grant.tenantId, clientId: grant.clientId, scope: grant.scope, credential: 'issued' }, grant.lifetimeSeconds),
    grants: () => [...d.grants],
    requests: (service) => records.filter((r) => service === undefined || r.service === service),
    resetRequests: () => {
      records.length = 0;
    },
    assignRole: (assignment) => {
      d.roleAssignments.push(assignment);
    },
    removeRoles: (principal, role) => {
      for (let i = d.roleAssignments.length - 1; i >= 0; i--) {
        const a = d.roleAssignments[i];
        if (a.principal.toLowerCase() === principal.toLowerCase() && (role === undefined || a.role === role)) d.roleAssignments.splice(i, 1);
      }
    },
    updateCluster: (name, patch) => {
      Object.assign(d.clusterByName(name), patch);
    },
    localAccountToken: (name) => d.clusterByName(name).localAccountToken,
    setFault: (service, fault) => {
      faults[service] = fault ? { ...fault } : null;
    },
    close: async () => {
      for (const server of [armServer, entraServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
