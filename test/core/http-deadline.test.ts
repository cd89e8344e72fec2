import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpError } from '../../src/core/http.js';
import type { Clock } from '../../src/core/time.js';

// The core HTTP client's deadline, which ccloud-mirror's one deadline for a whole run rests on: no attempt after
// it, every attempt's timeout and every retry's sleep capped by what is left, and a Retry-After longer than that
// ending the request at once. Real time, small numbers.
let server: Server;
let base: string;
const script: Array<{ status: number; headers?: Record<string, string>; body: string } | 'hang'> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const next = script.shift() ?? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      if (next === 'hang') return;
      res.writeHead(next.status, next.headers);
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const limited = (seconds: number) => ({
  status: 429,
  headers: { 'content-type': 'text/html', 'retry-after': String(seconds) },
  body: '<html><head><title>Error 429 Too Many Requests</title></head></html>',
});

describe('HttpClient deadline', () => {
  it('cuts a hanging attempt at the deadline, not at the per-attempt timeout, and says so', async () => {
    script.length = 0;
    script.push('hang');
    const started = Date.now();
    const client = new HttpClient({ baseUrl: base, timeoutMs: 10_000, deadline: started + 300 });
    const err = (await client.request({ method: 'GET', path: '/hang' }).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/timed out: no answer within \d+ms, all that was left before the deadline/);
    expect(err.deadline).toBe('the deadline was reached');
    expect(client.requestCount).toBe(1);
  });

  it('does not sleep for a Retry-After longer than what is left: it fails at once, saying what the server asked', async () => {
    script.length = 0;
    script.push(limited(30));
    const started = Date.now();
    const client = new HttpClient({ baseUrl: base, deadline: started + 5000 });
    const err = (await client.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e)) as HttpError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.status).toBe(429);
    expect(err.attempts).toBe(1);
    expect(err.deadline).toMatch(/^the server asked to retry after 30\.0s \(Retry-After\), more than the \d\.\ds left before the deadline$/);
    expect(err.message).toContain('HTTP 429: Error 429 Too Many Requests; the server asked to retry after 30.0s');
    expect(client.sleptMs).toBe(0);
  });

  it('honours a Retry-After that fits, and measures the time it slept', async () => {
    script.length = 0;
    script.push(limited(1));
    const client = new HttpClient({ baseUrl: base, deadline: Date.now() + 5000 });
    const res = await client.request<{ ok: boolean }>({ method: 'GET', path: '/x' });
    expect(res.json).toEqual({ ok: true });
    expect(client.requestCount).toBe(2);
    expect(client.sleptMs).toBeGreaterThanOrEqual(990);
    expect(client.sleptMs).toBeLessThan(2000);
  });

  it('sends nothing once the deadline has passed (attempts 0), and a request may carry a later deadline of its own', async () => {
    script.length = 0;
    const client = new HttpClient({ baseUrl: base, deadline: Date.now() - 1 });
    const err = (await client.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e)) as HttpError;
    expect([err.attempts, err.status, client.requestCount]).toEqual([0, undefined, 0]);
    expect(err.deadline).toBe('the deadline had passed before it could be sent');
    const res = await client.request<{ ok: boolean }>({ method: 'GET', path: '/x', deadline: Date.now() + 2000 });
    expect(res.json).toEqual({ ok: true });
  });

  it('gives up when a backoff would not fit before the deadline, instead of sleeping past it', async () => {
    script.length = 0;
    script.push({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"message":"busy"}' });
    // A clock whose time does not move while the client decides: 100 ms left, a 500 ms backoff (random() = 1).
    const clock: Clock = { now: () => 1_000_000, sleep: async () => {} };
    const client = new HttpClient({ baseUrl: base, clock, random: () => 1, deadline: 1_000_100 });
    const err = (await client.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e)) as HttpError;
    expect(err.status).toBe(503);
    expect(err.deadline).toBe('only 100ms left before the deadline, too little for another attempt');
    expect(client.requestCount).toBe(1);
  });

  it('without a deadline behaves as before: retries with backoff until the attempts run out', async () => {
    script.length = 0;
    for (let i = 0; i < 3; i++) script.push({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"message":"busy"}' });
    const slept: number[] = [];
    const clock: Clock = { now: () => 0, sleep: async (ms) => void slept.push(ms) };
    const client = new HttpClient({ baseUrl: base, clock, random: () => 1, retry: { retries: 2 } });
    const err = (await client.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e)) as HttpError;
    expect([err.status, err.attempts, err.deadline]).toEqual([503, 3, undefined]);
    expect(slept).toEqual([500, 1000]);
  });
});
