import * as core from '../../core/runner.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { InputReader, rejectBoth } from '../../core/inputs.js';
import { parseSdkAuth, type SdkAuth } from './azure/sdk-auth.js';

/** How aks-context signs in (the OIDC route's ID-token callback is made in from-azure.ts, which requests the tokens). */
export type CredentialInput =
  { kind: 'oidc'; tenantId: string; clientId: string; audience: string } | { kind: 'client-secret'; creds: SdkAuth } | { kind: 'azure-cli' };

/** Everything aks-context needs, validated before any network call or SDK load. */
export type AksContextInputs = {
  /** Keep the kubeconfig file after the job (the post step then leaves it). */
  keepKubeconfig: boolean;
} & (
  | {
      mode: 'kubeconfig';
      /** The kubeconfig text to write (from the input, decoded when it was base64, or read from a path). */
      kubeconfig: string;
      /** Where it came from, for the log. */
      origin: 'content' | 'base64' | 'path';
    }
  | {
      mode: 'azure';
      resourceGroup: string;
      clusterName: string;
      /** From `subscription-id`, else creds.subscriptionId; undefined only on the az CLI route. */
      subscriptionId?: string;
      credential: CredentialInput;
      admin: boolean;
      publicFqdn: boolean;
      /** Overrides (inputs first, then the creds endpoint fields); undefined = public cloud. */
      armEndpoint?: string;
      authorityHost?: string;
    }
);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
/** ARM's rule for resource group names. */
const RESOURCE_GROUP = /^[-\w._()]{0,89}[-\w_()]$/u;
/** AKS's rule for cluster names. */
const CLUSTER_NAME = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/;
/** azure/login's and kubelogin's audience for GitHub ID tokens. */
const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';
const AZURE_INPUTS = ['resource-group', 'cluster-name', 'subscription-id', 'client-id', 'tenant-id', 'creds', 'arm-endpoint', 'authority-host'];

/**
 * Reads and validates every input: chooses the route (kubeconfig content, or Azure with OIDC,
 * `creds` or the az CLI), rejects conflicting inputs naming both, masks `creds` and its client
 * secret the moment they are read, and checks the OIDC environment is there. `mask` is for the
 * secrets found inside inputs (the client secret in `creds`, a base64 kubeconfig); `reader` masks
 * the secret inputs themselves.
 */
export function getInputs(
  reader: InputReader = new InputReader(),
  env: NodeJS.ProcessEnv = process.env,
  mask: core.Masker = core.maskSecret,
): AksContextInputs {
  // Secrets first: masked before any other input can fail and print something. `creds` is parsed
  // now, which masks its client secret, but a problem with it is reported only on the creds route:
  // an input that conflicts with it is the mistake to name first.
  const credsText = reader.secret('creds');
  const creds = credsText === undefined ? undefined : parseLater(() => parseSdkAuth(credsText, mask));
  const keepKubeconfig = reader.boolean('keep-kubeconfig', false);

  if (reader.has('kubeconfig')) {
    for (const other of AZURE_INPUTS) rejectBoth(reader, 'kubeconfig', other);
    for (const flag of ['admin', 'public-fqdn']) {
      if (reader.boolean(flag, false))
        throw new InputError(
          flag,
          "is for AKS clusters and cannot be used with 'kubeconfig'",
          "either 'kubeconfig' alone, or 'resource-group' + 'cluster-name' with Azure credentials",
        );
    }
    return { mode: 'kubeconfig', keepKubeconfig, ...kubeconfigContent(reader, mask) };
  }

  for (const name of ['resource-group', 'cluster-name']) {
    if (!reader.has(name))
      throw new InputError(name, "is required (unless 'kubeconfig' is given)", "the AKS cluster's resource group and name, or a kubeconfig in 'kubeconfig'");
  }
  const resourceGroup = checked(
    reader,
    'resource-group',
    (v) => RESOURCE_GROUP.test(v) && !v.endsWith('.'),
    'a resource group name',
    "1-90 letters, digits, '.', '_', '-', '(' or ')', not ending in '.'",
  );
  const clusterName = checked(
    reader,
    'cluster-name',
    (v) => CLUSTER_NAME.test(v),
    'an AKS cluster name',
    "1-63 letters, digits, '-' or '_', starting and ending with a letter or digit",
  );

  // The route, in order of preference; two routes at once is a mistake worth stopping on.
  rejectBoth(reader, 'creds', 'client-id');
  rejectBoth(reader, 'creds', 'tenant-id');
  let credential: CredentialInput;
  let subscriptionId = guid(reader, 'subscription-id', 'the subscription GUID, e.g. `${{ vars.AZURE_SUBSCRIPTION_ID }}`');
  let armEndpoint = httpsUrl(reader, 'arm-endpoint');
  let authorityHost = httpsUrl(reader, 'authority-host');
  if (reader.has('client-id') || reader.has('tenant-id')) {
    const clientId = guid(reader, 'client-id', 'the application (client) id GUID of the app registration or managed identity with the federated credential');
    const tenantId = reader.string('tenant-id');
    if (!clientId)
      throw new InputError(
        'client-id',
        "is required with 'tenant-id' (OIDC federation)",
        'the application (client) id of the app registration with the federated credential',
      );
    if (!tenantId)
      throw new InputError('tenant-id', "is required with 'client-id' (OIDC federation)", 'the directory (tenant) id, e.g. `${{ vars.AZURE_TENANT_ID }}`');
    if (!GUID.test(tenantId) && !DOMAIN.test(tenantId))
      throw new InputError(
        'tenant-id',
        `has the value '${tenantId}', which is not a tenant id`,
        'a directory (tenant) GUID or a domain such as `contoso.onmicrosoft.com`',
      );
    if (!subscriptionId)
      throw new InputError('subscription-id', 'is required with OIDC federation (client-id + tenant-id)', 'the subscription GUID of the cluster');
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new InputError(
        'client-id',
        'selects OIDC federation, but this job cannot request a GitHub ID token (ACTIONS_ID_TOKEN_REQUEST_URL is not set)',
        "the job (or workflow) to grant `permissions: id-token: write`; for pull requests from forks, use 'creds' or run on pull_request_target with care",
      );
    }
    credential = { kind: 'oidc', tenantId, clientId, audience: reader.string('audience', { default: DEFAULT_AUDIENCE })! };
  } else if (creds) {
    if ('error' in creds) throw creds.error;
    const { parsed } = creds;
    subscriptionId ??= parsed.subscriptionId;
    if (!subscriptionId)
      throw new InputError(
        'subscription-id',
        "is required: 'creds' has no subscriptionId",
        'the subscription GUID of the cluster, here or as creds.subscriptionId',
      );
    if (!GUID.test(subscriptionId))
      throw new InputError('creds', `has subscriptionId '${subscriptionId}', which is not a GUID`, 'the subscription GUID of the cluster');
    armEndpoint ??= parsed.resourceManagerEndpointUrl;
    authorityHost ??= parsed.activeDirectoryEndpointUrl;
    credential = { kind: 'client-secret', creds: parsed };
  } else {
    credential = { kind: 'azure-cli' };
  }
  if (credential.kind !== 'oidc' && (reader.string('audience') ?? DEFAULT_AUDIENCE) !== DEFAULT_AUDIENCE)
    throw new InputError(
      'audience',
      "only applies to OIDC federation ('client-id' + 'tenant-id')",
      "'audience' only together with 'client-id' and 'tenant-id'",
    );

  return {
    mode: 'azure',
    keepKubeconfig,
    resourceGroup,
    clusterName,
    subscriptionId,
    credential,
    admin: reader.boolean('admin', false),
    publicFqdn: reader.boolean('public-fqdn', false),
    armEndpoint,
    authorityHost,
  };
}

/** Runs a parser now and keeps its InputError for later, when the input turns out to matter. */
function parseLater<T>(parse: () => T): { parsed: T } | { error: InputError } {
  try {
    return { parsed: parse() };
  } catch (err) {
    if (err instanceof InputError) return { error: err };
    throw err;
  }
}

/** A required input that `valid` accepts; else an InputError saying it is not `what`. */
function checked(reader: InputReader, name: string, valid: (value: string) => boolean, what: string, accepted: string): string {
  const value = reader.string(name, { required: true });
  if (!valid(value)) throw new InputError(name, `has the value '${value}', which is not ${what}`, accepted);
  return value;
}

function guid(reader: InputReader, name: string, accepted: string): string | undefined {
  const value = reader.string(name);
  if (value !== undefined && !GUID.test(value)) throw new InputError(name, `has the value '${value}', which is not a GUID`, accepted);
  return value;
}

function httpsUrl(reader: InputReader, name: string): string | undefined {
  const value = reader.url(name);
  if (value !== undefined && !value.startsWith('https://'))
    throw new InputError(name, `has the value '${value}', which is not https`, 'an https:// URL (the Azure SDK sends tokens only over TLS)');
  return value;
}

/**
 * The kubeconfig input: YAML/JSON content (the usual `${{ secrets.KUBECONFIG }}`), the same
 * base64-encoded (a common way such secrets are stored), or a path to a file on the runner.
 */
function kubeconfigContent(reader: InputReader, mask: core.Masker): { kubeconfig: string; origin: 'content' | 'base64' | 'path' } {
  const raw = reader.string('kubeconfig', { required: true });
  if (!raw.includes('\n')) {
    if (BASE64.test(raw)) {
      const decoded = Buffer.from(raw, 'base64').toString('utf8');
      if (/\bclusters\s*:|"clusters"\s*:/.test(decoded)) {
        mask(raw);
        return { kubeconfig: decoded, origin: 'base64' };
      }
    }
    if (!raw.startsWith('{') && existsSync(raw)) {
      if (!statSync(raw).isFile())
        throw new InputError('kubeconfig', `names '${raw}', which is not a file`, 'kubeconfig content, or the path of a kubeconfig file');
      return { kubeconfig: readFileSync(raw, 'utf8'), origin: 'path' };
    }
    if (looksLikePath(raw))
      throw new InputError(
        'kubeconfig',
        `names the file '${raw}', which does not exist${isAbsolute(raw) ? '' : ` (looked for ${resolve(raw)})`}`,
        'kubeconfig content (YAML or JSON), the same base64-encoded, or the path of an existing kubeconfig file on the runner (check the path, and that the step creating the file ran first)',
      );
  }
  return { kubeconfig: raw, origin: 'content' };
}

/** A base64-encoded kubeconfig: one long line of base64 characters. */
const BASE64 = /^[A-Za-z0-9+/=_-]{40,}$/;

/**
 * Whether a one-line value that is neither a kubeconfig nor an existing file was meant as a path, and so may be
 * quoted in the error: a kubeconfig-like file name, or slashes or `~` in something that is not base64 (which can
 * hold `/` too, and might be a credential). Content is never quoted: JSON or YAML on one line (braces, brackets,
 * quotes, `: `), and blanks, `=` and `+`, which such paths do not hold but content and secrets do.
 */
function looksLikePath(value: string): boolean {
  if (/[\s=+{}[\]"',]|:\s|^[-:]/.test(value)) return false;
  return /\.(ya?ml|json|conf|config|kubeconfig)$/i.test(value) || (/[\\/~]/.test(value) && !BASE64.test(value));
}
