import { describe, expect, it } from '@jest/globals';
import type { MirrorResult, TopicResult } from '../../src/actions/ccloud-mirror/result.js';
import { failureOf, outputsOf, summaryOf } from '../../src/actions/ccloud-mirror/report.js';

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
    ...more,
  };
}

describe('ccloud-mirror report', () => {
  it('derives every output from the result', () => {
    const r = result([topic('a', 'changed', { maxLag: 7, totalLag: 12 }), topic('b', 'failed', { error: 'boom', after: 'ACTIVE' }), topic('c', 'already')]);
    const out = outputsOf(r);
    expect(out).toEqual({ result: r, 'succeeded-topics': 'a,c', 'failed-topics': 'b', 'max-lag': '7', 'total-lag': '12', 'messages-truncated': '' });
  });

  it('writes one table with state before, after, lag and error, failures first, and the totals', () => {
    const md = summaryOf(
      result([topic('a', 'changed', { maxLag: 7, totalLag: 12 }), topic('b|x', 'failed', { error: 'error_code 400: no', after: 'ACTIVE' })]),
    );
    expect(md).toContain('### ccloud-mirror: `failover` on link `dr-link` (cluster lkc-dr)');
    expect(md).toContain(
      '❌ 1 of 2 topic(s) STOPPED (1 changed, 0 already STOPPED), **1 failed**. Max lag **7**, total lag **12** record(s) not yet mirrored at the cut (the RPO estimate).',
    );
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    expect(rows[0]).toBe('| Topic | Before | After | Max lag | Total lag | Result | Error or note |');
    expect(rows[2]).toBe('| `b\\|x` | ACTIVE | ACTIVE | 0 | 0 | **failed** | error_code 400: no |');
    expect(rows[3]).toBe('| `a` | ACTIVE | STOPPED | 7 | 12 | done | – |');
    expect(rows[4]).toBe('| **Total** (2) | – | – | **7** | **12** | 1 ok, 1 failed | – |');
  });

  it('says a dry run changed nothing and what would change', () => {
    const md = summaryOf(result([topic('a', 'would-change', { after: 'ACTIVE' }), topic('b', 'already', { before: 'STOPPED' })], { dryRun: true }));
    expect(md).toContain('**Dry run** (`validate_only=true`): nothing was changed. 1 topic(s) would become STOPPED, 1 already are, 0 would fail.');
    expect(md).toContain('| `a` | ACTIVE | ACTIVE → STOPPED (dry run) |');
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
});
