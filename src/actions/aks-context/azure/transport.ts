/** How the Azure SDK clients reach the network: shared by the credential and the ARM client. */
export interface AzureTransport {
  /**
   * Extra CA certificates (PEM) to trust, e.g. the emulator's TEST-ONLY CA. Replaces Node's store
   * for these clients, so only for private endpoints. A child process can use the standard
   * `NODE_EXTRA_CA_CERTS` instead, which adds to the store.
   */
  ca?: string;
  /** Retries after a failed ARM or token request (network error, 429, 5xx). SDK default: 3. */
  maxRetries?: number;
  /** Base delay of the SDK's exponential retry backoff (default 800 ms); tests make it small. */
  retryDelayMs?: number;
  /** Prepended to the SDK's user agent. */
  userAgent?: string;
}

/** The `CommonClientOptions` subset both the credential and the ARM client take. */
export function clientOptions(transport: AzureTransport): {
  tlsOptions?: { ca: string };
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number };
  userAgentOptions?: { userAgentPrefix: string };
} {
  return {
    ...(transport.ca ? { tlsOptions: { ca: transport.ca } } : {}),
    ...(transport.maxRetries !== undefined || transport.retryDelayMs !== undefined
      ? { retryOptions: { maxRetries: transport.maxRetries, retryDelayInMs: transport.retryDelayMs } }
      : {}),
    ...(transport.userAgent ? { userAgentOptions: { userAgentPrefix: transport.userAgent } } : {}),
  };
}
