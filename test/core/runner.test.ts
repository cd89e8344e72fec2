import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as runner from '../../src/core/runner.js';
import { parseCommandFile } from '../helpers/run-action.js';

// runner.ts replaces @actions/core on the start-up path; it must encode exactly what the runner reads.
describe('runner protocol', () => {
  let dir: string;
  let written: string[];
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    for (const name of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
      process.env[name] = join(dir, name);
      writeFileSync(process.env[name]!, '');
    }
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = 0;
  });

  it('reads INPUT_ variables with dashes kept, spaces as underscores, trimmed', () => {
    process.env['INPUT_REST-ENDPOINT'] = '  https://x  ';
    process.env.INPUT_MY_INPUT = 'v';
    expect(runner.getInput('rest-endpoint')).toBe('https://x');
    expect(runner.getInput('my input')).toBe('v');
    expect(runner.getInput('missing')).toBe('');
  });

  it('escapes workflow command data like @actions/core, and masks a multi-line secret whole and line by line', () => {
    runner.maskSecret('a%b\r\nc');
    runner.setFailed('bad\nthing');
    expect(written).toEqual(['::add-mask::a%25b%0D%0Ac\n', '::add-mask::a%25b\n', '::add-mask::c\n', '::error::bad%0Athing\n']);
    expect(process.exitCode).toBe(1);
  });

  it('masks nothing for an empty or blank value (a blank mask would redact every line)', () => {
    runner.maskSecret('');
    runner.maskSecret('  \n ');
    expect(written).toEqual([]);
  });

  it('writes text from outside as inert lines: none starts with :: and no legacy ##[ command survives', () => {
    runner.info('mirror_status: ACTIVE\n::add-mask::west\r\n  ::set-output name=x::1\nok ##[error]boom');
    const lines = written.join('').split(/\r?\n/);
    expect(lines.some((l) => l.trimStart().startsWith('::'))).toBe(false);
    expect(written.join('')).not.toContain('##[');
    expect(lines).toEqual(['mirror_status: ACTIVE', '%3A:add-mask::west', '  %3A:set-output name=x::1', 'ok #%23[error]boom', '']);
  });

  it('escapes a legacy ##[ command inside warnings and errors, but keeps a mask exactly as the secret is', () => {
    runner.warning('server said ##[add-mask]x');
    runner.setFailed('bad ##[set-output name=a]1');
    runner.maskSecret('pa##[ss');
    expect(written).toEqual(['::warning::server said #%23[add-mask]x\n', '::error::bad #%23[set-output name=a]1\n', '::add-mask::pa##[ss\n']);
  });

  it('writes outputs, env and state as heredocs with a random delimiter the runner parses back', () => {
    runner.setOutput('result', { topics: ['a', 'b'] });
    runner.setOutput('multi', 'line1\nline2');
    runner.exportVariable('KUBECONFIG', '/tmp/k');
    runner.saveState('path', '/tmp/k');
    const output = readFileSync(process.env.GITHUB_OUTPUT!, 'utf8');
    expect(output).toMatch(/^result<<ghadelimiter_[0-9a-f-]{36}\n/);
    expect(parseCommandFile(output)).toEqual({ result: '{"topics":["a","b"]}', multi: 'line1\nline2' });
    expect(parseCommandFile(readFileSync(process.env.GITHUB_ENV!, 'utf8'))).toEqual({ KUBECONFIG: '/tmp/k' });
    expect(process.env.KUBECONFIG).toBe('/tmp/k');
    expect(parseCommandFile(readFileSync(process.env.GITHUB_STATE!, 'utf8'))).toEqual({ path: '/tmp/k' });
  });

  it('reads state for the post step and appends the summary', () => {
    process.env.STATE_path = '/tmp/k';
    expect(runner.getState('path')).toBe('/tmp/k');
    runner.appendSummary('| a |');
    runner.appendSummary('| b |\n');
    // Each summary is a Markdown block of its own: two tables stay two tables.
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe('| a |\n\n| b |\n\n');
  });

  it('with CCLOUD_DR_SUMMARY=collapsed a summary folds under its first heading, except one written not collapsible', async () => {
    const { marked } = await import('marked');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY!, '');
    process.env.CCLOUD_DR_SUMMARY = 'collapsed';
    try {
      runner.appendSummary('### swap-configmap: `a<b` \\(dry run\\)\n\n| x |\n| --- |\n| 1 |\n');
      runner.appendSummary('## ✅ verdict\n\ntext\n', { collapsible: false });
    } finally {
      delete process.env.CCLOUD_DR_SUMMARY;
    }
    const written = readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(written).toBe('<details><summary>swap-configmap: a&lt;b (dry run)</summary>\n\n| x |\n| --- |\n| 1 |\n\n</details>\n\n## ✅ verdict\n\ntext\n\n');
    const tokens = marked.lexer(written);
    expect(tokens.filter((t) => t.type === 'heading').map((t) => (t as { text: string }).text)).toEqual(['✅ verdict']);
    expect(tokens.some((t) => t.type === 'table')).toBe(true);
  });

  it("a summary that ends in </details> cannot swallow the next step's heading", async () => {
    const { marked } = await import('marked');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY!, '');
    runner.appendSummary('<details><summary>x</summary>\n\n| a |\n| --- |\n| 1 |\n\n</details>');
    runner.appendSummary('### next step\n');
    const tokens = marked.lexer(readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8'));
    expect(tokens.filter((t) => t.type === 'heading').map((t) => (t as { text: string }).text)).toEqual(['next step']);
  });

  it('refuses a value containing its own delimiter rather than writing a broken file', () => {
    const delimiter = 'ghadelimiter_0000';
    expect(runner.keyValueMessage('x', 'y', delimiter)).toBe(`x<<${delimiter}\ny\n${delimiter}\n`);
    expect(() => runner.keyValueMessage('x', `a\n${delimiter}\nb`, delimiter)).toThrow(`contains the delimiter ${delimiter}`);
    expect(() => runner.keyValueMessage(`x${delimiter}`, 'y', delimiter)).toThrow('contains the delimiter');
    const file = process.env.GITHUB_OUTPUT!;
    process.env.GITHUB_OUTPUT = join(dir, 'missing');
    expect(() => runner.setOutput('x', 'y')).toThrow('Missing file at path');
    process.env.GITHUB_OUTPUT = file;
  });
});
