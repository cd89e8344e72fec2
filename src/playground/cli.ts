/**
 * `npm run emulator`: starts the playground emulators standalone and prints how to reach them, then stays up until
 * Ctrl-C. Each emulator is one "section" (a function that starts it and returns the lines to print and a close);
 * add a section to `SECTIONS` to start another emulator with the same command.
 *
 * Options: `--port <n>` (Confluent: north on n, west on n+1; Kubernetes on n+2; default ephemeral), `--transition-ms <ms>` (default
 * 2000, so PENDING_ states are visible to a person with curl), `--replication-delay-ms <ms>` (default 500).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startConfluent, type ConfluentEmulator } from './confluent/index.js';
import { startKubeSection } from './kube/cli-section.js';

/** A started emulator: what to print about it and how to stop it. */
export interface PlaygroundSection {
  title: string;
  lines: string[];
  close(): Promise<void>;
}

/** Command-line options of `npm run emulator`. */
export interface PlaygroundOptions {
  port?: number;
  transitionMs?: number;
  replicationDelayMs?: number;
}

/** The example link and topics (active-passive over a bidirectional link): north is primary, west the DR side. */
export const SEED = { link: 'bidi-north-west', topics: ['active-passive-a', 'orders'] } as const;

/** Creates the example layout: topics on north, a bidirectional link on both sides, mirrors on west, a few records. */
export function seedConfluent(emulator: ConfluentEmulator): void {
  for (const topic of SEED.topics) emulator.createTopic('north', topic, { partitions: 6 });
  emulator.createLink('north', SEED.link, { remote: 'west', mode: 'BIDIRECTIONAL' });
  emulator.createLink('west', SEED.link, { remote: 'north', mode: 'BIDIRECTIONAL' });
  for (const topic of SEED.topics) {
    emulator.createMirror('west', SEED.link, topic);
    emulator.produce(
      'north',
      topic,
      Array.from({ length: 12 }, (_, i) => ({ key: `key-${i}`, value: `${topic} record ${i}` })),
    );
  }
}

/** Starts the Confluent Cloud emulator with clusters north and west, with the example link, topics and mirrors. */
export async function startConfluentSection(options: PlaygroundOptions = {}): Promise<PlaygroundSection & { emulator: ConfluentEmulator }> {
  const emulator = await startConfluent({
    clusters: [
      { name: 'north', port: options.port ?? 0 },
      { name: 'west', port: options.port ? options.port + 1 : 0 },
    ],
    transitionMs: options.transitionMs ?? 2000,
    replicationDelayMs: options.replicationDelayMs ?? 500,
  });
  seedConfluent(emulator);
  const lines: string[] = [];
  for (const c of emulator.clusters) {
    lines.push(
      `${c.name}: cluster id ${c.id}`,
      `  rest endpoint  ${c.restEndpoint}`,
      `  bootstrap      ${c.bootstrap}`,
      `  DR operator key (REST)       ${c.apiKey} / ${c.apiSecret}`,
      `  application key (clients)    ${c.appApiKey} / ${c.appApiSecret}`,
    );
  }
  const west = emulator.info('west');
  lines.push(
    `link '${SEED.link}' (BIDIRECTIONAL) on both clusters; mirror topics on west: ${SEED.topics.join(', ')}`,
    'try:',
    `  curl -u '${west.apiKey}:${west.apiSecret}' ${west.restEndpoint}/kafka/v3/clusters/${west.id}/links/${SEED.link}/mirrors`,
    `  curl -u '${west.apiKey}:${west.apiSecret}' -H 'Content-Type: application/json' -d '{"mirror_topic_names":["${SEED.topics[0]}"]}' ${west.restEndpoint}/kafka/v3/clusters/${west.id}/links/${SEED.link}/mirrors:failover`,
    'environment (the variable names the example client manifests use):',
  );
  for (const c of emulator.clusters) {
    const n = c.name.toUpperCase();
    lines.push(
      `  export CCLOUD_${n}_CLUSTERID=${c.id} CCLOUD_${n}_URL=${c.bootstrap} CCLOUD_${n}_REST=${c.restEndpoint} CCLOUD_${n}_DR_APIKEY=${c.apiKey} CCLOUD_${n}_DR_PASSWD='${c.apiSecret}' CCLOUD_${n}_APIKEY=${c.appApiKey} CCLOUD_${n}_PASSWD='${c.appApiSecret}'`,
    );
  }
  return { title: 'Confluent Cloud emulator (Kafka REST v3)', lines, close: () => emulator.close(), emulator };
}

/** The emulators `npm run emulator` starts, in order. */
export const SECTIONS: Array<(options: PlaygroundOptions) => Promise<PlaygroundSection>> = [startConfluentSection, startKubeSection];

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got '${value}'.`);
  return n;
}

function parseOptions(argv: string[]): PlaygroundOptions {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, 'transition-ms': { type: 'string' }, 'replication-delay-ms': { type: 'string' } },
  });
  return {
    port: number(values.port, 'port'),
    transitionMs: number(values['transition-ms'], 'transition-ms'),
    replicationDelayMs: number(values['replication-delay-ms'], 'replication-delay-ms'),
  };
}

async function main(): Promise<void> {
  const started: PlaygroundSection[] = [];
  const stop = async (code: number) => {
    await Promise.all(started.map((s) => s.close()));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    const options = parseOptions(process.argv.slice(2));
    for (const section of SECTIONS) started.push(await section(options));
  } catch (err) {
    console.error(`emulator: ${(err as Error).message}`);
    console.error('usage: npm run emulator -- [--port <n>] [--transition-ms <ms>] [--replication-delay-ms <ms>]');
    await stop(1);
  }
  for (const section of started) console.log([`== ${section.title}`, ...section.lines, ''].join('\n'));
  console.log('Ready. Press Ctrl-C to stop.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
