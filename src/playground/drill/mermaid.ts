/**
 * The timeline as a Mermaid gantt chart, which GitHub renders in Markdown (job summaries included). Times use
 * `dateFormat x` (epoch milliseconds), so sub-second steps keep their real positions. Pure.
 */
import { ganttLabel } from '../../core/mermaid.js';
import type { Timeline, Tone } from './timeline.js';

const TAGS: Record<Tone, string> = {
  success: 'done, ',
  failure: 'crit, ',
  cancelled: 'crit, ',
  skipped: '',
  north: '',
  west: 'active, ',
  none: 'crit, ',
};

/** The Markdown block: a fenced `mermaid` gantt with the marks as milestones, a section per workflow run, and the clients. */
export function mermaidGantt(timeline: Timeline, title: string): string {
  const lines = ['```mermaid', 'gantt', `    title ${ganttLabel(title)}`, '    dateFormat x', '    axisFormat %H:%M:%S', '    todayMarker off'];
  let id = 0;
  if (timeline.marks.length) {
    lines.push('    section Drill');
    for (const mark of timeline.marks) lines.push(`    ${ganttLabel(mark.label)} :milestone, m${id++}, ${Math.round(mark.at)}, ${Math.round(mark.at)}`);
  }
  let group: string | undefined;
  for (const bar of timeline.bars) {
    if (bar.group !== group) {
      group = bar.group;
      lines.push(`    section ${ganttLabel(group)}`);
    }
    const start = Math.round(bar.start);
    const end = Math.max(start + 1, Math.round(bar.end));
    lines.push(`    ${ganttLabel(bar.label)} :${TAGS[bar.tone]}b${id++}, ${start}, ${end}`);
  }
  lines.push('```');
  return lines.join('\n');
}
