import { describe, expect, it } from '@jest/globals';
import { cell, code, html, md, table, text } from '../../src/core/markdown.js';

// The job summary renders Markdown and HTML: text from servers and files must show as text, never as markup.
describe('summary Markdown', () => {
  const hostile = 'boom</table><h1>x</h1> [link](https://evil.example) ![img](https://evil.example/i.png) `tick` | pipe\n# heading';

  it('text() shows HTML and Markdown syntax as text', () => {
    const out = text(hostile);
    expect(out).not.toMatch(/<\/?(table|h1)>/);
    expect(out).not.toMatch(/(?<!\\)\[link\](?<!\\)\(/);
    expect(out).not.toContain('\n');
    expect(out).toBe(
      'boom&lt;/table&gt;&lt;h1&gt;x&lt;/h1&gt; \\[link\\]\\(https://evil.example\\) \\!\\[img\\]\\(https://evil.example/i.png\\) \\`tick\\` \\| pipe \\# heading',
    );
  });

  it('md`` escapes what it interpolates and keeps what was built as Markdown', () => {
    expect(md`**${'a*b'}** in ${code('x|y')}`.value).toBe('**a\\*b** in `x|y`');
  });

  it('code() holds backticks and newlines without ending early', () => {
    expect(code('a`b').value).toBe('``a`b``');
    expect(code('`x`').value).toBe('`` `x` ``');
    expect(code('l1\nl2').value).toBe('`l1 l2`');
  });

  it('html() escapes for <summary> and attributes', () => {
    expect(html('<b>"x" & \'y\'</b>')).toBe('&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;');
  });

  it('table cells keep one row per line and escape pipes, inside code spans too', () => {
    const out = table(
      ['A', 'B'],
      [
        [code('x|y'), md`${'line1\nline2'}`],
        ['', undefined],
      ],
    );
    expect(out.split('\n')).toEqual(['| A | B |', '| --- | --- |', '| `x\\|y` | line1 line2 |', '| – | – |']);
    expect(
      cell(md`a
b`),
    ).toBe('a<br>b');
  });
});
