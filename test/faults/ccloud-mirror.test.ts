import { afterEach, describe, expect, it } from '@jest/globals';
import { faultProxy, hostile, injectedCommands, type FaultDecision, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { errorLines, findLeaks, runAction, type ActionRun } from '../helpers/run-action.js';
import { drWorld, type DrWorld } from '../ccloud-mirror/fixture.js';

/**
 * The fault matrix of dist/ccloud-mirror: the bundle as the runner runs it, against the Confluent emulator behind a
 * fault-injecting proxy. Every test checks the exit code, that the run ended within twice its `timeout` (a deadline,
 * not a performance figure), that nothing mutating was sent where nothing should change, that no secret is visible,
 * and that no text from the server became a workflow command.
 */
let world: DrWorld | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await world?.close();
  proxy = undefined;
  world = undefined;
});

/** Server text meant to break out: workflow commands on their own lines, and Markdown/HTML that would restyle the summary. */
const HOSTILE = `${hostile()} </table><h1>owned</h1> ![img](https://evil.example/x.png) [click](https://evil.example) <img src=x onerror=alert(1)>`;

const RATE_LIMIT_PAGE = '<html><head><title>Error 429 Too Many Requests</title></head><body>Too many requests</body></html>';

interface Started {
  world: DrWorld;
  proxy: FaultProxy;
  inputs: (more?: Record<string, string>) => Record<string, string>;
  secrets: string[];
}

async function start(topics = ['orders']): Promise<Started> {
  world = await drWorld({ topics });
  const south = world.emulator.info('south');
  proxy = await faultProxy(south.restEndpoint);
  const w = world;
  const p = proxy;
  const token = Buffer.from(`${south.apiKey}:${south.apiSecret}`).toString('base64');
  return {
    world: w,
    proxy: p,
    inputs: (more = {}) => ({
      'rest-endpoint': p.url,
      'cluster-id': south.id,
      'api-key': south.apiKey,
      'api-secret': south.apiSecret,
      'link-name': w.link,
      'poll-interval': '50ms',
      ...more,
    }),
    secrets: [south.apiSecret, token],
  };
}

/** Runs the bundle and measures it from spawn to exit. */
async function timed(inputs: Record<string, string>): Promise<{ run: ActionRun; ms: number }> {
  const started = Date.now();
  const run = await runAction('ccloud-mirror', { inputs, timeoutMs: 45_000 });
  return { run, ms: Date.now() - started };
}

/** What every run must hold: no secret visible, no injected workflow command, no HTML or link from the server in the summary. */
function expectClean(run: ActionRun, secrets: string[]): void {
  expect(findLeaks(run.everything, secrets)).toEqual([]);
  expect(injectedCommands(run.stdout)).toEqual([]);
  for (const raw of ['</table>', '<h1>', '<img', '](', '![']) expect(run.summary).not.toContain(raw);
  for (const value of Object.values(run.outputs)) expect(value).not.toMatch(/^\s*::/m);
}

const isPoll = (r: ProxiedRequest) => r.method === 'GET' && /\/links\/[^/]+\/mirrors(\?|$)/.test(r.path);
const isAlter = (r: ProxiedRequest) => r.method === 'POST' && /\/mirrors:[a-z-]+/.test(r.path);

/** A rule that applies `fault` to the polls made after the first alter request (the preflight listing passes). */
function afterAlter(
  fault: (r: ProxiedRequest) => FaultDecision | undefined,
  onAlter?: (r: ProxiedRequest) => FaultDecision,
): (r: ProxiedRequest) => FaultDecision {
  let altered = false;
  return (r) => {
    if (isAlter(r)) {
      altered = true;
      return onAlter?.(r) ?? 'pass';
    }
    return (altered && fault(r)) || 'pass';
  };
}

describe('3: status with a pattern that matches nothing', () => {
  it('fails naming the pattern and the link, and sends nothing mutating', async () => {
    const s = await start(['orders', 'payments']);
    const { run, ms } = await timed(s.inputs({ operation: 'status', 'mirror-topic-pattern': 'refunds-.*', timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    const [line] = errorLines(run);
    expect(line).toContain("no mirror topics match the pattern 'refunds-.*'");
    expect(line).toContain('link dr-link');
    expect(line).toContain('The link mirrors: orders, payments');
    expect(run.outputs['succeeded-topics']).toBeUndefined();
    expect(s.proxy.mutating()).toEqual([]);
    expectClean(run, s.secrets);
  });
});

describe('5: one deadline from `timeout` for preflight, alter calls and polls', () => {
  it('429 with Retry-After: 30 on every poll after the alter ends the wait at once, saying the server asked for more than is left', async () => {
    const s = await start();
    s.proxy.setRule(
      afterAlter((r) => (isPoll(r) ? { status: 429, headers: { 'content-type': 'text/html', 'retry-after': '30' }, body: RATE_LIMIT_PAGE } : undefined)),
    );
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    const [line] = errorLines(run);
    expect(line).toContain('orders: accepted, but reaching STOPPED could not be confirmed');
    expect(line).toMatch(/asked to retry after 30\.0s \(Retry-After\), more than the \d+(\.\d)?m?s left before the deadline/);
    expect(s.proxy.mutating().filter(isAlter)).toHaveLength(1);
    expectClean(run, s.secrets);
  });

  it('429 with Retry-After: 30 on the alter call too: one attempt, no sleep past the deadline', async () => {
    const s = await start();
    const limited: FaultDecision = { status: 429, headers: { 'content-type': 'text/html', 'retry-after': '30' }, body: RATE_LIMIT_PAGE };
    s.proxy.setRule(
      afterAlter(
        (r) => (isPoll(r) ? limited : undefined),
        () => limited,
      ),
    );
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(errorLines(run)[0]).toContain('Retry-After');
    // The one POST was answered 429 by the proxy and never reached the cluster; it was not repeated.
    expect(s.proxy.mutating()).toHaveLength(1);
    expect(s.world.emulator.mirrorState('south', s.world.link, 'orders')?.status).toBe('ACTIVE');
    expectClean(run, s.secrets);
  });

  it('a server that stops answering after the alter: each poll is cut at the deadline, not at request-timeout', async () => {
    const s = await start();
    s.proxy.setRule(afterAlter(() => ({ hang: true })));
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s', 'request-timeout': '10s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(errorLines(run)[0]).toContain('orders: accepted, but reaching STOPPED could not be confirmed');
    expect(s.proxy.mutating().filter(isAlter)).toHaveLength(1);
    expectClean(run, s.secrets);
  });

  it('a server that never answers: the preflight stops at the deadline and nothing mutating is sent', async () => {
    const s = await start();
    s.proxy.setRule(() => ({ hang: true }));
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(errorLines(run)[0]).toContain("could not read link 'dr-link'");
    expect(errorLines(run)[0]).toContain('deadline');
    expect(s.proxy.mutating()).toEqual([]);
    expect(run.summary).toContain('- Topics unchanged: `failover` stopped before it sent any request that changes a topic.');
    expectClean(run, s.secrets);
  });

  it('says how long it waited, measured: Retry-After sleeps inside polls count', async () => {
    const s = await start();
    let limitedPolls = 0;
    s.proxy.setRule(
      afterAlter((r) =>
        isPoll(r) && limitedPolls++ < 2 ? { status: 429, headers: { 'content-type': 'text/html', 'retry-after': '1' }, body: RATE_LIMIT_PAGE } : undefined,
      ),
    );
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '20s' }));
    expect(run.code).toBe(0);
    expect(ms).toBeLessThan(40_000);
    const result = JSON.parse(run.outputs.result) as { sleptMs: number; topics: Array<{ outcome: string }> };
    expect(result.topics.map((t) => t.outcome)).toEqual(['changed']);
    expect(result.sleptMs).toBeGreaterThanOrEqual(2000);
    const waited = /\((\d+(?:\.\d)?)s of it waiting/.exec(run.stdout);
    expect(Number(waited?.[1])).toBeGreaterThanOrEqual(2);
    expect(s.proxy.mutating().filter(isAlter)).toHaveLength(1);
    expectClean(run, s.secrets);
  });
});

describe('8: server text stays inert; topic names from the server follow Kafka rules', () => {
  it('a hostile mirror_status is escaped in the summary and never a command (status: nothing mutating)', async () => {
    const s = await start();
    s.proxy.setRule((r) =>
      isPoll(r)
        ? {
            rewrite: (body) => {
              const page = JSON.parse(body) as { data: Array<Record<string, unknown>> };
              for (const m of page.data) m.mirror_status = HOSTILE;
              return JSON.stringify(page);
            },
          }
        : 'pass',
    );
    const { run, ms } = await timed(s.inputs({ operation: 'status', timeout: '5s' }));
    expect(run.code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(run.summary).toContain('&lt;/table&gt;&lt;h1&gt;owned&lt;/h1&gt;');
    expect(s.proxy.mutating()).toEqual([]);
    expectClean(run, s.secrets);
  });

  it('a hostile status while waiting, and in the step error: inert, escaped, and the wait ends by the deadline (at once: a state not on the way to STOPPED)', async () => {
    const s = await start();
    s.proxy.setRule(
      afterAlter((r) =>
        isPoll(r)
          ? {
              rewrite: (body) => {
                const page = JSON.parse(body) as { data: Array<Record<string, unknown>> };
                for (const m of page.data) m.mirror_status = HOSTILE;
                return JSON.stringify(page);
              },
            }
          : undefined,
      ),
    );
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '3s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(6_000);
    expect(errorLines(run)[0]).toContain(', not STOPPED: the cluster gave the change up');
    expect(s.proxy.mutating().filter(isAlter)).toHaveLength(1);
    expectClean(run, s.secrets);
  });

  it.each([
    [
      'a per-topic error_message',
      {
        status: 200,
        body: JSON.stringify({
          kind: 'KafkaAlterMirrorsResponse',
          metadata: {},
          data: [{ mirror_topic_name: 'orders', error_code: 400, error_message: HOSTILE, mirror_lags: [] }],
        }),
      },
    ],
    ['a whole-request error message', { status: 400, body: JSON.stringify({ error_code: 40002, message: HOSTILE }) }],
  ])('%s from the alter call is escaped in the summary and never a command', async (_what, answer) => {
    const s = await start();
    s.proxy.setRule((r) => (isAlter(r) ? answer : 'pass'));
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(errorLines(run)[0]).toContain('orders:');
    expect(run.summary).toContain('&lt;/table&gt;&lt;h1&gt;owned&lt;/h1&gt;');
    expect(run.summary).toContain('\\!\\[img\\]\\(https://evil.example/x.png\\)');
    expect(s.proxy.mutating()).toHaveLength(1);
    expect(s.world.emulator.mirrorState('south', s.world.link, 'orders')?.status).toBe('ACTIVE');
    expectClean(run, s.secrets);
  });

  it('a listed topic name that breaks the topic-name rule is refused, named escaped, and never written to an output', async () => {
    const s = await start();
    const bad = `evil${hostile()}`;
    s.proxy.setRule((r) =>
      isPoll(r)
        ? {
            rewrite: (body) => {
              const page = JSON.parse(body) as { data: Array<Record<string, unknown>> };
              page.data.push({ ...page.data[0], mirror_topic_name: bad, source_topic_name: bad });
              return JSON.stringify(page);
            },
          }
        : 'pass',
    );
    const { run, ms } = await timed(s.inputs({ operation: 'status', timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    const [line] = errorLines(run);
    expect(line).toContain('which is not a Kafka topic name');
    expect(line).toContain('"evilx\\n::add-mask::west\\n::error title=PWNED::PWNED');
    expect(Object.values(run.outputs).join('\n')).not.toContain('evil');
    expect(run.outputs['succeeded-topics']).toBeUndefined();
    expect(s.proxy.mutating()).toEqual([]);
    expectClean(run, s.secrets);
  });
});

describe('10: credentials inside rest-endpoint', () => {
  it('are refused before any request, and nothing of them is printed anywhere', async () => {
    const s = await start();
    const user = 'dr-operator-7f3a';
    const password = 'Pa55%2Fw0rd-9c1e2b4d';
    const endpoint = s.proxy.url.replace('http://', `http://${user}:${password}@`);
    const { run, ms } = await timed(s.inputs({ operation: 'failover', 'rest-endpoint': endpoint, timeout: '5s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(errorLines(run)[0]).toContain("input 'rest-endpoint' holds credentials");
    expect(findLeaks(run.everything, [user, password, decodeURIComponent(password), endpoint])).toEqual([]);
    // Masked all the same (the runner unescapes `%25` in command data), in case a later step prints the endpoint.
    const masked = run.masked.map((m) => m.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
    expect(masked).toEqual(expect.arrayContaining([user, password, decodeURIComponent(password)]));
    expect(s.proxy.requests).toEqual([]);
    expectClean(run, s.secrets);
  });
});

describe('13: an alter request that timed out although the cluster applied it', () => {
  it('is decided by reading the state back, not by the timeout', async () => {
    const s = await start();
    const south = s.world.emulator.info('south');
    const authorization = `Basic ${Buffer.from(`${south.apiKey}:${south.apiSecret}`).toString('base64')}`;
    s.proxy.setRule((r) => {
      if (!isAlter(r)) return 'pass';
      // The cluster gets the request and applies it; its answer never comes back.
      void fetch(`${south.restEndpoint}${r.path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: r.body }).catch(
        () => undefined,
      );
      return { hang: true };
    });
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s', 'request-timeout': '2s' }));
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(run.outputs['succeeded-topics']).toBe('orders');
    const result = JSON.parse(run.outputs.result) as { topics: Array<{ outcome: string; after: string; note?: string }> };
    expect(result.topics[0]).toMatchObject({ outcome: 'changed', after: 'STOPPED', note: expect.stringContaining('no answer') });
    expect(s.world.emulator.mirrorState('south', s.world.link, 'orders')?.status).toBe('STOPPED');
    expectClean(run, s.secrets);
  });

  it('a timed-out request the cluster did not apply fails its topic with the state read back', async () => {
    const s = await start();
    s.proxy.setRule((r) => (isAlter(r) ? { hang: true } : 'pass'));
    const { run, ms } = await timed(s.inputs({ operation: 'failover', timeout: '5s', 'request-timeout': '2s' }));
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    const result = JSON.parse(run.outputs.result) as { topics: Array<{ outcome: string; after: string; error?: string }> };
    expect(result.topics[0]).toMatchObject({ outcome: 'failed', after: 'ACTIVE', error: expect.stringContaining('no answer') });
    expect(s.world.emulator.mirrorState('south', s.world.link, 'orders')?.status).toBe('ACTIVE');
    expectClean(run, s.secrets);
  });
});
