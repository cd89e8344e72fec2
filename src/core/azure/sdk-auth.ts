import { InputError } from '../errors.js';

/**
 * The `az ad sp create-for-rbac --sdk-auth` JSON (the `AZURE_CREDENTIALS` secret of
 * Azure/aks-set-context@v1). Only these fields are used; `managementEndpointUrl` is the classic
 * (ASM) endpoint and is deliberately ignored.
 */
export interface SdkAuth {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  subscriptionId?: string;
  /** Authority host, e.g. `https://login.chinacloudapi.cn`. */
  activeDirectoryEndpointUrl?: string;
  /** ARM endpoint, e.g. `https://management.chinacloudapi.cn/`; also gives the ARM token scope. */
  resourceManagerEndpointUrl?: string;
}

const ACCEPTED = 'the JSON printed by `az ad sp create-for-rbac --sdk-auth` (clientId, clientSecret, tenantId, subscriptionId)';

/** Masks the client secret of a creds JSON right away, before anything else is checked (no-op if unreadable). */
export function maskSdkAuthSecret(text: string, mask: (secret: string) => void): void {
  try {
    const secret = (JSON.parse(text) as { clientSecret?: unknown } | null)?.clientSecret;
    if (typeof secret === 'string' && secret) mask(secret);
  } catch {
    // Not JSON: parseSdkAuth will say so; the whole input is masked already.
  }
}

/**
 * Parses and checks `creds`. `mask` is called on the client secret the moment it is found, before
 * any other check can fail. Errors name the field, never the value of a secret.
 */
export function parseSdkAuth(text: string, mask: (secret: string) => void, input = 'creds'): SdkAuth {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new InputError(input, `is not valid JSON${position ? ` (error at character ${position})` : ''}`, ACCEPTED);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(input, 'is not a JSON object', ACCEPTED);
  const obj = raw as Record<string, unknown>;
  if (typeof obj.clientSecret === 'string' && obj.clientSecret) mask(obj.clientSecret);
  const field = (name: string, required: boolean): string | undefined => {
    const value = obj[name];
    if (value === undefined || value === null || value === '') {
      if (required) throw new InputError(input, `has no '${name}'`, ACCEPTED);
      return undefined;
    }
    if (typeof value !== 'string') throw new InputError(input, `has a '${name}' that is not a string`, ACCEPTED);
    return value.trim();
  };
  const url = (name: string): string | undefined => {
    const value = field(name, false);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new InputError(input, `has '${name}' = '${value}', which is not a URL`, `an https:// URL in '${name}'`);
    }
    if (parsed.protocol !== 'https:') throw new InputError(input, `has '${name}' = '${value}', which is not https`, `an https:// URL in '${name}'`);
    return value.replace(/\/+$/, '');
  };
  return {
    clientId: field('clientId', true)!,
    clientSecret: field('clientSecret', true)!,
    tenantId: field('tenantId', true)!,
    subscriptionId: field('subscriptionId', false),
    activeDirectoryEndpointUrl: url('activeDirectoryEndpointUrl'),
    resourceManagerEndpointUrl: url('resourceManagerEndpointUrl'),
  };
}
