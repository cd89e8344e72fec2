import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpError } from '../../src/core/http.js';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter } from '../../src/core/retry.js';
import type { Clock } from '../../src/core/time.js';

/** A clock whose sleep records the wait and returns at once. */
function fakeClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => 1_000_000, sleep: async (ms) => void slept.push(ms) };
}

let server: Server;
let base: string;
const script: Array<{ status: number; headers?: Record<string, string>; body: string; chunks?: number }> = [];
const seen: Array<{ method?: string; url?: string; ua?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, ua: req.headers['user-agent'], body });
      const next = script.shift() ?? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      res.writeHead(next.status, next.headers);
      if (!next.chunks) return void res.end(next.body);
      // The body in `chunks` writes, each flushed on its own (a chunked answer arriving in pieces).
      const size = Math.ceil(next.body.length / next.chunks);
      const write = (from: number) => {
        if (from >= next.body.length) return void res.end();
        res.write(next.body.slice(from, from + size), () => setImmediate(() => write(from + size)));
      };
      write(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HttpClient', () => {
  it('retries an HTML 429 honouring Retry-After, then succeeds', async () => {
    seen.length = 0;
    script.push({
      status: 429,
      headers: { 'content-type': 'text/html', 'retry-after': '3' },
      body: '<html><head><title>Error 429 Too Many Requests</title></head></html>',
    });
    const clock = fakeClock();
    const client = new HttpClient({ baseUrl: base, clock });
    const res = await client.request<{ ok: boolean }>({ method: 'POST', path: '/x', body: { a: 1 } });
    expect(res.json).toEqual({ ok: true });
    expect(clock.slept).toEqual([3000]);
    expect(client.requestCount).toBe(2);
    expect(seen.map((s) => s.body)).toEqual(['{"a":1}', '{"a":1}']);
    expect(seen[0].ua).toMatch(/^ccloud-dr-actions\/\d+\.\d+\.\d+/);
  });

  it('gives up after the bounded retries with a readable error from a non-JSON body', async () => {
    for (let i = 0; i < 3; i++)
      script.push({ status: 429, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Error 429 Too Many Requests</title></head></html>' });
    const clock = fakeClock();
    const client = new HttpClient({ baseUrl: base, clock, retry: { retries: 2 }, random: () => 1, target: 'cluster lkc-1' });
    const err = await client.request({ method: 'GET', path: '/links' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).describe()).toBe(`GET ${base}/links failed: HTTP 429: Error 429 Too Many Requests after 3 attempts (cluster lkc-1)`);
    expect(clock.slept).toEqual([500, 1000]);
  });

  it('does not retry a 4xx, and reports the JSON error_code and message', async () => {
    script.push({ status: 401, headers: { 'content-type': 'application/json' }, body: '{"error_code":40101,"message":"Authentication failed"}' });
    const client = new HttpClient({ baseUrl: base, clock: fakeClock() });
    const err = (await client.request({ method: 'GET', path: '/y' }).catch((e: unknown) => e)) as HttpError;
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe(40101);
    expect(err.message).toContain('HTTP 401 (error_code 40101): Authentication failed');
    expect(client.requestCount).toBe(1);
  });

  it('returns an accepted non-2xx status to the caller', async () => {
    script.push({ status: 404, headers: { 'content-type': 'application/json' }, body: '{"error_code":404,"message":"nope"}' });
    const res = await new HttpClient({ baseUrl: base, clock: fakeClock() }).request({ method: 'GET', path: '/z', accept: [404] });
    expect(res.status).toBe(404);
  });

  it('retries a refused connection and says so plainly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const clock = fakeClock();
    const client = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, clock, retry: { retries: 1 } });
    const err = (await client.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)) as HttpError;
    expect(err.message).toContain('connection refused');
    expect(client.requestCount).toBe(2);
    expect(clock.slept).toHaveLength(1);
  });

  it('times out a hanging request', async () => {
    const hang = createServer(() => {});
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const client = new HttpClient({
      baseUrl: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`,
      clock: fakeClock(),
      timeoutMs: 100,
      retry: { retries: 0 },
    });
    const err = (await client.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)) as HttpError;
    expect(err.message).toContain('timed out');
    hang.closeAllConnections();
    await new Promise<void>((resolve) => hang.close(() => resolve()));
  });
});

describe('retry policy', () => {
  it('grows exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 10].map((a) => backoffDelay(defaultRetryPolicy, a, () => 1))).toEqual([500, 1000, 2000, 15_000]);
    expect(backoffDelay(defaultRetryPolicy, 3, () => 0)).toBe(0);
    expect(backoffDelay(defaultRetryPolicy, 1, () => 1, 120_000)).toBe(60_000);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    const clock = { now: () => Date.parse('Sat, 21 Nov 2026 10:00:00 GMT') };
    expect(parseRetryAfter('7', clock)).toBe(7000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:05 GMT', clock)).toBe(5000);
    expect(parseRetryAfter('soon', clock)).toBeUndefined();
  });
});

describe('HttpClient decodeElement: a list decoded element by element as it arrives', () => {
  const list = {
    kind: 'KafkaMirrorTopicList',
    metadata: { next: null },
    data: Array.from({ length: 50 }, (_, i) => ({ mirror_topic_name: `t-${i}`, note: 'a "quoted" {brace} [bracket]' })),
  };

  it('gives json.data as the decoder made it, from a body that came in many pieces, and keeps no text', async () => {
    script.push({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(list), chunks: 37 });
    const client = new HttpClient({ baseUrl: base, clock: fakeClock() });
    const names: string[] = [];
    const res = await client.request<{ kind: string; data: number[] }>({
      method: 'GET',
      path: '/links/l/mirrors',
      decodeElement: (raw) => names.push(String(raw.mirror_topic_name)),
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.json?.kind).toBe('KafkaMirrorTopicList');
    expect(res.json?.data).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(names).toEqual(list.data.map((d) => d.mirror_topic_name));
  });

  it('reads an error answer whole, as without it: its message reaches the error', async () => {
    script.push({ status: 404, headers: { 'content-type': 'application/json' }, body: '{"error_code":404,"message":"Link not found"}' });
    const client = new HttpClient({ baseUrl: base, clock: fakeClock(), retry: { retries: 0 } });
    let decoded = 0;
    const err = await client.request({ method: 'GET', path: '/links/l/mirrors', decodeElement: () => decoded++ }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).describe()).toContain('HTTP 404 (error_code 404): Link not found');
    expect(decoded).toBe(0);
  });

  it('leaves json undefined for a body that is not a JSON list envelope (a proxy page, a cut-off body)', async () => {
    const client = new HttpClient({ baseUrl: base, clock: fakeClock() });
    script.push({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><title>Sign in</title></html>' });
    const page = await client.request({ method: 'GET', path: '/x', decodeElement: (raw) => raw });
    expect(page.json).toBeUndefined();
    expect(page.text).toContain('Sign in');
    script.push({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(list).slice(0, -20), chunks: 5 });
    const cut = await client.request({ method: 'GET', path: '/x', decodeElement: (raw) => raw });
    expect(cut.json).toBeUndefined();
  });
});
