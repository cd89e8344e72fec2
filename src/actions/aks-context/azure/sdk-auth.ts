import { InputError, describeError } from '../../../core/errors.js';
import * as core from '../../../core/runner.js';

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

/**
 * Parses and checks `creds`: the one place its client secret is masked, the moment it is found,
 * before any other check can fail. Errors name the field, never the value of a secret.
 */
export function parseSdkAuth(text: string, mask: core.Masker = core.maskSecret, input = 'creds'): SdkAuth {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec(describeError(err))?.[1];
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
    const problem = !URL.canParse(value) ? 'is not a URL' : new URL(value).protocol !== 'https:' ? 'is not https' : undefined;
    if (problem) throw new InputError(input, `has '${name}' = '${value}', which ${problem}`, `an https:// URL in '${name}'`);
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
