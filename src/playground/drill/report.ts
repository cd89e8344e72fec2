/**
 * The drill report: a Markdown section per drill (verdict, measures, checks, the timeline as a Mermaid gantt,
 * then the DR reports the workflows wrote to their job summaries, verbatim), and a plain-text table for the
 * terminal. Pure.
 */
import { cell, table } from '../../core/markdown.js';
import { mermaidGantt } from './mermaid.js';
import { scenarioSlug } from './options.js';
import type { DrillResult } from './session.js';

const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);

/** How the measures are counted, printed under the measures table. */
export const MEASURES_NOTE = [
  'RTO: from the outage (unplanned) or the start of the switch (planned) until a record produced on the new cluster after that moment was consumed there.',
  'RPO: records the old cluster acknowledged that are not on the new cluster when the switch is evaluated (its end plus the settle time).',
  'Write gap: the longest time without any acknowledged record around the switch, as the users saw it.',
  'Duplicates: deliveries of a record a consumer had already seen. All counts come from the numbered records, not from estimates.',
].join(' ');

/** The Markdown of one drill (a `##` section). `svgFile`, when given, is linked as the timeline picture. */
export function drillMarkdown(result: DrillResult, svgFile?: string): string {
  const out: string[] = [];
  out.push(`## DR drill: ${result.title}`, '');
  if (result.kube) out.push(`Kubernetes: ${cell(result.kube)}.`, '');
  if (result.kafka) out.push(`Kafka: ${cell(result.kafka)}.`, '');
  const failed = result.checks.filter((c) => !c.ok);
  out.push(result.passed ? `✅ **Passed**: ${result.checks.length} checks.` : `❌ **Failed**: ${failed.length} of ${result.checks.length} checks failed.`, '');
  if (result.error) out.push(`> [!CAUTION]`, `> The drill stopped early: ${result.error}`, '');

  if (result.phases.length) {
    out.push('### Measures', '');
    const rows = result.phases.map((p) => {
      const m = p.measures;
      return [
        `${p.name}: ${p.from} → ${p.to}`,
        `\`${p.workflowFile}\` ${p.conclusion === 'success' ? '✅' : '❌'}`,
        s(m.rtoMs),
        String(m.rpo),
        p.expectedRpo ? `${p.expectedRpo.value} (${p.expectedRpo.source})` : p.sourceReachable ? '0 (source reachable)' : '—',
        s(m.producerGapMs),
        s(m.clientsMovedMs),
        String(m.duplicates),
        `${m.clients.producers + m.clients.consumers - m.clients.offTarget.length}/${m.clients.producers + m.clients.consumers}`,
      ];
    });
    out.push(
      table(['Switch', 'Workflow', 'RTO', 'RPO (records)', 'RPO expected', 'Write gap', 'All clients moved', 'Duplicates', `Clients on target`], rows),
      '',
    );
    if (result.final) {
      const f = result.final;
      out.push(
        `End of the drill: ${f.acked} records acknowledged, ${f.delivered} consumed, ${f.lost} lost, ${f.unconsumed} never consumed, ${f.duplicates} duplicate deliveries${f.resets ? `, ${f.resets} consumer offset resets` : ''}.`,
        '',
      );
    }
    out.push(`<sub>${MEASURES_NOTE} Times from t0: ${result.phases.map((p) => `${p.name} from the ${p.window.t0Label}`).join(', ')}.</sub>`, '');
  }

  out.push('### Checks', '');
  out.push(
    table(
      ['Check', 'Result', 'Detail'],
      result.checks.map((c) => [c.name, c.ok ? '✅' : '❌', c.detail]),
    ),
    '',
  );

  out.push('### Timeline', '');
  if (svgFile) out.push(`![Timeline of the drill](${svgFile})`, '');
  out.push(mermaidGantt(result.timeline, result.title), '');

  for (const phase of result.phases) {
    out.push(`### ${phase.name[0].toUpperCase()}${phase.name.slice(1)}: what \`${phase.workflowFile}\` wrote to its job summary`, '');
    if (phase.failure) out.push(`First failure: ${cell(phase.failure)}`, '');
    out.push(phase.workflow.summary.trim() || '_(no summary)_', '');
  }
  const t = result.timing;
  out.push(
    `<sub>Playground: replication ${t.replicationDelayMs} ms, mirror transitions ${t.transitionMs} ms, pod readiness ${t.podReadyDelayMs} ms, offset sync every ${t.offsetSyncMs} ms; ${t.users} users, one record each every ${t.userIntervalMs} ms; job timeouts scaled to 1 minute = ${t.minuteMs} ms.</sub>`,
    '',
  );
  return out.join('\n');
}

/** The whole report file: a summary table of every drill, then each drill's section. */
export function reportMarkdown(results: DrillResult[], svgFiles: Record<string, string> = {}): string {
  const out = ['# DR drill report', ''];
  if (results.length > 1) {
    out.push(
      table(
        ['Drill', 'Result', 'Failover RTO', 'Failover RPO', 'Failback RTO', 'Failback RPO'],
        results.map((r) => {
          const [over, back] = [r.phases.find((p) => p.name === 'failover'), r.phases.find((p) => p.name === 'failback')];
          return [
            r.title,
            r.passed ? '✅ passed' : '❌ failed',
            s(over?.measures.rtoMs),
            over ? String(over.measures.rpo) : '—',
            s(back?.measures.rtoMs),
            back ? String(back.measures.rpo) : '—',
          ];
        }),
      ),
      '',
    );
  }
  for (const r of results) out.push(drillMarkdown(r, svgFiles[scenarioSlug(r.scenario)]));
  return `${out.join('\n')}\n`;
}

/** Pads a plain-text table for the terminal. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The terminal summary of one drill: measures per switch, then the failed checks. */
export function drillText(result: DrillResult): string {
  const out = [`${result.passed ? 'PASSED' : 'FAILED'}  ${result.title}`];
  if (result.kube) out.push(`Kubernetes: ${result.kube}`);
  if (result.kafka) out.push(`Kafka: ${result.kafka}`);
  if (result.phases.length) {
    out.push(
      textTable(
        ['switch', 'workflow', 'result', 'RTO', 'RPO', 'expected', 'write gap', 'moved', 'dupes', 'on target'],
        result.phases.map((p) => {
          const m = p.measures;
          const total = m.clients.producers + m.clients.consumers;
          return [
            `${p.name} ${p.from}->${p.to}`,
            p.workflowFile,
            p.conclusion,
            s(m.rtoMs),
            String(m.rpo),
            p.expectedRpo ? String(p.expectedRpo.value) : p.sourceReachable ? '0' : '-',
            s(m.producerGapMs),
            s(m.clientsMovedMs),
            String(m.duplicates),
            `${total - m.clients.offTarget.length}/${total}`,
          ];
        }),
      ),
    );
  }
  if (result.final) {
    const f = result.final;
    out.push(`end: ${f.acked} acknowledged, ${f.delivered} consumed, ${f.lost} lost, ${f.unconsumed} never consumed, ${f.duplicates} duplicates`);
  }
  for (const c of result.checks.filter((x) => !x.ok)) out.push(`  FAILED CHECK ${c.name}: ${c.detail}`);
  return out.join('\n');
}
