// npm run bench -- aks-context: cold start of the bundle (an input error) beside a bare `node -e 0`, and the time from
// start to kubeconfig written against the local Azure emulator (sdk-auth route; Entra ID route with the token exchange),
// each in a child process as the runner starts it.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureDrill, type AzureDrill } from '../../src/playground/azure/index.js';
import { bundleBytes, coldStart, figure, fmt, median, repoRoot, runNode } from './lib.js';

const BUNDLE = 'dist/aks-context/index.js';
const RUNS = 7;

interface Measured {
  wallMs: number;
  rssKb: number;
  armRequests: number;
  entraRequests: number;
}

async function written(drill: AzureDrill, cluster: string, admin: boolean): Promise<Measured> {
  const work = mkdtempSync(join(tmpdir(), 'bench-aks-context-'));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_ENV: join(work, 'env'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  drill.emulator.resetRequests();
  const run = await runNode([join(repoRoot, BUNDLE)], {
    ...files,
    ...drill.env,
    RUNNER_TEMP: work,
    INPUT_CREDS: drill.creds,
    'INPUT_RESOURCE-GROUP': drill.resourceGroup,
    'INPUT_CLUSTER-NAME': cluster,
    INPUT_ADMIN: String(admin),
  });
  const path = /kubeconfig-path<<(\S+)\n(.*)\n/.exec(readFileSync(files.GITHUB_OUTPUT, 'utf8'))?.[2];
  if (run.code !== 0 || !path || !existsSync(path))
    throw new Error(`aks-context exited ${run.code} without a kubeconfig:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  return { wallMs: run.ms, rssKb: run.maxRssKb, armRequests: drill.emulator.requests('arm').length, entraRequests: drill.emulator.requests('entra').length };
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(repoRoot, BUNDLE))) throw new Error(`${BUNDLE} is missing: run \`npm run build -- aks-context\` first`);
  const temp = mkdtempSync(join(tmpdir(), 'bench-aks-cold-'));
  const cold = await coldStart(BUNDLE, { RUNNER_TEMP: temp }, RUNS);
  console.log(`  cold start (input error, no network), median of ${RUNS}:`);
  figure('bare node -e 0', fmt.ms(cold.bareMs));
  figure('dist/aks-context (input error)', fmt.ms(cold.bundleMs));
  figure('ratio', fmt.ratio(cold.ratio), '≤ 4×', cold.ratio <= 4);
  figure('bundle size (all chunks)', fmt.bytes(bundleBytes('dist/aks-context')));

  const drill = await startAzureDrill();
  try {
    for (const [label, cluster, admin] of [
      ['sdk-auth creds, admin kubeconfig (local accounts)', drill.clusters.local, true],
      ['sdk-auth creds, Entra ID cluster (token exchange)', drill.clusters.entra, false],
    ] as const) {
      const runs: Measured[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await written(drill, cluster, admin));
      console.log(`  start to kubeconfig written, ${label}, median of ${RUNS}:`);
      figure('wall time (process start to exit)', fmt.ms(median(runs.map((r) => r.wallMs))));
      figure('peak RSS', fmt.mb(median(runs.map((r) => r.rssKb))));
      figure(
        'requests per run (ARM / Entra ID)',
        `${runs[0].armRequests} / ${runs[0].entraRequests}`,
        'ARM 1',
        runs.every((r) => r.armRequests === 1),
      );
    }
  } finally {
    await drill.close();
  }
}
