import { describeError } from '../../../core/errors.js';
import type { AzureTransport } from './transport.js';

/** Why `{authority}/{tenant}/v2.0/.well-known/openid-configuration` could not be read. */
export interface DiscoveryProbe {
  url: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** Network or TLS error code, when it did not. */
  networkCode?: string;
  /** Entra's AADSTS description, when it sent one. */
  description?: string;
}

/**
 * MSAL reports every failure to read a tenant's OpenID configuration as the same bare
 * `endpoints_resolution_error` (an unknown tenant, a wrong authority host, an untrusted certificate).
 * Only after such a failure, this repeats the request once to tell which, so the error can say.
 */
export async function probeOpenIdConfiguration(authorityHost: string, tenant: string, transport: AzureTransport = {}): Promise<DiscoveryProbe> {
  const url = `${authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  const { HttpClient, HttpError } = await import('../../../core/http.js');
  const { Agent } = await import('undici');
  const client = new HttpClient({
    baseUrl: authorityHost,
    retry: { retries: 0 },
    timeoutMs: 10_000,
    dispatcher: transport.ca ? new Agent({ connect: { ca: transport.ca } }) : undefined,
  });
  try {
    const res = await client.request<{ error_description?: string }>({
      method: 'GET',
      path: `/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
      accept: [400, 401, 403, 404],
    });
    const description = res.json?.error_description?.replace(/\s+Trace ID:.*$/s, '');
    return { url, status: res.status, description };
  } catch (err) {
    if (err instanceof HttpError && err.status !== undefined) return { url, status: err.status };
    // The core client words network failures as `CODE: message`.
    const detail = err instanceof HttpError ? err.detail : describeError(err);
    return { url, networkCode: /^([A-Z][A-Z0-9_]+)\b/.exec(detail)?.[1] ?? detail };
  }
}
