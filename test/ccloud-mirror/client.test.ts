import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfluentClient } from '../../src/actions/ccloud-mirror/confluent/client.js';
import { ConfluentApiError } from '../../src/actions/ccloud-mirror/confluent/errors.js';
import type { Clock } from '../../src/core/time.js';

// A scripted server: the client's wire format and error mapping, independent of the emulator.
let server: Server;
let base: string;
const script: Array<{ status: number; headers?: Record<string, string>; body: string }> = [];
const seen: Array<{ method?: string; url?: string; auth?: string; type?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      const next = script.shift() ?? {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"kind":"KafkaMirrorDataList","metadata":{"self":"x","next":null},"data":[]}',
      };
      res.writeHead(next.status, next.headers);
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const clock: Clock = { now: () => 0, sleep: async () => {} };
const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function client(masked: string[] = [], operation = 'failover') {
  return new ConfluentClient({
    restEndpoint: `${base}/`,
    clusterId: 'lkc-dr',
    apiKey: 'DRKEY',
    apiSecret: 'dr-secret',
    operation,
    mask: (v) => masked.push(v),
    http: { clock, retry: { retries: 2 } },
  });
}

describe('ConfluentClient', () => {
  it('masks the derived Basic credentials as soon as the client exists, and sends them', async () => {
    const masked: string[] = [];
    const c = client(masked);
    const token = Buffer.from('DRKEY:dr-secret').toString('base64');
    expect(masked).toEqual([token, `Basic ${token}`]);
    seen.length = 0;
    await c.listMirrors('dr link');
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/kafka/v3/clusters/lkc-dr/links/dr%20link/mirrors', auth: `Basic ${token}` });
  });

  it('sends an alter verb with names in the body, validate_only in the query, JSON content type', async () => {
    seen.length = 0;
    script.push(
      json(200, {
        kind: 'KafkaPromoteMirror',
        metadata: { self: 'x' },
        data: [
          {
            mirror_topic_name: 'a',
            error_code: null,
            error_message: null,
            mirror_lags: [{ partition: 0, lag: 2, last_source_fetch_offset: 10 }],
            messages_truncated: null,
            partition_level_truncation_data: [],
          },
          {
            mirror_topic_name: 'b',
            error_code: 400,
            error_message: "Topic 'b' has already stopped its mirror from 'l'",
            mirror_lags: [],
            messages_truncated: null,
            partition_level_truncation_data: [],
          },
        ],
      }),
    );
    const results = await client().alterMirrors('l', 'failover', ['a', 'b'], { validateOnly: true });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/kafka/v3/clusters/lkc-dr/links/l/mirrors:failover?validate_only=true', type: 'application/json' });
    expect(JSON.parse(seen[0].body)).toEqual({ mirror_topic_names: ['a', 'b'] });
    expect(results.map((r) => [r.mirrorTopicName, r.errorCode, r.lags.count])).toEqual([
      ['a', null, 1],
      ['b', 400, 0],
    ]);
  });

  it('returns undefined for a missing link or mirror instead of throwing', async () => {
    script.push(json(404, { error_code: 404, message: "The cluster link doesn't exist." }), json(404, { error_code: 40403, message: 'not found' }));
    expect(await client().getLink('nope')).toBeUndefined();
    expect(await client().getMirror('l', 'nope')).toBeUndefined();
  });

  it('names the cluster and the key id, never the secret, and the ACLs on 401', async () => {
    script.push(json(401, { error_code: 40101, message: 'Authentication failed' }));
    const err = (await client()
      .listLinks()
      .catch((e: unknown) => e)) as ConfluentApiError;
    expect(err).toBeInstanceOf(ConfluentApiError);
    expect(err.kind).toBe('unauthenticated');
    const text = err.describe();
    expect(text).toContain('API key DRKEY was rejected by cluster lkc-dr (HTTP 401, error_code 40101: Authentication failed)');
    expect(text).toContain('CLUSTER ALTER and DESCRIBE, TOPIC READ and DESCRIBE_CONFIGS');
    expect(text).not.toContain('dr-secret');
  });

  it('lists the ACLs on 403, on both clusters for reverse verbs', async () => {
    script.push(json(403, { error_code: 40301, message: 'Forbidden' }));
    const err = (await client([], 'reverse-and-start-mirror')
      .alterMirrors('l', 'reverse-and-start-mirror', ['t'])
      .catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('forbidden');
    expect(err.describe()).toContain(
      'API key DRKEY is not allowed to reverse-and-start-mirror 1 mirror topic(s) on cluster lkc-dr (HTTP 403, error_code 40301: Forbidden) (cluster lkc-dr, link l)',
    );
    expect(err.describe()).toContain('on both clusters');
    expect(err.describe()).toContain('--operations alter,describe --cluster-scope');
  });

  it('turns an exhausted HTML 429 into a readable rate-limit error', async () => {
    const page = {
      status: 429,
      headers: { 'content-type': 'text/html' },
      body: '<html><head><title>Error 429 Too Many Requests</title></head><body><h2>HTTP ERROR 429</h2></body></html>',
    };
    script.push(page, page, page);
    const err = (await client()
      .listMirrors('l')
      .catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('rate-limited');
    expect(err.describe()).toContain('Confluent rate-limited the requests (HTTP 429: Error 429 Too Many Requests) after 3 attempts');
    expect(err.describe()).not.toContain('<html>');
  });

  it('says plainly when the endpoint does not answer', async () => {
    const c = new ConfluentClient({
      restEndpoint: 'http://127.0.0.1:1',
      clusterId: 'lkc-dr',
      apiKey: 'K',
      apiSecret: 'S',
      mask: () => {},
      http: { clock, retry: { retries: 1 } },
    });
    const err = (await c.listLinks().catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('unreachable');
    expect(err.describe()).toMatch(
      /could not list the cluster links: http:\/\/127\.0\.0\.1:1 did not answer \(connection refused.*\) after 2 attempts \(cluster lkc-dr\)\. Check input 'rest-endpoint'/,
    );
  });

  it('refuses an answer naming a topic that breaks the topic-name rule, quoting it escaped', async () => {
    const bad = 'x\n::set-output name=PWNED::1\n##[warning]PWNED';
    const listing = { kind: 'KafkaMirrorDataList', metadata: {}, data: [{ mirror_topic_name: 'ok', source_topic_name: 'ok' }, { mirror_topic_name: bad }] };
    script.push(json(200, listing));
    const err = (await client()
      .listMirrors('l')
      .catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('unexpected');
    expect(err.message).toBe(
      "the answer to GET /links/{link}/mirrors names the topic \"x\\n::set-output name=PWNED::1\\n#%23[warning]PWNED\", which is not a Kafka topic name (letters, digits, '.', '_', '-'; 1 to 249 characters): the answer was refused",
    );
    script.push(json(200, { data: [{ mirror_topic_name: 'ok', source_topic_name: 'a'.repeat(250) }] }));
    expect(
      (
        (await client()
          .listMirrors('l')
          .catch((e: unknown) => e)) as ConfluentApiError
      ).kind,
    ).toBe('unexpected');
    script.push(json(200, { data: [{ mirror_topic_name: '../x', error_code: null, error_message: null }] }));
    expect(
      (
        (await client()
          .alterMirrors('l', 'failover', ['t'])
          .catch((e: unknown) => e)) as ConfluentApiError
      ).message,
    ).toContain('"../x"');
    script.push(json(200, { mirror_topic_name: 'has space' }));
    expect(
      (
        (await client()
          .getMirror('l', 'x')
          .catch((e: unknown) => e)) as ConfluentApiError
      ).kind,
    ).toBe('unexpected');
  });

  it('makes server text inert: statuses and messages become one line, with no workflow command left in them', async () => {
    script.push(
      json(200, {
        data: [
          {
            mirror_topic_name: 't',
            mirror_status: '::error::x\nACTIVE',
            mirror_state_transition_errors: [{ error_code: 1, error_message: 'a\n::add-mask::b' }],
          },
        ],
      }),
    );
    const [mirror] = await client().listMirrors('l');
    expect(mirror.mirrorStatus).toBe('%3A:error::x ACTIVE');
    expect(mirror.stateTransitionErrors[0].errorMessage).toBe('a ::add-mask::b');
    script.push(json(400, { error_code: 40002, message: 'bad\n::error::injected ##[group]x' }));
    const err = (await client()
      .alterMirrors('l', 'failover', ['t'])
      .catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.message).toBe('could not failover 1 mirror topic(s): HTTP 400, error_code 40002: bad ::error::injected #%23[group]x');
    expect(err.detail).toBe('bad ::error::injected #%23[group]x');
  });

  it('rejects a body that is not a list envelope', async () => {
    script.push({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy login</html>' });
    const err = (await client()
      .listLinks()
      .catch((e: unknown) => e)) as ConfluentApiError;
    expect(err.kind).toBe('unexpected');
    expect(err.describe()).toBe(
      "the answer to GET /links is not a list (no 'data' array) (cluster lkc-dr). Check that 'rest-endpoint' is the cluster's Kafka REST endpoint (https://pkc-….confluent.cloud:443), not a proxy or the Cloud API",
    );
  });
});
