/** Markdown helpers for job summaries. Pure: they return text; `run` writes it. */

/** Escapes text for a table cell: pipes and newlines would break the row. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '–';
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub-flavoured Markdown table. */
export function table(headers: string[], rows: unknown[][]): string {
  const lines = [`| ${headers.map(cell).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}
