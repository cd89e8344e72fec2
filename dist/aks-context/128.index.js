export const id = 128;
export const ids = [128];
export const modules = {

/***/ 3128:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fromAzure: () => (/* binding */ fromAzure)
});

// UNUSED EXPORTS: githubAssertion, routeOf

// EXTERNAL MODULE: ./src/core/runner.ts
var runner = __webpack_require__(4473);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/version.ts
var version = __webpack_require__(3323);
// EXTERNAL MODULE: ./src/core/log.ts
var log = __webpack_require__(4325);
;// CONCATENATED MODULE: ./src/core/azure/transport.ts
/** The `CommonClientOptions` subset both the credential and the ARM client take. */
function clientOptions(transport) {
    return {
        ...(transport.ca ? { tlsOptions: { ca: transport.ca } } : {}),
        ...(transport.maxRetries !== undefined || transport.retryDelayMs !== undefined ? { retryOptions: { maxRetries: transport.maxRetries, retryDelayInMs: transport.retryDelayMs } } : {}),
        ...(transport.userAgent ? { userAgentOptions: { userAgentPrefix: transport.userAgent } } : {}),
    };
}

;// CONCATENATED MODULE: ./src/core/azure/arm.ts


/**
 * The api-version aks-context sends: the one its emulator and tests follow (the saved spec,
 * managedClusters.json 2026-04-01). Pinned so an SDK update cannot change the call silently.
 */
const AKS_API_VERSION = '2026-04-01';
/** Builds the AKS management client, loading `@azure/arm-containerservice` on demand. */
async function createContainerServiceClient(credential, subscriptionId, cloud, transport = {}) {
    const { ContainerServiceClient } = await Promise.all(/* import() */[__webpack_require__.e(818), __webpack_require__.e(605)]).then(__webpack_require__.bind(__webpack_require__, 605));
    return new ContainerServiceClient(credential, subscriptionId, {
        endpoint: cloud.armEndpoint,
        credentials: { scopes: [cloud.armScope] },
        apiVersion: AKS_API_VERSION,
        ...clientOptions(transport),
    });
}
/** The ARM operation a request maps to, for logs and errors. */
function credentialOperation(request) {
    return request.admin ? 'listClusterAdminCredential' : 'listClusterUserCredential';
}
/**
 * Calls listClusterUserCredential (with `format=exec`) or listClusterAdminCredential and returns
 * the first kubeconfig as text. The SDK has already base64-decoded `value` into bytes: decode once.
 */
async function fetchClusterKubeconfig(client, request) {
    const serverFqdn = request.publicFqdn ? 'public' : undefined;
    const result = request.admin
        ? await client.managedClusters.listClusterAdminCredentials(request.resourceGroup, request.clusterName, { serverFqdn })
        : await client.managedClusters.listClusterUserCredentials(request.resourceGroup, request.clusterName, { serverFqdn, format: 'exec' });
    const value = result.kubeconfigs?.[0]?.value;
    if (!value || value.length === 0) {
        throw new errors/* ActionError */.lZ(`${credentialOperation(request)} returned no kubeconfig`, {
            where: `cluster ${request.resourceGroup}/${request.clusterName}`,
            fix: 'Check that the cluster is provisioned and running (az aks show), then re-run',
        });
    }
    return Buffer.from(value).toString('utf8');
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/core/azure/cli.ts


/**
 * The subscription the az CLI is set to (`az account show`): what azure/login selected. Only used
 * on the az CLI route when `subscription-id` is not given, as `az aks get-credentials` would.
 */
async function azCurrentSubscription(timeoutMs = 30_000) {
    const { stdout, stderr, error } = await new Promise((resolve) => {
        (0,external_node_child_process_.execFile)('az', ['account', 'show', '--output', 'json'], { timeout: timeoutMs, encoding: 'utf8', cwd: '/' }, (err, out, errOut) => resolve({ stdout: out, stderr: errOut, error: err }));
    });
    const fix = 'Set `subscription-id`, or run azure/login (with `subscription-id`) before this step';
    if (error?.code === 'ENOENT')
        throw new errors/* ActionError */.lZ('No Azure credential was given and the az CLI is not installed', { fix: "Give `client-id` + `tenant-id` (OIDC, with `permissions: id-token: write`), or `creds`, or run azure/login before this step" });
    if (error)
        throw new errors/* ActionError */.lZ(`az account show failed: ${stderr.trim().split('\n')[0] || error.message}`, { fix });
    try {
        const account = JSON.parse(stdout);
        if (typeof account.id === 'string' && account.id)
            return { id: account.id, tenantId: typeof account.tenantId === 'string' ? account.tenantId : undefined };
    }
    catch {
        // fall through to the error below
    }
    throw new errors/* ActionError */.lZ('az account show printed no subscription id', { fix });
}

;// CONCATENATED MODULE: ./src/core/azure/credential.ts

/** A short label for logs: never includes a secret. */
function describeRoute(route) {
    switch (route.kind) {
        case 'oidc':
            return `OIDC federation (client ${route.clientId}, tenant ${route.tenantId})`;
        case 'client-secret':
            return `client secret (client ${route.clientId}, tenant ${route.tenantId})`;
        case 'azure-cli':
            return 'the az CLI login';
    }
}
/**
 * Builds the TokenCredential for a route. `@azure/identity` is loaded here, on demand, so an action
 * that fails on its inputs (or uses a plain kubeconfig) never pays for it.
 */
async function createCredential(route, cloud, transport = {}) {
    const identity = await Promise.all(/* import() */[__webpack_require__.e(818), __webpack_require__.e(563)]).then(__webpack_require__.bind(__webpack_require__, 5563));
    const options = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: cloud.disableInstanceDiscovery, ...clientOptions(transport) };
    switch (route.kind) {
        case 'oidc':
            return new identity.ClientAssertionCredential(route.tenantId, route.clientId, route.getAssertion, options);
        case 'client-secret':
            return new identity.ClientSecretCredential(route.tenantId, route.clientId, route.clientSecret, options);
        case 'azure-cli':
            return new identity.AzureCliCredential(route.tenantId ? { tenantId: route.tenantId } : {});
    }
}

;// CONCATENATED MODULE: ./src/core/azure/discovery.ts
/**
 * MSAL reports every failure to read a tenant's OpenID configuration as the same bare
 * `endpoints_resolution_error` (an unknown tenant, a wrong authority host, an untrusted certificate).
 * Only after such a failure, this repeats the request once to tell which, so the error can say.
 */
async function probeOpenIdConfiguration(authorityHost, tenant, transport = {}) {
    const url = `${authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
    const { HttpClient, HttpError } = await Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(288)]).then(__webpack_require__.bind(__webpack_require__, 8288));
    const { Agent } = await __webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 4371, 19));
    const client = new HttpClient({ baseUrl: authorityHost, retry: { retries: 0 }, timeoutMs: 10_000, dispatcher: transport.ca ? new Agent({ connect: { ca: transport.ca } }) : undefined });
    try {
        const res = await client.request({ method: 'GET', path: `/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`, accept: [400, 401, 403, 404] });
        const description = res.json?.error_description?.replace(/\s+Trace ID:.*$/s, '');
        return { url, status: res.status, description };
    }
    catch (err) {
        if (err instanceof HttpError && err.status !== undefined)
            return { url, status: err.status };
        // The core client words network failures as `CODE: message`.
        const detail = err instanceof HttpError ? err.detail : String(err?.message ?? err);
        return { url, networkCode: /^([A-Z][A-Z0-9_]+)\b/.exec(detail)?.[1] ?? detail };
    }
}

;// CONCATENATED MODULE: ./src/core/azure/errors.ts

/** True for MSAL's bare `endpoints_resolution_error`, which `probeOpenIdConfiguration` can explain. */
function isDiscoveryFailure(err) {
    return /endpoints_resolution_error/.test(chainText(err));
}
const USER_ROLE = 'Azure Kubernetes Service Cluster User Role';
const ADMIN_ROLE = 'Azure Kubernetes Service Cluster Admin Role';
const IDENTITY_ERRORS = new Set(['AuthenticationError', 'CredentialUnavailableError', 'AuthenticationRequiredError', 'AggregateAuthenticationError', 'ClientAuthError', 'ClientConfigurationError', 'AuthError', 'ServerError']);
/** Every message in the cause chain, joined: AADSTS codes sit at different depths per credential. */
function chainText(err) {
    const parts = [];
    let current = err;
    for (let depth = 0; current && depth < 5; depth++) {
        const e = current;
        if (typeof e.message === 'string')
            parts.push(e.message);
        else
            parts.push(String(current));
        current = e.cause;
    }
    return parts.join(' | ');
}
/** Entra's description without the trace/correlation ids and timestamps (noise in a step log). */
function aadDescription(text) {
    const match = /(AADSTS\d+:[^|]*?)(?:\s+Trace ID:|\s*\||$)/s.exec(text);
    return match?.[1].replace(/\s+/g, ' ').trim();
}
function networkCode(err) {
    let current = err;
    for (let depth = 0; current && depth < 5; depth++) {
        const code = current.code;
        if (typeof code === 'string' && /^(E[A-Z]+|UNABLE_TO_|SELF_SIGNED|CERT_|DEPTH_ZERO|ERR_TLS|UND_ERR)/.test(code))
            return code;
        current = current.cause;
    }
    return undefined;
}
/**
 * Turns an Azure SDK error into an ActionError that names the failing call, its target and the
 * likely fix: the role to assign on 403, the tenant on a wrong-tenant token, the secret or federated
 * credential on a refused sign-in, user credentials when local accounts are disabled.
 */
function explainAzureError(err, ctx) {
    // An ActionError anywhere in the chain (e.g. thrown by the OIDC assertion callback inside MSAL) already says what to do.
    for (let current = err, depth = 0; current && depth < 5; current = current.cause, depth++) {
        if (current instanceof errors/* ActionError */.lZ)
            return current;
    }
    const e = (err ?? {});
    const text = chainText(err);
    const cluster = `cluster ${ctx.resourceGroup}/${ctx.clusterName}, subscription ${ctx.subscriptionId}`;
    const role = ctx.admin ? ADMIN_ROLE : USER_ROLE;
    const assignee = ctx.clientId ?? '<the signed-in principal>';
    const clusterScope = `/subscriptions/${ctx.subscriptionId}/resourceGroups/${ctx.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${ctx.clusterName}`;
    const net = networkCode(err);
    if (net) {
        const tls = /CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO|ERR_TLS/.test(net);
        return new errors/* ActionError */.lZ(`${ctx.stage === 'arm' ? ctx.operation : 'token request'} could not reach ${ctx.stage === 'arm' ? ctx.armEndpoint : ctx.authorityHost}: ${net}`, {
            where: cluster,
            fix: tls ? 'The server certificate is not trusted: for a private CA set NODE_EXTRA_CA_CERTS to its PEM file' : 'Check arm-endpoint/authority-host (or the endpoint URLs in creds) and that the runner can reach Azure',
            cause: err,
        });
    }
    if (e.name === 'CredentialUnavailableError' && ctx.route === 'azure-cli') {
        const notInstalled = /could not be found|not found|ENOENT/.test(text) && !/az login/.test(text.replace(/authenticate to your Azure account using 'az login'/, ''));
        return new errors/* ActionError */.lZ(notInstalled ? 'No Azure credential was given and the az CLI is not installed' : 'No Azure credential was given and the az CLI is not signed in', {
            where: cluster,
            fix: "Give `client-id` + `tenant-id` (OIDC, with `permissions: id-token: write`), or `creds`, or run azure/login before this step",
            cause: err,
        });
    }
    if (/endpoints_resolution_error/.test(text)) {
        // MSAL could not read {authority}/{tenant}/v2.0/.well-known/openid-configuration; the probe says why.
        const probe = ctx.discovery;
        const where = `${ctx.authorityHost}/${ctx.tenantId ?? '<tenant>'}`;
        if (probe?.networkCode) {
            const tls = /CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO|ERR_TLS/.test(probe.networkCode);
            return new errors/* ActionError */.lZ(`Signing in to Microsoft Entra ID failed: could not reach ${where} (${probe.networkCode})`, {
                where: cluster,
                fix: tls ? 'The authority\'s certificate is not trusted: for a private CA set NODE_EXTRA_CA_CERTS to its PEM file' : 'Check authority-host (or creds.activeDirectoryEndpointUrl) and that the runner can reach it',
                cause: err,
            });
        }
        const answer = probe?.status !== undefined ? `: HTTP ${probe.status}${probe.description ? ` ${probe.description}` : ''}` : '';
        return new errors/* ActionError */.lZ(`Signing in to Microsoft Entra ID failed: ${where} has no OpenID configuration (endpoints_resolution_error${answer})`, {
            where: cluster,
            fix: 'Wrong tenant: check `tenant-id` (or creds.tenantId), the directory does not exist in this cloud; for sovereign clouds also check the authority host',
            cause: err,
        });
    }
    const aad = aadDescription(text);
    if (aad || (e.name && IDENTITY_ERRORS.has(e.name))) {
        const code = Number(/AADSTS(\d+)/.exec(aad ?? '')?.[1]);
        const what = `Signing in to Microsoft Entra ID for scope ${ctx.scope} failed: ${aad ?? firstLine(e.message ?? text)}`;
        const fixes = {
            7000215: 'The client secret is wrong: use the secret VALUE (not its ID) and update the secret holding `creds`, or switch to OIDC with `client-id` + `tenant-id`',
            7000222: 'The client secret has expired: create a new one (az ad app credential reset) and update the secret holding `creds`, or switch to OIDC',
            700016: 'Wrong tenant or client id: the app registration was not found in that tenant; `tenant-id` (or creds.tenantId) must be the directory that holds the app',
            90002: 'Wrong tenant: check `tenant-id` (or creds.tenantId) and, for sovereign clouds, the authority host',
            700211: "No federated credential trusts this issuer: add one to the app registration with issuer https://token.actions.githubusercontent.com",
            700212: 'The federated credential expects another audience: use audience api://AzureADTokenExchange on both sides (input `audience`)',
            700213: "No federated credential matches this job's subject: add one to the app registration whose subject is exactly the one quoted above (e.g. repo:OWNER/REPO:environment:NAME)",
            70021: "No federated credential matches this job's token: check issuer, subject and audience of the app registration's federated credentials",
            700024: 'The GitHub ID token expired before it was used: re-run the job',
            500011: 'The resource is unknown in this tenant: check arm-endpoint (or creds.resourceManagerEndpointUrl) matches the cloud',
        };
        return new errors/* ActionError */.lZ(what, { where: ctx.route === 'azure-cli' ? cluster : `${cluster}, ${ctx.authorityHost}`, fix: fixes[code] ?? 'Check the credential inputs (client-id, tenant-id, creds) and the authority host', cause: err });
    }
    if (e.name === 'RestError' || typeof e.statusCode === 'number') {
        const status = e.statusCode;
        const code = e.code ?? '';
        const call = `${ctx.operation} returned ${status ?? 'an error'}${code ? ` ${code}` : ''}: ${firstLine(e.message ?? '')}`;
        let fix;
        if (code === 'InvalidAuthenticationTokenTenant')
            fix = `Wrong tenant: subscription ${ctx.subscriptionId} belongs to another directory; set \`tenant-id\` (or creds.tenantId) to that directory, or pick a subscription of this tenant`;
        else if (code === 'InvalidAuthenticationTokenAudience')
            fix = 'The ARM token was issued for another audience: the ARM endpoint and its token scope must belong to the same cloud (arm-endpoint or creds.resourceManagerEndpointUrl)';
        else if (status === 401)
            fix = 'ARM refused the token: check the credential inputs and that the subscription belongs to the tenant';
        else if (status === 403 || code === 'AuthorizationFailed') {
            fix = `Assign the principal the "${role}" (or Contributor) on the cluster: az role assignment create --assignee ${assignee} --role "${role}" --scope ${clusterScope}. (Without rights on a scope ARM answers 403 even when the resource group or cluster does not exist, so check \`resource-group\` and \`cluster-name\` too.)`;
        }
        else if (code === 'ResourceGroupNotFound')
            fix = `Check \`resource-group\` and \`subscription-id\`: resource group '${ctx.resourceGroup}' is not in subscription ${ctx.subscriptionId}`;
        else if (code === 'ResourceNotFound' || (status === 404 && /managedClusters/.test(e.message ?? '')))
            fix = `Check \`cluster-name\`: no AKS cluster '${ctx.clusterName}' in resource group '${ctx.resourceGroup}'`;
        else if (code === 'SubscriptionNotFound')
            fix = 'Check `subscription-id` (or creds.subscriptionId): the signed-in tenant has no such subscription';
        else if (/disable local accounts/i.test(e.message ?? '')) {
            fix = `This cluster has local accounts disabled, so admin credentials are refused: set \`admin: false\` to use user credentials (Entra ID; the principal needs "${USER_ROLE}" and a Kubernetes RBAC binding)`;
        }
        else if (status !== undefined && status >= 500)
            fix = 'Azure had a transient problem: re-run the step';
        return new errors/* ActionError */.lZ(call, { where: cluster, fix, cause: err });
    }
    return new errors/* ActionError */.lZ(`${ctx.stage === 'arm' ? ctx.operation : 'Getting the Kubernetes token'} failed: ${firstLine(e.message ?? String(err))}`, { where: cluster, cause: err });
}
function firstLine(text) {
    return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}

// EXTERNAL MODULE: ./src/core/azure/kubeconfig.ts
var kubeconfig = __webpack_require__(2444);
;// CONCATENATED MODULE: ./src/core/azure/aks-kubeconfig.ts







/**
 * Gets a ready-to-use kubeconfig for an AKS cluster: signs in by route, calls
 * listClusterUserCredential (`format=exec`) or listClusterAdminCredential, and for Entra ID
 * clusters replaces the kubelogin user with a token for the AKS server app obtained with the same
 * credential, so no kubelogin is needed. Every token and kubeconfig credential is masked on sight.
 */
async function getAksKubeconfig(config, hooks) {
    const logger = hooks.logger ?? log/* silentLogger */.q;
    const operation = credentialOperation(config);
    let subscriptionId = config.subscriptionId;
    if (!subscriptionId) {
        subscriptionId = (await azCurrentSubscription()).id;
        logger.info(`Using the az CLI's current subscription ${subscriptionId}`);
    }
    const ctx = {
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
    const credential = maskingCredential(inner, hooks.mask);
    logger.info(`Signing in with ${describeRoute(config.route)} at ${config.cloud.authorityHost}`);
    let text;
    try {
        const client = await createContainerServiceClient(credential, subscriptionId, config.cloud, config.transport);
        logger.info(`Calling ${operation} for cluster ${config.resourceGroup}/${config.clusterName} (subscription ${subscriptionId}) at ${config.cloud.armEndpoint}`);
        text = await fetchClusterKubeconfig(client, config);
    }
    catch (err) {
        throw await explain(err, ctx, config);
    }
    const parsed = (0,kubeconfig/* parseKubeconfig */.DU)(text, `the kubeconfig returned by ${operation}`);
    for (const secret of (0,kubeconfig/* credentialValues */.w2)(parsed.config))
        hooks.mask(secret);
    const result = { operation, subscriptionId, context: parsed.context, server: parsed.server };
    const user = (0,kubeconfig/* currentUser */.Ny)(parsed);
    const serverId = (0,kubeconfig/* entraServerId */.$N)(user);
    if (serverId) {
        const scope = `${serverId}/.default`;
        let token;
        try {
            token = await credential.getToken(scope);
        }
        catch (err) {
            throw await explain(err, { ...ctx, stage: 'aks-token', scope }, config);
        }
        if (!token?.token)
            throw explainAzureError(new Error(`no token was returned for scope ${scope}`), { ...ctx, stage: 'aks-token', scope });
        return { ...result, kubeconfig: (0,kubeconfig/* withTokenUser */.FE)(parsed, token.token), auth: 'entra-token', token: { scope, expiresOnTimestamp: token.expiresOnTimestamp } };
    }
    return { ...result, kubeconfig: text, ...(0,kubeconfig/* describeUser */.ZL)(user) };
}
/** The ActionError for a failed call; an opaque MSAL discovery failure is probed first to say why. */
async function explain(err, ctx, config) {
    if (isDiscoveryFailure(err) && ctx.tenantId) {
        ctx = { ...ctx, discovery: await probeOpenIdConfiguration(config.cloud.authorityHost, ctx.tenantId, config.transport) };
    }
    return explainAzureError(err, ctx);
}
/** Wraps a credential so every token it hands out (ARM's included) is masked before use. */
function maskingCredential(inner, mask) {
    return {
        async getToken(scopes, options) {
            const token = await inner.getToken(scopes, options);
            if (token?.token)
                mask(token.token);
            return token;
        },
    };
}

;// CONCATENATED MODULE: ./src/core/azure/cloud.ts
const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';
const PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** Authority hosts MSAL's instance discovery knows (public, China, US Gov, Germany). */
const KNOWN_AUTHORITY_HOSTS = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn', 'login.microsoftonline.us', 'login.usgovcloudapi.net', 'login.microsoftonline.de'];
/** Builds the cloud from optional overrides (inputs, or the sdk-auth JSON's endpoint fields). */
function resolveCloud(overrides = {}) {
    const armEndpoint = (overrides.armEndpoint ?? PUBLIC_ARM_ENDPOINT).replace(/\/+$/, '');
    const authorityHost = (overrides.authorityHost ?? PUBLIC_AUTHORITY_HOST).replace(/\/+$/, '');
    return {
        armEndpoint,
        armScope: `${armEndpoint}/.default`,
        authorityHost,
        disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.includes(new URL(authorityHost).hostname.toLowerCase()),
    };
}

;// CONCATENATED MODULE: ./src/actions/aks-context/from-azure.ts





/** The GitHub ID token for the OIDC route, fetched anew for every Entra ID token request. */
function githubAssertion(audience) {
    return async () => {
        try {
            return await runner/* getIDToken */.V9(audience);
        }
        catch (err) {
            throw new errors/* ActionError */.lZ(`Getting the GitHub ID token (audience ${audience}) failed: ${err.message.replace(/\s+/g, ' ').trim()}`, {
                fix: 'The job needs `permissions: id-token: write`',
                cause: err,
            });
        }
    };
}
/** Maps the validated inputs to a credential route (OIDC gets the GitHub ID-token callback). */
function routeOf(credential) {
    switch (credential.kind) {
        case 'oidc':
            return { kind: 'oidc', tenantId: credential.tenantId, clientId: credential.clientId, getAssertion: githubAssertion(credential.audience) };
        case 'client-secret':
            return { kind: 'client-secret', tenantId: credential.creds.tenantId, clientId: credential.creds.clientId, clientSecret: credential.creds.clientSecret };
        case 'azure-cli':
            return { kind: 'azure-cli' };
    }
}
/** The Azure route: a kubeconfig from ARM, with an Entra ID token in place of kubelogin. */
async function fromAzure(inputs, logger) {
    const result = await getAksKubeconfig({
        route: routeOf(inputs.credential),
        cloud: resolveCloud({ armEndpoint: inputs.armEndpoint, authorityHost: inputs.authorityHost }),
        transport: { userAgent: version/* USER_AGENT */._, maxRetries: 3 },
        subscriptionId: inputs.subscriptionId,
        resourceGroup: inputs.resourceGroup,
        clusterName: inputs.clusterName,
        admin: inputs.admin,
        publicFqdn: inputs.publicFqdn,
    }, { mask: (s) => runner/* setSecret */.Pq(s), logger });
    return {
        kubeconfig: result.kubeconfig,
        source: `AKS cluster ${inputs.resourceGroup}/${inputs.clusterName} (${inputs.admin ? 'admin' : 'user'} credentials, subscription ${result.subscriptionId})`,
        context: result.context,
        server: result.server,
        auth: result.auth,
        token: result.token,
        execCommand: result.execCommand,
    };
}


/***/ }),

/***/ 2444:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $N: () => (/* binding */ entraServerId),
/* harmony export */   DU: () => (/* binding */ parseKubeconfig),
/* harmony export */   FE: () => (/* binding */ withTokenUser),
/* harmony export */   Ny: () => (/* binding */ currentUser),
/* harmony export */   ZL: () => (/* binding */ describeUser),
/* harmony export */   w2: () => (/* binding */ credentialValues)
/* harmony export */ });
/* unused harmony export AKS_SERVER_APP_ID */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);


/**
 * Pure kubeconfig handling for aks-context: parse and check, list the credential values to mask,
 * spot an Entra ID (kubelogin / `auth-provider: azure`) user, and swap it for a bearer token.
 * Uses the `yaml` package, not @kubernetes/client-node, to keep the action small and quick to start.
 */
/** The AKS server application Entra ID cluster tokens are issued for (same in every cloud). */
const AKS_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
/**
 * Parses kubeconfig YAML (or JSON) and checks the current context resolves to a cluster with a
 * server and to a user. Errors never quote the content (it holds credentials), only positions and names.
 */
function parseKubeconfig(text, source) {
    const doc = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parseDocument */ .Tp)(text, { prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        // Position from the offset: the library's pretty messages quote the source line, which may hold a credential.
        const before = text.slice(0, first.pos[0]);
        const at = ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${source} is not valid YAML${at} (${first.code})`, { fix: 'Pass the whole kubeconfig file content, e.g. `${{ secrets.KUBECONFIG }}`' });
    }
    const config = doc.toJS();
    const fail = (problem) => new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${source} ${problem}`, { fix: 'Pass a complete kubeconfig (as written by `az aks get-credentials` or `kubectl config view --raw --minify`)' });
    if (!config || typeof config !== 'object' || Array.isArray(config))
        throw fail('is not a kubeconfig (expected a YAML mapping)');
    if (config.kind !== undefined && config.kind !== 'Config')
        throw fail(`has kind '${String(config.kind)}', not 'Config'`);
    const contextName = config['current-context'];
    if (!contextName)
        throw fail("has no 'current-context'");
    const context = config.contexts?.find((c) => c?.name === contextName)?.context;
    if (!context)
        throw fail(`has no context named '${contextName}' (its current-context)`);
    const cluster = config.clusters?.find((c) => c?.name === context.cluster)?.cluster;
    if (!cluster || typeof cluster.server !== 'string' || !cluster.server)
        throw fail(`has no cluster '${context.cluster ?? ''}' with a server, for context '${contextName}'`);
    const user = config.users?.find((u) => u?.name === context.user);
    if (!user)
        throw fail(`has no user '${context.user ?? ''}', for context '${contextName}'`);
    return { config, context: contextName, cluster: String(context.cluster), server: cluster.server, user: String(context.user) };
}
/** Every credential value in the kubeconfig (all users), to mask before anything is logged. */
function credentialValues(config) {
    const values = [];
    const add = (v) => {
        if (typeof v === 'string' && v.trim().length >= 4)
            values.push(v);
    };
    for (const entry of config.users ?? []) {
        const user = entry?.user;
        if (!user)
            continue;
        add(user.token);
        add(user['client-certificate-data']);
        add(user['client-key-data']);
        add(user.password);
        for (const key of ['access-token', 'refresh-token', 'id-token', 'client-secret'])
            add(user['auth-provider']?.config?.[key]);
        for (const env of user.exec?.env ?? [])
            add(env?.value);
    }
    return [...new Set(values)];
}
/**
 * When the user is Entra ID login through kubelogin (exec) or the legacy `auth-provider: azure`,
 * the AKS server application id its tokens must be issued for; otherwise undefined.
 */
function entraServerId(user) {
    if (!user)
        return undefined;
    const exec = user.exec;
    if (exec && /(^|[/\\])kubelogin(\.exe)?$/.test(exec.command ?? '')) {
        const args = exec.args ?? [];
        for (let i = 0; i < args.length; i++) {
            if (args[i] === '--server-id')
                return args[i + 1] || AKS_SERVER_APP_ID;
            if (args[i].startsWith('--server-id='))
                return args[i].slice('--server-id='.length) || AKS_SERVER_APP_ID;
        }
        return AKS_SERVER_APP_ID;
    }
    if (user['auth-provider']?.name === 'azure')
        return user['auth-provider'].config?.['apiserver-id'] || AKS_SERVER_APP_ID;
    return undefined;
}
/** The user of the current context. */
function currentUser(parsed) {
    return parsed.config.users?.find((u) => u.name === parsed.user)?.user;
}
/** The kubeconfig with the current context's user replaced by a bearer token; the rest untouched. */
function withTokenUser(parsed, token) {
    const users = (parsed.config.users ?? []).map((u) => (u.name === parsed.user ? { name: u.name, user: { token } } : u));
    return (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .stringify */ .As)({ ...parsed.config, users });
}
/** How a kubeconfig user authenticates (for the log and summary). */
function describeUser(user) {
    if (!user)
        return { auth: 'other' };
    if (user.exec)
        return { auth: 'exec', execCommand: user.exec.command };
    if (user['client-certificate-data'] || user['client-certificate'])
        return { auth: 'client-certificate' };
    if (user.token || user.tokenFile)
        return { auth: 'token' };
    return { auth: 'other' };
}


/***/ }),

/***/ 3323:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ USER_AGENT)
/* harmony export */ });
/* unused harmony export VERSION */
/** Sent as the user agent on every request, so service logs show which release called. */
const VERSION = '0.1.0';
const USER_AGENT = `ccloud-dr-actions/${VERSION} (+https://github.com/ccloud-dr-actions)`;


/***/ })

};
