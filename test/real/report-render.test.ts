import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { runFaultDrill } from '../../src/playground/drill/index.js';
import { TEST_TIMING } from '../drill/helpers.js';
import { repoRoot } from '../helpers/run-action.js';

/**
 * The job summary of a switch that failed after the mirrors moved, as GitHub shows it (every job's summary, one after
 * the other), rendered by a real Markdown renderer (marked) and Mermaid in Debian's Chromium, headless. What a
 * reader sees must hold: every heading is a heading (none swallowed by an HTML block), the verdict is the first
 * one, the timeline is a drawn gantt chart and not a syntax error, and the page shows no temporary path or
 * emulator address. A screenshot is kept in .drill/report-render.png for a person to look at.
 */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function chromium(args: string[]): string {
  return execFileSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--virtual-time-budget=15000', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('the DR report rendered as GitHub renders job summaries', () => {
  it('a crash loop after the mirrors moved: headings intact, verdict first, the gantt drawn, no temporary path', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM to a Chromium binary`);
    const drill = await runFaultDrill('crash-loop', { workspace: repoRoot, timing: TEST_TIMING });
    expect(drill.passed).toBe(true);
    const failed = drill.phases[0].workflow;
    const markdown = failed.summary;
    // Every job's summary in job order, as GitHub shows them: the actions' ones folded to one line each, the report open.
    const verdict = '## ❌ Switch to west incomplete: the mirrors moved, client group\\(s\\) proxy not verified';
    expect(markdown).toContain(verdict);

    const headings = markdown.split('\n').filter((l, i, all) => /^#{1,6} /.test(l) && !inFence(all, i)).length;
    const body = marked
      .parse(markdown, { async: false })
      .replace(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g, (_, chart: string) => `<pre class="mermaid">${chart}</pre>`);
    const dir = mkdtempSync(join(tmpdir(), 'report-render-'));
    try {
      const page = join(dir, 'report.html');
      const mermaidJs = join(repoRoot, 'node_modules/mermaid/dist/mermaid.min.js');
      writeFileSync(
        page,
        `<!doctype html><html><head><meta charset="utf-8"><title>DR report</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:16px} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:2px 6px}</style></head>
<body>${body}
<script src="file://${mermaidJs}"></script>
<script>mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
mermaid.run({ querySelector: 'pre.mermaid' }).then(() => document.body.setAttribute('data-rendered', 'yes'), (e) => document.body.setAttribute('data-rendered', 'error: ' + e));</script>
</body></html>`,
      );
      const dom = chromium(['--dump-dom', `file://${page}`]);
      expect(dom).toContain('data-rendered="yes"');
      // Every Markdown heading is an HTML heading, in order: no </details> or table swallowed one.
      expect((dom.match(/<h[1-6][ >]/g) ?? []).length).toBe(headings);
      // The verdict is the report's first heading and the first thing after the report job's start.
      const h2 = [...dom.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
      expect(h2).toContain('❌ Switch to west incomplete: the mirrors moved, client group(s) proxy not verified');
      // The timeline is a drawn gantt chart (an SVG with its task labels), not Mermaid's syntax-error picture.
      expect(dom).toMatch(/<svg[^>]*aria-roledescription="gantt"/);
      for (const label of ['plan and checks', 'check proxy', 'reverse-and-start-mirror'])
        expect(dom).toMatch(new RegExp(`class="taskText[^"]*"[^>]*>${label}\\s*</text>`));
      expect(dom).not.toContain('Syntax error');
      // Nothing of the machine the switch ran on anywhere: no temporary folder. The report itself names no server
      // address either (the actions' own details do name the Kubernetes API they reached).
      const text = dom.replace(/<script[\s\S]*?<\/script>/g, '');
      expect(text).not.toMatch(/\/tmp\//);
      const report = text.slice(text.indexOf('❌ Switch to west incomplete')).replace(/<svg[\s\S]*?<\/svg>/g, '');
      expect(report.length).toBeGreaterThan(500);
      expect(report).not.toMatch(/127\.0\.0\.1|localhost|https?:\/\/(?!github\.com)/);
      const out = join(repoRoot, '.drill');
      mkdirSync(out, { recursive: true });
      chromium([`--screenshot=${join(out, 'report-render.png')}`, '--window-size=1000,1800', `file://${page}`]);
      expect(existsSync(join(out, 'report-render.png'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Whether line `i` is inside a fenced code block. */
function inFence(lines: string[], i: number): boolean {
  let open = false;
  for (let j = 0; j < i; j++) if (/^```/.test(lines[j])) open = !open;
  return open;
}
