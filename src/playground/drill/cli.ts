/**
 * `npm run drill`: runs DR drills on the local playground and writes the report. See `--help` (options.ts) and
 * the README section "Local playground". Exit code 0 when every drill passed its checks, 1 when one failed,
 * 2 for a usage error or missing action bundles.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DrillUsageError, parseDrillArgs, scenarioSlug, scenarioTitle, USAGE } from './options.js';
import { drillText, reportMarkdown } from './report.js';
import { runScenario } from './scenario.js';
import type { DrillResult } from './session.js';
import { timelineSvg } from './svg.js';

/** The repository root: workflows, actions, dist bundles and manifests are read from here. */
export const WORKSPACE = resolve(new URL('../../..', import.meta.url).pathname);

/** The action bundles the workflows run. */
export const BUNDLES = ['aks-context', 'ccloud-mirror', 'dr-plan', 'dr-report', 'swap-configmap', 'verify-rollout'];

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], print: (line: string) => void = console.log, workspace = WORKSPACE): Promise<number> {
  let command;
  try {
    command = parseDrillArgs(argv);
  } catch (err) {
    if (!(err instanceof DrillUsageError)) throw err;
    print(`drill: ${err.message}`);
    return 2;
  }
  if (command.help) {
    print(USAGE);
    return 0;
  }
  const missing = BUNDLES.filter((name) => !existsSync(join(workspace, 'dist', name, 'index.js')));
  if (missing.length) {
    print(
      `drill: the workflows run the action bundles, and ${missing.map((m) => `dist/${m}/index.js`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. Build ${missing.length === 1 ? 'it' : 'them'} first: ${missing.map((m) => `npm run build -- ${m}`).join('; ')}`,
    );
    return 2;
  }
  const out = resolve(process.cwd(), command.out);
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const results: DrillResult[] = [];
  const svgs: Record<string, string> = {};
  if (command.faults.length) {
    const { FAULT_INFO, runFaultDrill } = await import('./faults.js');
    for (const [i, fault] of command.faults.entries()) {
      print(`\n=== Failure drill ${i + 1} of ${command.faults.length}: ${fault}: ${FAULT_INFO[fault].what}`);
      const result = await runFaultDrill(fault, { workspace, timing: command.timing, log: (line) => print(`  ${line}`) });
      results.push(result);
      print('');
      print(`${result.passed ? 'PASSED' : 'FAILED'}  ${fault}`);
      if (result.firstPrinted) print(`  printed first: ${result.firstPrinted}`);
      for (const c of result.checks) print(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.name}: ${c.detail}`);
    }
  }
  for (const [i, scenario] of (command.faults.length ? [] : command.scenarios).entries()) {
    print(`\n=== Drill ${i + 1} of ${command.scenarios.length}: ${scenarioTitle(scenario)}`);
    const result = await runScenario(scenario, {
      workspace,
      timing: command.timing,
      kube: command.kube,
      kafka: command.kafka,
      log: (line) => print(`  ${line}`),
    });
    results.push(result);
    const slug = scenarioSlug(scenario);
    const svgName = `${slug}.svg`;
    writeFileSync(join(out, svgName), timelineSvg(result.timeline, `DR drill: ${result.title}`));
    svgs[slug] = svgName;
    print('');
    print(drillText(result));
  }
  const report = reportMarkdown(results, svgs);
  const reportPath = join(out, 'report.md');
  writeFileSync(reportPath, report);
  // In a GitHub job, the report also goes to the job summary (the Mermaid timeline renders there).
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, reportMarkdown(results));
  const passed = results.filter((r) => r.passed).length;
  print(
    `\n${passed} of ${results.length} drill(s) passed in ${((Date.now() - started) / 1000).toFixed(1)} s. Report: ${relative(process.cwd(), reportPath) || reportPath}, timelines: ${Object.values(
      svgs,
    )
      .map((f) => relative(process.cwd(), join(out, f)))
      .join(', ')}`,
  );
  return passed === results.length ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`drill: ${(err as Error).stack ?? String(err)}`);
      process.exitCode = 1;
    },
  );
}
