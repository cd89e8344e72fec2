import { describe, expect, it } from '@jest/globals';
import { ActionError, InputError } from '../../src/core/errors.js';
import { ConfluentApiError } from '../../src/actions/ccloud-mirror/confluent/errors.js';
import { text } from '../../src/core/markdown.js';
import type { MirrorResult, TopicResult } from '../../src/actions/ccloud-mirror/result.js';
import { failureOf, failureSummaryOf, outputsOf, resultLine, summaryOf } from '../../src/actions/ccloud-mirror/report.js';
import { writeResultFile } from '../../src/actions/ccloud-mirror/main.js';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function topic(name: string, outcome: TopicResult['outcome'], more: Partial<TopicResult> = {}): TopicResult {
  return { topic: name, before: 'ACTIVE', after: 'STOPPED', maxLag: 0, totalLag: 0, outcome, ...more };
}

function result(topics: TopicResult[], more: Partial<MirrorResult> = {}): MirrorResult {
  const failed = topics.filter((t) => t.outcome === 'failed').map((t) => t.topic);
  return {
    operation: 'failover',
    clusterId: 'lkc-dr',
    link: 'dr-link',
    dryRun: false,
    target: 'STOPPED',
    topics,
    succeeded: topics.filter((t) => t.outcome !== 'failed').map((t) => t.topic),
    failed,
    lagBasis: 'cut',
    maxLag: 7,
    totalLag: 12,
    requests: 5,
    alterRequests: 1,
    polls: 2,
    timedOut: false,
    durationMs: 1234,
    sleptMs: 750,
    notes: [],
    ...more,
  };
}

describe('ccloud-mirror report', () => {
  it('derives every output from the result', () => {
    const r = result([topic('a', 'changed', { maxLag: 7, totalLag: 12 }), topic('b', 'failed', { error: 'boom', after: 'ACTIVE' }), topic('c', 'already')]);
    const file = { path: '/runner/temp/ccloud-mirror-result-1.json', bytes: Buffer.byteLength(JSON.stringify(r)) };
    const out = outputsOf(r, file);
    expect(outputsOf(r)).toEqual({ ...out, 'result-file': '' });
    expect(out).toEqual({
      result: JSON.stringify(r),
      'succeeded-topics': 'a,c',
      'failed-topics': 'b',
      'max-lag': '7',
      'total-lag': '12',
      'messages-truncated': '',
      'result-file': '/runner/temp/ccloud-mirror-result-1.json',
      'rpo-basis': '',
      'truncated-outputs': '',
    });
  });

  it("keeps every output under GitHub's 1 MB: 8,000 topics keep the totals and the failed ones, the file keeps all", () => {
    const topics = Array.from({ length: 8000 }, (_, i) =>
      topic(`orders-region-${String(i).padStart(5, '0')}-with-a-long-descriptive-name`, i % 1000 === 0 ? 'failed' : 'changed', {
        maxLag: 3,
        totalLag: 9,
        error: i % 1000 === 0 ? 'boom' : undefined,
      }),
    );
    const r = result(topics);
    expect(Buffer.byteLength(JSON.stringify(r))).toBeGreaterThan(1_000_000);
    const out = outputsOf(r, { path: '/runner/temp/full.json', bytes: Buffer.byteLength(JSON.stringify(r)) });
    for (const [name, value] of Object.entries(out)) expect({ name, under: Buffer.byteLength(value) < 1_000_000 }).toEqual({ name, under: true });
    const compact = JSON.parse(out.result) as {
      truncated: boolean;
      topicCount: number;
      topics: Array<{ topic: string }>;
      totalLag: number;
      resultFile: string;
      failed: string[];
    };
    expect(compact).toMatchObject({ truncated: true, topicCount: 8000, totalLag: 12, resultFile: '/runner/temp/full.json' });
    expect(compact.topics.map((t) => t.topic)).toEqual(r.failed);
    expect(out['failed-topics'].split(',')).toEqual(r.failed);
    expect(out['truncated-outputs']).toBe('result');
    // A tiny limit shortens the lists too, keeping whole names only.
    const small = outputsOf(r, { path: '/f.json', bytes: Buffer.byteLength(JSON.stringify(r)) }, 2000);
    // Without a file, the size is measured on the JSON itself: the same outputs.
    expect(outputsOf(r, undefined, 2000)).toEqual({ ...small, 'result-file': '', result: expect.any(String) as unknown as string });
    expect(small['truncated-outputs']).toBe('result,succeeded-topics');
    expect(small['succeeded-topics'].split(',').every((n) => r.succeeded.includes(n))).toBe(true);
    expect(Buffer.byteLength(small['succeeded-topics'])).toBeLessThanOrEqual(2000);
  });

  it('writes the result file topic by topic, byte for byte the JSON of the whole result, owner-only', () => {
    const temp = mkdtempSync(join(tmpdir(), 'result-file-'));
    const saved = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = temp;
    try {
      // 3,000 topics (several 64 KB writes), text with multi-byte characters and a note that quotes JSON.
      const topics = Array.from({ length: 3000 }, (_, i) => topic(`orders-${i}`, i % 7 ? 'changed' : 'failed', { error: i % 7 ? undefined : 'déjà "vu" 🚨' }));
      const r = result(topics, { notes: ['{"topics":[]} is not where they go'] });
      const file = writeResultFile(r)!;
      const text = readFileSync(file.path, 'utf8');
      expect(text).toBe(JSON.stringify(r));
      expect(file.bytes).toBe(Buffer.byteLength(text));
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
    } finally {
      process.env.RUNNER_TEMP = saved;
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('writes one table with state before, after, lag and error, failures first, and the totals', () => {
    const md = summaryOf(
      result([topic('a', 'changed', { maxLag: 7, totalLag: 12 }), topic('b|x', 'failed', { error: 'error_code 400: no', after: 'ACTIVE' })]),
    );
    expect(md).toContain('### ccloud-mirror: `failover` on link `dr-link` (cluster lkc-dr)');
    expect(md).toContain(
      '❌ 1 of 2 topic(s) STOPPED (1 changed, 0 already STOPPED), **1 failed**. Max lag **7**, total lag **12** record(s) not yet mirrored at the cut.',
    );
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    expect(rows[0]).toBe('| Topic | Before | After | Max lag | Total lag | Result | Error or note |');
    // The error is the server's text: escaped as text (it renders as `error_code 400: no`).
    expect(rows[2]).toBe(`| \`b\\|x\` | ACTIVE | ACTIVE | 0 | 0 | **failed** | ${text('error_code 400: no')} |`);
    expect(rows[3]).toBe('| `a` | ACTIVE | STOPPED | 7 | 12 | done | – |');
    expect(rows[4]).toBe('| **Total** (2) | – | – | **7** | **12** | 1 ok, 1 failed | – |');
  });

  it('shows server text (statuses, errors, notes) as text: no HTML, link, image or table break gets through', () => {
    const hostile = 'x</table><h1>big</h1> ![i](https://e.x/i.png) [l](https://e.x) | cell';
    const md = summaryOf(
      result([
        topic('a', 'failed', { before: hostile, after: 'PENDING_STOPPED', error: hostile }),
        topic('b', 'changed', { note: `the server answered "${hostile}", but the topic is STOPPED` }),
      ]),
    );
    for (const raw of ['</table>', '<h1>', '![', '](', ' | cell']) expect(md).not.toContain(raw);
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    expect(rows[2]).toBe(`| \`a\` | ${text(hostile)} | PENDING_STOPPED | 0 | 0 | **failed** | ${text(hostile)} |`);
    // Seven cells on every row: an escaped pipe never splits one.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(9);
  });

  it('says a dry run changed nothing and what would change', () => {
    const md = summaryOf(result([topic('a', 'would-change', { after: 'ACTIVE' }), topic('b', 'already', { before: 'STOPPED' })], { dryRun: true }));
    expect(md).toContain('**Dry run** (`validate_only=true`): nothing was changed. 1 topic(s) would become STOPPED, 1 already are, 0 would fail.');
    expect(md).toContain('| `a` | ACTIVE | ACTIVE → STOPPED (dry run) |');
  });

  it('a dry run says only a failover leaves the lag behind: a reverse syncs it before the topics stop', () => {
    const failover = summaryOf(result([topic('a', 'would-change')], { dryRun: true, totalLag: 20, maxLag: 20 }));
    expect(failover).toContain('total lag **20** record(s) would be left behind by the cut.');
    const reverse = summaryOf(result([topic('a', 'would-change')], { dryRun: true, totalLag: 20, maxLag: 20, operation: 'reverse-and-start-mirror' }));
    expect(reverse).toContain(
      'total lag **20** record(s) not yet mirrored: reverse-and-start-mirror would sync them before the topics stop, so none would be lost.',
    );
    expect(reverse).not.toContain('left behind');
  });

  it('fails with every failed topic and its reason, and how to complete it', () => {
    const err = failureOf(
      result([topic('a', 'failed', { error: 'r1' }), topic('b', 'changed'), topic('c', 'failed', { error: 'r2' })], { operation: 'promote' }),
    );
    expect(err?.describe()).toBe(
      "2 of 3 topic(s) on cluster lkc-dr, link dr-link failed to promote. 1 other topic(s) succeeded. Fix the cause and re-run the step: topics already STOPPED count as done. If the source cluster is unreachable, use 'operation: failover' instead (promote needs the source for a final sync).\n- a: r1\n- c: r2",
    );
    expect(failureOf(result([topic('a', 'changed')]))).toBeUndefined();
  });

  it('logs one line of totals', () => {
    expect(resultLine(result([topic('a', 'changed'), topic('b', 'failed')]))).toBe(
      'failover: 1 topic(s) ok, 1 failed; max-lag 7, total-lag 12; 5 request(s) in 1.2s (750ms of it waiting: between polls and before retries)',
    );
  });
});

describe('ccloud-mirror failure summary', () => {
  const inputs = { operation: 'failover' as const, linkName: 'dr-link', clusterId: 'lkc-dr' };
  const none = { changeRequests: 0 };

  it('when topics failed: which and why, where, what to do, and where the table shows their state', () => {
    const r = result([topic('a', 'failed', { error: 'r1' }), topic('b', 'changed')], { timedOut: true });
    expect(failureSummaryOf(failureOf(r), { inputs, progress: { changeRequests: 1 } })).toBe(
      [
        '### ❌ ccloud-mirror failed',
        '',
        '**What failed:** 1 of 2 topic\\(s\\) failed to failover:',
        '- a: r1',
        '',
        '**Where:** cluster lkc-dr, link dr-link',
        '',
        "**What to do:** Fix the cause and re-run the step: topics already STOPPED count as done. Some topics did not reach the target in time: raise 'timeout' if they were still moving",
        '',
        '**In place now:**',
        '',
        '- 1 of 2 topic(s) succeeded and 1 failed; the After column of the table above is the state each topic is in now.',
        '',
      ].join('\n'),
    );
  });

  it('lists at most 20 failed topics, the table has them all', () => {
    const many = result(Array.from({ length: 25 }, (_, i) => topic(`t${i}`, 'failed', { error: 'x' })));
    const text = failureSummaryOf(failureOf(many), { inputs, progress: none });
    expect(text).toContain('- t19: x\n- and 5 more \\(see the table above\\)');
    expect(text).not.toContain('- t20: x');
  });

  it('a run that threw before changing anything: what failed, where, what to do', () => {
    const err = new ActionError('refusing to failover: 1 partition(s) of 1 topic(s) lag more than max-lag 1', {
      where: 'cluster lkc-dr, link dr-link',
      fix: 'Nothing was changed. Stop the producers',
    });
    const text = failureSummaryOf(err, { inputs, progress: none });
    expect(text).toContain('**What failed:** refusing to failover: 1 partition\\(s\\) of 1 topic\\(s\\) lag more than max-lag 1\n');
    expect(text).toContain('**Where:** cluster lkc-dr, link dr-link\n');
    expect(text).toContain('**What to do:** Nothing was changed. Stop the producers\n');
    expect(text).toContain('- Topics unchanged: `failover` stopped before it sent any request that changes a topic.');
  });

  it('an input error: the input, and that nothing was sent', () => {
    const text = failureSummaryOf(new InputError('max-lag', "has the value 'lots', which is not a whole number", 'a whole number'), { progress: none });
    expect(text).toContain("**Where:** input 'max-lag'");
    expect(text).toContain('- Topics unchanged: the inputs are checked before any request is sent.');
  });

  it('knows a refused change request changed nothing, and says when the outcome is unknown', () => {
    const refused = new ConfluentApiError('API key revoked', 'unauthenticated', 401, 40101, 'x', { where: 'cluster lkc-dr, link dr-link' });
    expect(failureSummaryOf(refused, { inputs, progress: { changeRequests: 1 } })).toContain(
      '- Topics unchanged: the cluster refused (HTTP 401) the request that would have changed them.',
    );
    const unanswered = new ConfluentApiError('could not failover 2 mirror topic(s): no answer', 'unreachable', undefined, undefined, 'timed out', {
      where: 'cluster lkc-dr, link dr-link',
    });
    const text = failureSummaryOf(unanswered, { inputs, progress: { changeRequests: 1 } });
    expect(text).toContain('- Topics unknown: a request that changes topics was sent, but whether the cluster applied it is not known.');
    expect(text).toContain('`operation: status`');
    expect(text).toContain('**What to do:** fix the cause and re-run the step: the operation is idempotent');
  });
});
