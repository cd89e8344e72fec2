import { spawn } from 'node:child_process';

/** How a step's process ended. */
export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the process could not start at all (missing shell or node binary). */
  spawnError?: string;
}

export interface ProcessOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once per complete line of stdout or stderr, in order of arrival per stream. */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

/**
 * Runs one step process. The child gets its own process group, so a timeout or a cancel kills the whole
 * tree (a `sleep` under bash too), as the runner does.
 */
export function runProcess(options: ProcessOptions): Promise<ProcessEnd> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ code: null, signal: null, timedOut: false, cancelled: true });
      return;
    }
    const child = spawn(options.command, options.args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let timedOut = false;
    let cancelled = false;
    let spawnError: string | undefined;
    const kill = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = options.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), kill()), options.timeoutMs) : undefined;
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const pending = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      pending[stream] += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending[stream].indexOf('\n')) >= 0) {
        const line = pending[stream].slice(0, nl);
        pending[stream] = pending[stream].slice(nl + 1);
        options.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, stream);
      }
    };
    child.stdout.on('data', feed('stdout'));
    child.stderr.on('data', feed('stderr'));
    child.on('error', (err) => (spawnError = err.message));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) options.onLine(pending[stream], stream);
      resolve({ code, signal, timedOut, cancelled, spawnError });
    });
  });
}
