import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of an emulator that injects faults per request: a hang (accept, never answer), a canned
 * answer (429 with Retry-After, a 5xx burst, hostile text), or the upstream answer rewritten. Every request is
 * recorded, so a test can assert that nothing mutating was sent where nothing should change.
 */
export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
  at: number;
}

export type FaultDecision =
  'pass' | { hang: true } | { status: number; headers?: Record<string, string>; body?: string } | { rewrite: (body: string, status: number) => string };

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Requests that would change something: anything but GET/HEAD, and not a server-side dry run. */
  mutating(): ProxiedRequest[];
  /** Replaces the rule; the default passes everything. */
  setRule(rule: (req: ProxiedRequest, n: number) => FaultDecision): void;
  close(): Promise<void>;
}

export async function faultProxy(upstreamUrl: string, rule: (req: ProxiedRequest, n: number) => FaultDecision = () => 'pass'): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const requests: ProxiedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let current = rule;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const record: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8'), at: Date.now() };
      requests.push(record);
      const decision = current(record, requests.length);
      if (decision !== 'pass' && 'hang' in decision) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (decision !== 'pass' && 'status' in decision) {
        res.writeHead(decision.status, { 'content-type': 'application/json', ...decision.headers });
        res.end(decision.body ?? '');
        return;
      }
      const headers = { ...req.headers, host: upstream.host };
      delete headers['content-length'];
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: basePath + (req.url ?? '/'),
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (answer) => {
          if (decision === 'pass') {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const rewritten = decision.rewrite(Buffer.concat(parts).toString('utf8'), answer.statusCode ?? 502);
            const outHeaders = { ...answer.headers, 'content-length': String(Buffer.byteLength(rewritten)) };
            delete outHeaders['transfer-encoding'];
            res.writeHead(answer.statusCode ?? 502, outHeaders);
            res.end(rewritten);
          });
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    mutating: () =>
      requests.filter(
        (r) =>
          !['GET', 'HEAD'].includes(r.method) &&
          !/[?&]dryRun=All\b/.test(r.path) &&
          !/"validate_only"\s*:\s*true/.test(r.body) &&
          !/[?&]validate_only=true\b/.test(r.path),
      ),
    setRule: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Hostile text for a server or file to send: each line would be a workflow command if written raw. */
export function hostile(marker = 'PWNED'): string {
  return `x\n::add-mask::west\n::error title=${marker}::${marker}\n::set-output name=${marker}::1\n##[warning]${marker}`;
}

/** Lines of stdout the runner would read as a command that came from injected text (see `hostile`). */
export function injectedCommands(stdout: string, marker = 'PWNED'): string[] {
  // A command of this code that carries the text escaped (`::error::...%0A::add-mask::west`) is one line and fine;
  // a line that itself starts with an injected command, or holds a legacy `##[` command, is not.
  const starts = [/^\s*::add-mask::west\s*$/, new RegExp(`^\\s*::error title=${marker}::`), new RegExp(`^\\s*::set-output name=${marker}::`)];
  return stdout.split(/\r?\n|\r/).filter((line) => starts.some((re) => re.test(line)) || line.includes('##['));
}
