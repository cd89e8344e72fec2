/**
 * Markdown for job summaries. Pure: they return text; `run` writes it.
 *
 * Text from outside (server messages, topic and object names, file contents, inputs) is never trusted as Markdown:
 * the job summary renders Markdown and HTML, so `</table><h1>`, a link or an image in a server's error would
 * otherwise change the report. Build summaries with `md` (interpolations are escaped), `code` (a code span that
 * holds anything) and `table` (cells escaped unless built with `md`/`code`); `html` is for HTML contexts such as
 * `<summary>`, where Markdown escapes do not apply.
 */

/** Markdown built here, trusted as is; everything else is escaped when it meets Markdown. */
export class Md {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** HTML-escapes text for an HTML context (`<summary>…</summary>`, attribute values). */
export function html(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r?\n|\r/g, ' ');
}

/** Plain text as inert inline Markdown: HTML is shown as text, Markdown punctuation is escaped, lines are joined. */
export function text(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()#!|~{}]/g, (c) => `\\${c}`)
    .replace(/\r?\n|\r/g, ' ');
}

/** A code span holding any text: the fence is one backtick longer than any run inside, newlines become spaces. */
export function code(value: unknown): Md {
  const content = String(value ?? '').replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || content === '' ? ' ' : '';
  return new Md(`${fence}${pad}${content}${pad}${fence}`);
}

/** A template whose interpolations are escaped with `text`, except those that are already `Md`. */
export function md(strings: TemplateStringsArray, ...values: unknown[]): Md {
  let out = strings[0];
  values.forEach((v, i) => {
    out += (v instanceof Md ? v.value : text(v)) + strings[i + 1];
  });
  return new Md(out);
}

/** One table cell: `Md` as built (pipes and newlines made safe), anything else escaped as text; empty is `–`. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '–';
  if (value instanceof Md) return value.value.replace(/(?<!\\)\|/g, '\\|').replace(/\r?\n|\r/g, '<br>');
  return text(value);
}

/** A GitHub-flavoured Markdown table. */
export function table(headers: string[], rows: unknown[][]): string {
  const lines = [`| ${headers.map(cell).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}
