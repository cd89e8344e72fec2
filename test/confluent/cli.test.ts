import { describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SPECS, spec } from '../helpers/openapi.js';
import { basic } from './rest.js';

const root = new URL('../..', import.meta.url).pathname;
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

function start(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [tsx, 'src/playground/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(output: () => string, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no '${text}' within ${ms} ms; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('npm run emulator (src/playground/cli.ts)', () => {
  it('prints each cluster’s endpoint, id, bootstrap and credentials, serves the example mirrors, and stops on Ctrl-C', async () => {
    const run = start(['--transition-ms', '30', '--replication-delay-ms', '20']);
    try {
      await until(run.output, 'Ready. Press Ctrl-C to stop.');
      const west =
        /west: cluster id (\S+)\n {2}rest endpoint {2}(\S+)\n {2}bootstrap {6}(\S+)\n {2}DR operator key \(REST\) {7}(\S+) \/ (\S+)\n {2}application key \(clients\) {4}(\S+) \/ (\S+)/.exec(
          run.output(),
        );
      expect(west).not.toBeNull();
      const [, id, endpoint, bootstrap, key, secret, appKey, appSecret] = west!;
      // The applications' key authenticates but holds no cluster permission: the REST link API refuses it.
      const refused = await fetch(`${endpoint}/kafka/v3/clusters/${id}/links/bidi-north-west/mirrors`, {
        headers: { Authorization: basic(appKey, appSecret) },
      });
      expect(refused.status).toBe(403);
      expect([id, bootstrap]).toEqual(['lkc-west', 'west.kafka.local:9092']);
      expect(run.output()).toMatch(/north: cluster id lkc-north\n {2}rest endpoint {2}http:\/\/127\.0\.0\.1:\d+/);
      const res = await fetch(`${endpoint}/kafka/v3/clusters/${id}/links/bidi-north-west/mirrors`, { headers: { Authorization: basic(key, secret) } });
      const body = (await res.json()) as { data: Array<{ mirror_topic_name: string; mirror_status: string }> };
      expect(spec(SPECS.confluent).checkResponse('GET', '/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors', res.status, body)).toEqual([]);
      expect(body.data.map((m) => `${m.mirror_topic_name}:${m.mirror_status}`)).toEqual(['active-passive-a:ACTIVE', 'orders:ACTIVE']);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      await expect(fetch(`${endpoint}/kafka/v3/clusters/${id}/links`)).rejects.toThrow();
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('rejects a bad option with a usage line and exit code 1', async () => {
    const run = start(['--port', 'abc']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("emulator: --port must be a whole number, got 'abc'.");
    expect(run.output()).toContain('usage: npm run emulator --');
  });
});
