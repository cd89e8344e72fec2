import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Preload that records the process's own peak RSS (kB) when it exits. */
const rssPreload = `data:text/javascript,${encodeURIComponent('import{writeFileSync}from"node:fs";process.on("exit",()=>{if(process.env.BENCH_RSS_FILE)writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS))})')}`;

export interface ChildRun {
  ms: number;
  maxRssKb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` (Node on PATH: Node 24 inside npm scripts) and measures wall time and peak RSS. */
export async function runNode(args: string[], env: Record<string, string> = {}): Promise<ChildRun> {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'bench-rss-')), 'rss');
  writeFileSync(rssFile, '0');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', rssPreload, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ms = performance.now() - started;
  return { ms, maxRssKb: Number(readFileSync(rssFile, 'utf8')), code, stdout, stderr };
}

/** Median wall time of a bare `node -e 0` and of a bundle started with an input error (no network). */
export async function coldStart(bundle: string, env: Record<string, string>, runs = 7): Promise<{ bareMs: number; bundleMs: number; ratio: number }> {
  const bare: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await timeOnly(['-e', '0']));
    cold.push(await timeOnly([join(repoRoot, bundle)], env));
  }
  const bareMs = median(bare);
  const bundleMs = median(cold);
  return { bareMs, bundleMs, ratio: bundleMs / bareMs };
}

async function timeOnly(args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return performance.now() - started;
}

/** Total size in bytes of a dist/<name> directory (every chunk, not only index.js). */
export function bundleBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bundleBytes(path) : statSync(join(repoRoot, path)).size;
  }
  return total;
}

export const fmt = {
  ms: (n: number) => `${n.toFixed(0)} ms`,
  mb: (kb: number) => `${(kb / 1024).toFixed(1)} MB`,
  bytes: (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`,
  ratio: (n: number) => `${n.toFixed(2)}×`,
};

/** Prints a figure with its target and a PASS/MISS verdict, so the bench output reads as a report. */
export function figure(label: string, value: string, target?: string, pass?: boolean): void {
  const verdict = target === undefined ? '' : `  (target ${target}: ${pass ? 'met' : 'MISSED'})`;
  console.log(`  ${label.padEnd(48)} ${value}${verdict}`);
}
