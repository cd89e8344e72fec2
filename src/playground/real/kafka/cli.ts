/**
 * `npx tsx src/playground/real/kafka/cli.ts` (`npm run real:kafka`): starts two real single-node KRaft
 * clusters, north and west (Apache Kafka from tools/kafka), prints their bootstrap servers and the SASL/PLAIN
 * credentials of their operator and app users, then stays up until Ctrl-C and stops everything.
 *
 * While it runs, a line on standard input switches a cluster's proxy: `north refuse`, `north drop`,
 * `north forward`.
 *
 * Options: `--names a,b` (default north,west), `--no-proxy` (clients connect to the brokers directly),
 * `--heap-mb <MiB>` (default 512), `--keep-logs` (keep `<tmp>/logs` after stop), `--no-build` (fail instead
 * of resolving missing jars).
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startRealKafka, type RealKafka, type RealKafkaOptions } from './index.js';
import type { KafkaUser } from './config.js';

function parseOptions(argv: string[]): RealKafkaOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      names: { type: 'string' },
      'no-proxy': { type: 'boolean' },
      'heap-mb': { type: 'string' },
      'keep-logs': { type: 'boolean' },
      'no-build': { type: 'boolean' },
    },
  });
  const heap = values['heap-mb'];
  if (heap !== undefined && !/^\d+$/.test(heap)) throw new Error(`--heap-mb must be a whole number, got '${heap}'.`);
  return {
    names: values.names ? values.names.split(',').filter(Boolean) : undefined,
    proxy: !values['no-proxy'],
    heapMb: heap === undefined ? undefined : Number(heap),
    keepLogs: values['keep-logs'] ?? false,
    build: !values['no-build'],
  };
}

function jaas(user: KafkaUser): string {
  return `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user.username}" password="${user.password}";`;
}

function describe(kafka: RealKafka): string {
  const lines = ['== Real Kafka (Apache Kafka, single-node KRaft clusters, SASL/PLAIN, StandardAuthorizer)'];
  for (const c of kafka.clusters) {
    lines.push(
      '',
      `-- ${c.name} (cluster id ${c.clusterId})`,
      `bootstrap      ${c.bootstrap}${c.proxy ? ` (proxy to the broker at ${c.listener})` : ''}`,
      `operator       ${c.users.operator.username} / ${c.users.operator.password}   (ALLOW ALL on cluster, topics, groups)`,
      `app            ${c.users.app.username} / ${c.users.app.password}   (topics: create, describe, read, write; groups: read)`,
      `logs           ${c.logDir}`,
      'client properties (app):',
      `  bootstrap.servers=${c.bootstrap}`,
      '  security.protocol=SASL_PLAINTEXT',
      '  sasl.mechanism=PLAIN',
      `  sasl.jaas.config=${jaas(c.users.app)}`,
    );
  }
  lines.push('', `started in     ${(kafka.startMs / 1000).toFixed(1)} s`);
  if (kafka.clusters.some((c) => c.proxy)) lines.push(`proxy control  type '<cluster> refuse|drop|forward' and Enter, e.g. '${kafka.clusters[0].name} refuse'`);
  lines.push('', 'Ready. Press Ctrl-C to stop.');
  return lines.join('\n');
}

/**
 * kafkajs 2.2.4 sets a timer with a negative delay when a connection starts (its "not throttled" marker
 * minus the clock), which Node 24 reports as a TimeoutNegativeWarning on every connection; the timer fires
 * at once, as intended. Every other warning is still printed by Node's own handler.
 */
function quietKafkajsTimerWarning(): void {
  const handlers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning' && warning.stack?.includes('kafkajs')) return;
    for (const handler of handlers) handler(warning);
  });
}

async function main(): Promise<void> {
  quietKafkajsTimerWarning();
  let kafka: RealKafka | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('real kafka: stopping...');
    await kafka?.stop();
    process.exit(code);
  };
  // Ctrl-C reaches the whole foreground process group, so the JVMs get SIGINT too; stop() then waits for
  // each (SIGTERM, SIGKILL after the grace period) and removes the temp folder.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  let options: RealKafkaOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`real kafka: ${(err as Error).message}`);
    console.error('usage: npm run real:kafka -- [--names a,b] [--no-proxy] [--heap-mb <MiB>] [--keep-logs] [--no-build]');
    process.exit(2);
  }
  try {
    kafka = await startRealKafka(options);
  } catch (err) {
    console.error(`real kafka: ${(err as Error).message}`);
    process.exit(1);
  }
  if (stopping) return;
  console.log(describe(kafka));

  const started = kafka;
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [name, mode] = line.trim().split(/\s+/);
    if (!name) return;
    const cluster = started.clusters.find((c) => c.name === name);
    if (!cluster?.proxy || (mode !== 'forward' && mode !== 'refuse' && mode !== 'drop')) {
      console.log(`real kafka: '<cluster> refuse|drop|forward', cluster one of ${started.clusters.map((c) => c.name).join(', ')} (and started with a proxy)`);
      return;
    }
    cluster.proxy.setMode(mode).then(
      () => console.log(`real kafka: ${name} ${mode}`),
      (err: Error) => console.log(`real kafka: ${name} ${mode} failed: ${err.message}`),
    );
  });
  // End of input (stdin closed or not a terminal) is not a reason to stop: only a signal is.
  input.on('close', () => undefined);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
