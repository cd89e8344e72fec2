import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';

/** Picks a free TCP port on 127.0.0.1 by binding port 0 and closing it again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts connections on 127.0.0.1:port or the port cannot be bound on all interfaces. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, () => server.close(() => resolve(false)));
  });
}

/**
 * `setpriv --pdeathsig KILL` (util-linux) makes the kernel kill a child when the launcher dies, even by
 * SIGKILL, where no signal handler runs. Without setpriv the children are only stopped by handlers.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** One started binary of the control plane. */
export class Component {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly name: string,
    readonly binary: string,
    readonly args: string[],
    readonly logPath: string,
    env: NodeJS.ProcessEnv = {},
  ) {
    const log = openSync(logPath, 'a');
    try {
      const [command, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
      this.child = spawn(command, argv, {
        stdio: ['ignore', log, log],
        detached: false,
        env: { ...process.env, ...env },
      });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.child.once('error', (err) => {
        this.exitInfo = { code: null, signal: null };
        resolve(this.exitInfo);
        console.error(`real kube: ${name}: ${err.message}`);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Undefined while running; how it ended otherwise. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** The last `lines` lines of its log. */
  tail(lines = 40): string {
    try {
      return readFileSync(this.logPath, 'utf8')
        .split('\n')
        .slice(-lines - 1)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exitInfo) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort (process 'exit' handler). */
  kill(): void {
    if (!this.exitInfo) this.child.kill('SIGKILL');
  }
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs` with the last error. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; component?: Component },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    if (options.component?.exit) {
      const { code, signal } = options.component.exit;
      throw new Error(`${what}: ${options.component.name} exited (${signal ?? `code ${code}`})`);
    }
    try {
      if (await check()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${options.timeoutMs} ms${last ? ` (last error: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

/**
 * Removes the temp folders (named `<prefix>…` in the OS temp dir) of launchers that died without cleaning up
 * (SIGKILL: setpriv's pdeathsig kills their binaries, but nothing removes the folder). Only folders whose
 * `owner.pid` names a process that no longer exists are touched.
 */
export function removeStaleDirs(prefix: string, log: (line: string) => void): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(prefix));
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(tmpdir(), entry);
    let pid: number;
    try {
      pid = Number(readFileSync(join(path, OWNER_FILE), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 0);
      continue; // still running
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    rmSync(path, { recursive: true, force: true });
    log(`removed ${path}, left behind by launcher ${pid} which is gone`);
  }
}

/** The file in a launcher's temp folder that names the launcher's pid. */
export const OWNER_FILE = 'owner.pid';

/** Runs a tools/<name>/build.sh, passing its `[build]` progress lines on; rejects with the tail of its output when it fails. */
export function runBuildScript(script: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('nice', ['-n', '10', 'bash', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        tail = [...tail.slice(-30), line];
        if (line.startsWith('[build]')) log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${script} exited ${code}:\n${tail.join('\n')}`))));
  });
}
