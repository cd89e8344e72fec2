import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Where and how to reach the real API server: its URL, the CA that signed its cert, a bearer token. */
export interface ApiTarget {
  server: string;
  /** PEM of the API server's self-signed CA; without it the certificate is not checked (startup only). */
  ca?: string;
  token?: string;
}

/** A non-2xx answer of the API server, with its status and Status message. */
export class ApiStatusError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${statusMessage(body)}`);
  }
}

function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    return parsed.message ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  /** Default `application/json`. */
  accept?: string;
  timeoutMs?: number;
  /** Aborts the request, also before its headers arrived. */
  signal?: AbortSignal;
}

/** Sends one request; resolves with the response as soon as its headers arrive (a stream: read it or destroy it). */
export function send(target: ApiTarget, method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
  const url = new URL(path, target.server);
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (target.token) headers.Authorization = `Bearer ${target.token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const tls = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(
      url,
      { method, headers, ...(tls ? (target.ca ? { ca: target.ca } : { rejectUnauthorized: false }) : {}) },
      resolve,
    );
    req.on('error', reject);
    if (options.signal) {
      const signal = options.signal;
      const abort = () => req.destroy(new Error(`${method} ${url.pathname}: aborted`));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      req.on('close', () => signal.removeEventListener('abort', abort));
    }
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`${method} ${url.pathname}: no answer in ${options.timeoutMs} ms`)));
    req.end(payload);
  });
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An answer whatever its status: the status, the headers, the body text and, when it is JSON, the parsed body. */
export interface ApiAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  json: unknown;
}

/** One request that never rejects on an HTTP status (only on a network failure): for tests that compare answers. */
export async function apiCall(target: ApiTarget, method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer> {
  const res = await send(target, method, path, { timeoutMs: 30_000, ...options });
  const text = await readBody(res);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode ?? 0, headers: res.headers, text, json };
}

/** One request; resolves with the parsed JSON (or the text when it is not JSON), rejects with ApiStatusError on non-2xx. */
export async function apiRequest<T = unknown>(target: ApiTarget, method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(target, method, path, { timeoutMs: 30_000, ...options });
  const text = await readBody(res);
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) throw new ApiStatusError(status, method, path, text);
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

/** A watch event as the API server streams it. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * Streams `path?watch=1&resourceVersion=…` until the server ends it or `signal` aborts; calls `onEvent`
 * for each line. Resolves when the stream ends (the caller relists or re-watches); rejects on HTTP errors.
 */
export async function watchStream<T>(
  target: ApiTarget,
  path: string,
  onEvent: (event: WatchEvent<T>) => void | Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let res: IncomingMessage;
  try {
    // The signal also ends a watch whose headers have not arrived yet (a stop right after a start).
    res = await send(target, 'GET', path, { signal });
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) throw new ApiStatusError(status, 'GET', path, await readBody(res));
  const abort = () => res.destroy();
  if (signal.aborted) return void res.destroy();
  signal.addEventListener('abort', abort, { once: true });
  let buffered = '';
  try {
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) await onEvent(JSON.parse(line) as WatchEvent<T>);
        newline = buffered.indexOf('\n');
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}
