import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { Client, twoClusters } from './rest.js';

let emu: ConfluentEmulator;
let north: Client;
beforeEach(async () => ({ emu, north } = await twoClusters()));
afterEach(() => emu.close());

/** The error code under fetch's TypeError (undici puts it in `cause`). */
async function networkError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return e.cause?.code ?? e.name;
  }
  throw new Error('the request unexpectedly succeeded');
}

describe('faults', () => {
  it('unreachable (refuse): the port is closed (ECONNREFUSED), then re-opened on the same port when cleared', async () => {
    const endpoint = north.info.restEndpoint;
    await emu.setFault('north', { kind: 'unreachable' });
    expect(await networkError(north.get('/topics'))).toBe('ECONNREFUSED');
    expect(() => emu.topics('north')).toThrow(expect.objectContaining({ name: 'KafkaError', code: 'NETWORK_EXCEPTION' }));
    expect(emu.requests('north')).toEqual([]);
    await emu.setFault('north', null);
    expect(emu.info('north').restEndpoint).toBe(endpoint);
    expect((await north.get('/topics')).status).toBe(200);
  });

  it('unreachable (hang): accepts and never answers until the client gives up; recorded with status 0', async () => {
    await emu.setFault('north', { kind: 'unreachable', mode: 'hang' });
    expect(await networkError(north.get('/topics', { signal: AbortSignal.timeout(100) }))).toBe('TimeoutError');
    expect(emu.requests('north')).toEqual([
      { cluster: 'north', method: 'GET', path: '/kafka/v3/clusters/lkc-north/topics', query: '', route: '/kafka/v3/clusters/{cluster_id}/topics', status: 0 },
    ]);
    expect(() => emu.produce('north', 'x', [{ value: 'v' }])).toThrow(/unreachable: the connection timed out/);
    await emu.setFault('north', null);
    expect((await north.get('/topics')).status).toBe(200);
  });

  it('rate-limit: the Jetty HTML 429 page with Retry-After, for `count` requests', async () => {
    await emu.setFault('north', { kind: 'rate-limit', retryAfterSeconds: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await north.get('/links');
      expect([res.status, res.headers.get('retry-after'), res.headers.get('content-type')]).toEqual([429, '7', 'text/html;charset=utf-8']);
      expect(res.text).toContain('<title>Error 429 Too Many Requests</title>');
      expect(res.text).toContain('<td>/kafka/v3/clusters/lkc-north/links</td>');
    }
    expect((await north.get('/links')).status).toBe(200);
    expect(emu.requests('north').map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('rate-limit without Retry-After lasts until cleared', async () => {
    await emu.setFault('north', { kind: 'rate-limit' });
    for (let i = 0; i < 3; i++) {
      const res = await north.post('/topics', { topic_name: 't' });
      expect([res.status, res.headers.get('retry-after')]).toEqual([429, null]);
    }
    await emu.setFault('north', null);
    expect((await north.post('/topics', { topic_name: 't' })).status).toBe(201);
  });

  it('server-error: 503 (or the given status) with error_code 50003, for `count` requests', async () => {
    await emu.setFault('north', { kind: 'server-error', count: 1 });
    const first = await north.get('/links');
    expect([first.status, first.json.error_code]).toEqual([503, 50003]);
    expect((await north.get('/links')).status).toBe(200);
    await emu.setFault('north', { kind: 'server-error', status: 500 });
    const res = await north.post('/topics', { topic_name: 'not-created' });
    expect([res.status, res.json.error_code]).toEqual([500, 50003]);
    await emu.setFault('north', null);
    expect((await north.get('/topics/not-created')).status).toBe(404);
  });

  it('slow: answers arrive after delayMs, so a shorter client timeout fires', async () => {
    await emu.setFault('north', { kind: 'slow', delayMs: 400 });
    expect(await networkError(north.get('/links', { signal: AbortSignal.timeout(50) }))).toBe('TimeoutError');
    expect((await north.get('/links')).status).toBe(200);
  });

  it('a fault on one cluster leaves the other alone', async () => {
    await emu.setFault('north', { kind: 'server-error' });
    const west = new Client(emu.info('west'));
    expect((await west.get('/links')).status).toBe(200);
  });
});

describe('credentials and request records', () => {
  it('generates random-looking keys and secrets per cluster', () => {
    const [a, b] = emu.clusters;
    expect(a.apiKey).toMatch(/^[A-Z0-9]{16}$/);
    expect(a.apiSecret).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(a.apiKey).not.toBe(b.apiKey);
    expect(a.apiSecret).not.toBe(b.apiSecret);
    expect(emu.info('lkc-west')).toEqual(b);
    expect(emu.info('SASL_SSL://west.kafka.local:9092').name).toBe('west');
    expect(() => emu.info('south')).toThrow(/Cluster south cannot be found/);
  });

  it('records method, path, query, spec route and status of every request; resetRequests empties the log', async () => {
    await north.get('/links', { query: { include_tasks: true } });
    await north.get('/links/x/mirrors/y');
    expect(emu.requests()).toEqual([
      {
        cluster: 'north',
        method: 'GET',
        path: '/kafka/v3/clusters/lkc-north/links',
        query: 'include_tasks=true',
        route: '/kafka/v3/clusters/{cluster_id}/links',
        status: 200,
      },
      {
        cluster: 'north',
        method: 'GET',
        path: '/kafka/v3/clusters/lkc-north/links/x/mirrors/y',
        query: '',
        route: '/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors/{mirror_topic_name}',
        status: 404,
      },
    ]);
    expect(emu.requests('west')).toEqual([]);
    emu.resetRequests();
    expect(emu.requests()).toEqual([]);
  });
});
