import type { KubeClients } from './client.js';

/**
 * One watch request (`?watch=true`), as client-node's `Watch` sends it (same URL, credentials and TLS
 * dispatcher), but under the caller's control from the first byte: `signal` aborts it at any moment, the
 * connection itself (until the response headers) is bounded by `connectMs`, and every silence of the stream
 * after that by `inactivityMs`. client-node's `Watch` only hands out its abort controller once the headers
 * came, so a server that accepts the connection and never answers could not be stopped before its timer.
 */
export interface WatchStreamOptions {
  /** API path of the collection, e.g. `/apis/apps/v1/namespaces/clients/deployments`. */
  path: string;
  query: Record<string, string | number | boolean | undefined>;
  /** Aborting it ends the watch at once (the promise resolves). */
  signal: AbortSignal;
  /** Bound of the connection, until the headers arrive. */
  connectMs: number;
  /** Bound of each silence of the open stream. */
  inactivityMs: number;
  /** Each event: its type and object. */
  onEvent: (type: string, object: unknown) => void;
}

/** A watch that ended because the server went silent (or never answered): a TimeoutError, as client-node names it. */
export class WatchTimeoutError extends Error {
  constructor(
    readonly phase: 'connect' | 'inactivity',
    ms: number,
  ) {
    super(phase === 'connect' ? `the watch connection got no answer within ${ms}ms` : `the watch stream was silent for ${ms}ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs one watch until the server ends the stream (resolves), `signal` aborts (resolves), a bound passes
 * (rejects with WatchTimeoutError) or the request fails (rejects; a non-200 answer carries `statusCode` and
 * the body as `body`).
 */
export async function watchStream(clients: KubeClients, options: WatchStreamOptions): Promise<void> {
  const cluster = clients.config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server + options.path);
  url.searchParams.set('watch', 'true');
  for (const [key, value] of Object.entries(options.query)) if (value !== undefined) url.searchParams.set(key, String(value));
  const context = new clients.lib.RequestContext(url.toString(), clients.lib.HttpMethod.GET);
  await clients.config.applySecurityAuthentication(context);

  const controller = new AbortController();
  const stop = () => controller.abort();
  if (options.signal.aborted) return;
  options.signal.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = (error: WatchTimeoutError, ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(error), ms);
  };
  try {
    arm(new WatchTimeoutError('connect', options.connectMs), options.connectMs);
    const response = await clients.fetch(url, {
      method: 'GET',
      headers: context.getHeaders(),
      dispatcher: context.getDispatcher() as import('undici').Dispatcher | undefined,
      signal: controller.signal,
    });
    if (response.status !== 200) {
      const body = await response.text();
      throw Object.assign(new Error(response.statusText || `HTTP ${response.status}`), { statusCode: response.status, body });
    }
    const inactivity = new WatchTimeoutError('inactivity', options.inactivityMs);
    arm(inactivity, options.inactivityMs);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      arm(inactivity, options.inactivityMs);
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        let event: { type?: string; object?: unknown };
        try {
          event = JSON.parse(line) as { type?: string; object?: unknown };
        } catch {
          continue;
        }
        if (typeof event.type === 'string') options.onEvent(event.type, event.object);
        if (controller.signal.aborted) break;
      }
      if (controller.signal.aborted) break;
    }
  } catch (err) {
    if (controller.signal.reason instanceof WatchTimeoutError) throw controller.signal.reason;
    if (options.signal.aborted) return;
    throw err;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', stop);
    controller.abort();
  }
  if (controller.signal.reason instanceof WatchTimeoutError) throw controller.signal.reason;
}
