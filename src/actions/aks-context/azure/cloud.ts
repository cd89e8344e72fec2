/**
 * Which Azure cloud to talk to: the ARM endpoint, the token scope ARM wants, and the Entra ID
 * authority. Pure data, built once from the inputs, that the credential and the ARM client both use.
 */
export interface AzureCloud {
  /** e.g. `https://management.azure.com` (no trailing slash). */
  armEndpoint: string;
  /**
   * The scope of ARM tokens, `${armEndpoint}/.default`. The SDK's `endpoint`/`cloudSetting` do NOT
   * change it (it stays `https://management.azure.com/.default`), so it is passed explicitly.
   */
  armScope: string;
  /** e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /**
   * MSAL asks login.microsoftonline.com to validate an authority it does not know. Public and
   * sovereign clouds are known; any other host (Azure Stack, an emulator) must skip that call.
   */
  disableInstanceDiscovery: boolean;
}

export const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';
export const PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** Authority hosts MSAL's instance discovery knows (public, China, US Gov, Germany). */
const KNOWN_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.microsoftonline.de',
];

/** Builds the cloud from optional overrides (inputs, or the sdk-auth JSON's endpoint fields). */
export function resolveCloud(overrides: { armEndpoint?: string; authorityHost?: string } = {}): AzureCloud {
  const armEndpoint = (overrides.armEndpoint ?? PUBLIC_ARM_ENDPOINT).replace(/\/+$/, '');
  const authorityHost = (overrides.authorityHost ?? PUBLIC_AUTHORITY_HOST).replace(/\/+$/, '');
  return {
    armEndpoint,
    armScope: `${armEndpoint}/.default`,
    authorityHost,
    disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.includes(new URL(authorityHost).hostname.toLowerCase()),
  };
}
