// npm run bench -- ccloud-mirror: the bundled action against the emulator, 1,000 mirror topics of 8 partitions on
// one link: a status call and a failover of all of them, each in a child process as the runner starts it; then
// 10,000 topics of 8 partitions failed over with the peer-* inputs (the probe of the source included).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { bundleBytes, coldStart, figure, fmt, median, repoRoot, runNode } from './lib.js';

const TOPICS = 1000;
const BIG = 10_000;
const BIG_RUNS = 3;
const PARTITIONS = 8;
const CHUNK = 100;
const RUNS = 5;
const TRANSITION_MS = 50;
const BUNDLE = 'dist/ccloud-mirror/index.js';
const SMALL_YOUNG = '--max-semi-space-size=1';

interface Measured {
  wallMs: number;
  rssKb: number;
  requests: number;
  alterRequests: number;
  /** The action's own figures from its `result` output. */
  logicMs: number;
  sleptMs: number;
  polls: number;
  /** The largest output, in bytes (GitHub refuses one over 1 MB). */
  largestOutput: number;
}

async function world(topics = TOPICS): Promise<ConfluentEmulator> {
  const emulator = await startConfluent({ clusters: [{ name: 'north' }, { name: 'south' }], transitionMs: TRANSITION_MS, replicationDelayMs: 60_000 });
  emulator.createLink('south', 'dr-link', { remote: 'north' });
  for (let i = 0; i < topics; i++) {
    const topic = `orders-${String(i).padStart(4, '0')}`;
    emulator.createTopic('north', topic, { partitions: PARTITIONS });
    emulator.createMirror('south', 'dr-link', topic);
  }
  // Records the mirrors have not received yet (replication delay 60 s): the failover leaves real lag behind.
  for (let i = 0; i < topics; i += 10) emulator.produce('north', `orders-${String(i).padStart(4, '0')}`, [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
  return emulator;
}

async function runAction(emulator: ConfluentEmulator, operation: string, withPeer = false, extraEnv: Record<string, string> = {}): Promise<Measured> {
  const south = emulator.info('south');
  const north = emulator.info('north');
  const peer: Record<string, string> = withPeer
    ? {
        'INPUT_PEER-REST-ENDPOINT': north.restEndpoint,
        'INPUT_PEER-CLUSTER-ID': north.id,
        'INPUT_PEER-API-KEY': north.apiKey,
        'INPUT_PEER-API-SECRET': north.apiSecret,
      }
    : {};
  const work = mkdtempSync(join(tmpdir(), 'bench-ccloud-mirror-'));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_ENV: join(work, 'env'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  emulator.resetRequests();
  const run = await runNode([join(repoRoot, BUNDLE)], {
    ...files,
    RUNNER_TEMP: work,
    'INPUT_REST-ENDPOINT': south.restEndpoint,
    'INPUT_CLUSTER-ID': south.id,
    'INPUT_API-KEY': south.apiKey,
    'INPUT_API-SECRET': south.apiSecret,
    'INPUT_LINK-NAME': 'dr-link',
    INPUT_OPERATION: operation,
    'INPUT_CHUNK-SIZE': String(CHUNK),
    'INPUT_POLL-INTERVAL': '100ms',
    INPUT_TIMEOUT: '2m',
    ...peer,
    ...extraEnv,
  });
  if (run.code !== 0) throw new Error(`${operation} exited ${run.code}:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  const output = readFileSync(files.GITHUB_OUTPUT, 'utf8');
  const json = /^result<<(.+)\n([\s\S]*?)\n\1$/m.exec(output)?.[2];
  if (!json) throw new Error(`no result output:\n${output.slice(0, 500)}`);
  const result = JSON.parse(json) as { durationMs: number; sleptMs: number; polls: number; failed: string[] };
  if (result.failed.length) throw new Error(`${operation}: ${result.failed.length} topic(s) failed`);
  const requests = emulator.requests('south');
  // Every output as the runner reads it from GITHUB_OUTPUT (`name<<delimiter` blocks), by size.
  const sizes = [...output.matchAll(/^([\w-]+)<<(.+)\n([\s\S]*?)\n\2$/gm)].map((m) => Buffer.byteLength(m[3], 'utf8'));
  return {
    largestOutput: Math.max(0, ...sizes),
    wallMs: run.ms,
    rssKb: run.maxRssKb,
    requests: requests.length,
    alterRequests: requests.filter((r) => r.route.endsWith(':failover')).length,
    logicMs: result.durationMs,
    sleptMs: result.sleptMs,
    polls: result.polls,
  };
}

export default async function bench(): Promise<void> {
  const status: Measured[] = [];
  const failover: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    const emulator = await world();
    try {
      status.push(await runAction(emulator, 'status'));
      failover.push(await runAction(emulator, 'failover'));
    } finally {
      await emulator.close();
    }
  }
  const med = (runs: Measured[], key: keyof Measured) => median(runs.map((r) => r[key]));
  const maxAlter = Math.ceil(TOPICS / CHUNK);
  console.log(
    `  ${TOPICS} mirror topics x ${PARTITIONS} partitions, chunk-size ${CHUNK}, poll-interval 100ms, emulator transitionMs ${TRANSITION_MS}; medians of ${RUNS} runs`,
  );
  console.log('  status (bundled action, child process):');
  figure('wall time (process start to exit)', fmt.ms(med(status, 'wallMs')));
  figure('HTTP requests', String(med(status, 'requests')));
  figure('peak RSS', fmt.mb(med(status, 'rssKb')), '≤ 120 MB', med(status, 'rssKb') <= 120 * 1024);
  console.log('  failover of all topics (bundled action, child process):');
  const ownMs = median(failover.map((r) => r.wallMs - r.sleptMs));
  figure('wall time (process start to exit)', fmt.ms(med(failover, 'wallMs')));
  figure('  of which sleeping between polls', `${fmt.ms(med(failover, 'sleptMs'))} (${med(failover, 'polls')} polls)`);
  figure("action's own time (wall - sleeping)", fmt.ms(ownMs), '≤ 1500 ms', ownMs <= 1500);
  figure('  logic only (first request to result)', fmt.ms(med(failover, 'logicMs')));
  figure('HTTP requests', String(med(failover, 'requests')));
  figure(
    'alter requests',
    String(med(failover, 'alterRequests')),
    `≤ ceil(${TOPICS}/${CHUNK}) = ${maxAlter}`,
    failover.every((r) => r.alterRequests <= maxAlter),
  );
  figure('peak RSS', fmt.mb(med(failover, 'rssKb')), '≤ 120 MB', med(failover, 'rssKb') <= 120 * 1024);
  figure('bundle size (dist/ccloud-mirror)', fmt.bytes(bundleBytes('dist/ccloud-mirror')));

  const big: Measured[] = [];
  for (let i = 0; i < BIG_RUNS; i++) {
    const emulator = await world(BIG);
    try {
      big.push(await runAction(emulator, 'failover', true));
    } finally {
      await emulator.close();
    }
  }
  // The same with the young generation kept small, as a workflow can ask for it in the step's env
  // (`NODE_OPTIONS: --max-semi-space-size=1`; Node allows this V8 option in NODE_OPTIONS): for the closing figure.
  const smallYoung: Measured[] = [];
  for (let i = 0; i < BIG_RUNS; i++) {
    const emulator = await world(BIG);
    try {
      smallYoung.push(await runAction(emulator, 'failover', true, { NODE_OPTIONS: SMALL_YOUNG }));
    } finally {
      await emulator.close();
    }
  }
  const bigAlter = Math.ceil(BIG / CHUNK);
  const bigOwn = median(big.map((r) => r.wallMs - r.sleptMs));
  console.log(`  failover of ${BIG} topics x ${PARTITIONS} partitions with the peer-* inputs, chunk-size ${CHUNK}; medians of ${BIG_RUNS} runs:`);
  figure('wall time (process start to exit)', fmt.ms(med(big, 'wallMs')));
  figure('  of which sleeping between polls', `${fmt.ms(med(big, 'sleptMs'))} (${med(big, 'polls')} polls)`);
  figure("action's own time (wall - sleeping)", fmt.ms(bigOwn), '≤ 3000 ms', bigOwn <= 3000);
  figure('HTTP requests (this cluster)', String(med(big, 'requests')));
  figure(
    'alter requests',
    String(med(big, 'alterRequests')),
    `≤ ceil(${BIG}/${CHUNK}) = ${bigAlter}`,
    big.every((r) => r.alterRequests <= bigAlter),
  );
  figure(
    'peak RSS',
    fmt.mb(med(big, 'rssKb')),
    '≤ 150 MB',
    big.every((r) => r.rssKb <= 150 * 1024),
  );
  figure(`  with NODE_OPTIONS=${SMALL_YOUNG}`, `${fmt.mb(med(smallYoung, 'rssKb'))}, own time ${fmt.ms(median(smallYoung.map((r) => r.wallMs - r.sleptMs)))}`);
  figure(
    'largest output',
    fmt.bytes(Math.max(...big.map((r) => r.largestOutput))),
    '< 1 MB',
    big.every((r) => r.largestOutput < 1_000_000),
  );

  const cold = await coldStart(BUNDLE, { 'INPUT_REST-ENDPOINT': 'not a url', 'INPUT_API-SECRET': 'x' }, 11);
  figure(
    'cold start, input error (median of 11)',
    `${fmt.ms(cold.bundleMs)} vs bare node ${fmt.ms(cold.bareMs)} = ${fmt.ratio(cold.ratio)}`,
    '≤ 3×',
    cold.ratio <= 3,
  );
}
