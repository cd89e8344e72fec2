import { describe, expect, it } from '@jest/globals';
import { marked } from 'marked';
import { reportOf, verdictLine } from '../../src/actions/dr-report/report.js';
import { switchState, type GroupResult, type Needs } from '../../src/actions/dr-report/state.js';

/** The DR report decided from the jobs' results: stage, RPO, where things stand, next step, valid Markdown. */
const plan = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    topology: '.github/ccloud-dr.yml',
    target: 'west',
    from: 'north',
    pattern: 'active-passive',
    dryRun: false,
    mirror: { topics: ['orders'] },
    groups: [{ name: 'proxy' }, { name: 'noproxy' }],
    ...over,
  });
const needs = (over: Partial<Needs> = {}, operation = 'reverse-and-start-mirror'): Needs => ({
  plan: { result: 'success', outputs: { plan: plan(), operation, 'started-at': '2026-12-01T10:00:00.000Z' } },
  'check-mirror': { result: 'success', outputs: {} },
  preflight: { result: 'success', outputs: {} },
  mirror: {
    result: 'success',
    outputs: {
      'total-lag': '12',
      'succeeded-topics': 'orders',
      'failed-topics': '',
      'started-at': '2026-12-01T10:00:01.000Z',
      'finished-at': '2026-12-01T10:00:02.000Z',
    },
  },
  clients: { result: 'success', outputs: {} },
  ...over,
});
const moved = (group: string, ok = true): GroupResult => ({
  group,
  phase: 'move',
  startedAt: '2026-12-01T10:00:02.100Z',
  finishedAt: '2026-12-01T10:00:04.000Z',
  steps: { kube: 'success', swap: 'success', verify: ok ? 'success' : 'failure' },
  objects: [{ kind: 'ConfigMap', namespace: 'clients', name: `${group}-config`, state: 'written', target: 'west', previousTarget: 'north' }],
  workloads: [
    {
      namespace: 'clients',
      kind: 'Deployment',
      name: `${group}-producer`,
      result: ok ? 'rolled' : 'failed',
      reason: ok ? 'rolled out' : 'CrashLoopBackOff <script>',
    },
  ],
});

describe('dr-report', () => {
  it('RPO is 0 for a lossless reverse, exact for a failover with the source up, a lower bound with it down', () => {
    expect(switchState(needs(), [moved('proxy'), moved('noproxy')], true).rpo).toMatchObject({ records: 0, exact: true });
    expect(switchState(needs({}, 'failover'), [moved('proxy'), moved('noproxy')], true).rpo).toMatchObject({ records: 12, exact: true });
    const down = switchState(needs({}, 'failover'), [moved('proxy'), moved('noproxy')], false);
    expect(down.rpo).toMatchObject({ records: 12, exact: false });
    const md = reportOf({
      needs: needs({}, 'failover'),
      groups: [moved('proxy'), moved('noproxy')],
      state: down,
      inputs: { target: 'west' },
      startedAt: 0,
      finishedAt: 5000,
    });
    expect(md).toContain('| RPO | at least 12 records \\(lower bound');
  });

  it('after the mirrors moved and a group failed: where things stand, and the re-run as the next step', () => {
    const state = switchState(needs({ clients: { result: 'failure', outputs: {} } }), [moved('proxy'), moved('noproxy', false)], true);
    expect(state.stage).toBe('clients-failed');
    expect(verdictLine(state)).toBe('Switch to west incomplete: the mirrors moved, client group(s) noproxy not verified');
    const md = reportOf({
      needs: needs(),
      groups: [moved('proxy'), moved('noproxy', false)],
      state,
      inputs: { target: 'west' },
      startedAt: Date.parse('2026-12-01T10:00:00Z'),
      finishedAt: Date.parse('2026-12-01T10:00:05Z'),
    });
    // The verdict is the first line; the standing and next step come before the timeline and the details.
    expect(md.split('\n')[0]).toBe('## ❌ Switch to west incomplete: the mirrors moved, client group\\(s\\) noproxy not verified');
    expect(md).toContain('- Mirror topics (orders): **writable on west**; on north they are now read-only mirrors of west.');
    expect(md).toContain(
      '- Client group `noproxy`: points at west; 0 of 1 workloads verified on the new configuration; not verified: `Deployment/noproxy-producer` (CrashLoopBackOff &lt;script&gt;).',
    );
    expect(md).toContain("**Next step:** Fix the cause named in the job 'Move client group noproxy'");
    expect(md).toContain('run the same workflow again with the same inputs');
    expect(md).toContain('to go back instead, run the switch with target `north`');
    expect(md).toContain('| Started / ended | 2026-12-01 10:00:00 UTC / 2026-12-01 10:00:05 UTC |');
    expect(md.indexOf('**Next step:**')).toBeLessThan(md.indexOf('```mermaid'));
    expect(md.indexOf('```mermaid')).toBeLessThan(md.indexOf('<details>'));
    // Outside text stays text: no raw HTML from a reason, and every details block is closed and followed by a blank line.
    expect(md).not.toContain('<script>');
    expect(md.match(/<\/details>\n\n/g)?.length).toBe(2);
    // A real Markdown parser sees one h2, the lists, the tables and the mermaid fence, and no heading swallowed by HTML.
    const tokens = marked.lexer(`${md}\n## next section`);
    expect(tokens.filter((t) => t.type === 'heading').map((t) => (t as { text: string }).text)).toEqual([
      expect.stringContaining('incomplete'),
      'next section',
    ]);
    expect(tokens.some((t) => t.type === 'code' && (t as { lang?: string }).lang === 'mermaid')).toBe(true);
  });

  it('a refusal says nothing changed, names the failed checks, and never blames the mirrors', () => {
    const checks: GroupResult = {
      group: 'noproxy',
      phase: 'check',
      steps: { credentials: 'success', 'dry-run': 'failure', checks: 'skipped' },
      objects: [],
      workloads: [],
    };
    const state = switchState(
      needs({ preflight: { result: 'failure' }, 'check-mirror': { result: 'failure' }, mirror: { result: 'skipped' }, clients: { result: 'skipped' } }),
      [checks],
      true,
    );
    expect(state.stage).toBe('refused-checks');
    expect(verdictLine(state)).toBe(
      'Switch to west refused before any change: the check of the mirror operation and the checks of client group(s) noproxy failed; nothing was changed',
    );
    const md = reportOf({ needs: needs(), groups: [checks], state, inputs: {}, finishedAt: 0 });
    expect(md).toContain('- Nothing was changed anywhere: the topics and every client group are as they were (clients on north).');
    expect(md).not.toContain('writable on west');
  });
});
