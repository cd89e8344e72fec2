/** Mermaid gantt charts, which GitHub renders in Markdown (job summaries included). */

/** Words that start a gantt statement: a task named like that would be read as the statement. */
const KEYWORDS =
  /^(gantt|title|section|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|click|acctitle|accdescr|accdescription)\b/i;

/** Gantt task names end at the first `:`, and `#`/`;` start comments or separate statements; backticks end the fence. */
export function ganttLabel(text: string): string {
  const label =
    text
      .replace(/[:;#`]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || '-';
  return KEYWORDS.test(label) ? `- ${label}` : label;
}

/** One bar: `done`, `crit` (failed) or `active` (running), from epoch ms to epoch ms. */
export interface GanttBar {
  section: string;
  label: string;
  start: number;
  end: number;
  tag?: 'done' | 'crit' | 'active';
}

/** A fenced `mermaid` gantt over epoch milliseconds (`dateFormat x`), one section per distinct `section`, in order. */
export function gantt(title: string, bars: GanttBar[]): string {
  const lines = ['```mermaid', 'gantt', `    title ${ganttLabel(title)}`, '    dateFormat x', '    axisFormat %H:%M:%S', '    todayMarker off'];
  let section: string | undefined;
  bars.forEach((bar, i) => {
    if (bar.section !== section) {
      section = bar.section;
      lines.push(`    section ${ganttLabel(section)}`);
    }
    const end = Math.max(Math.round(bar.end), Math.round(bar.start) + 1);
    lines.push(`    ${ganttLabel(bar.label)} :${bar.tag ? `${bar.tag}, ` : ''}b${i}, ${Math.round(bar.start)}, ${end}`);
  });
  lines.push('```');
  return lines.join('\n');
}
