// jest globalSetup of `npm run test:real` (jest.real.config.js): before any suite, make sure the control
// plane binaries exist by running tools/kube/build.sh (cached: a warm run returns at once), and ask the Go
// module proxy whether it serves Stakater Reloader, so the suites that need it can say exactly why they skip.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** `module@version: reading https://proxy/...: 403 Forbidden` (and the `server response:` line after it) in go's output. */
export function refusedModules(output) {
  const found = new Map();
  const re = /([\w.~-]+(?:\/[\w.~-]+)+)@(v[\w.+-]+): (?:reading|verifying|downloading) (\S+): (\d{3}[^\n]*)(?:\n\s*server response: ([^\n]*))?/g;
  for (const m of output.matchAll(re)) {
    const key = `${m[1]}@${m[2]}`;
    if (!found.has(key)) found.set(key, `${m[4].trim()}${m[5] ? `: ${m[5].trim()}` : ''}`);
  }
  const notServed = /\[build\]\s+(\S+@\S+) NOT served: ([^\n]*)/g;
  for (const m of output.matchAll(notServed)) if (!found.has(m[1])) found.set(m[1], m[2].trim());
  return [...found].map(([module, why]) => ({ module, why }));
}

function build() {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('nice', ['-n', '10', 'bash', 'tools/kube/build.sh'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk) => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`[test:real] ${line}\n`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve(Date.now() - started);
      const refused = refusedModules(output);
      if (refused.length > 0) {
        return reject(
          new Error(
            `test:real: tools/kube/build.sh could not build the control plane because the Go module proxy does not serve ${refused
              .map((r) => `${r.module} (${r.why})`)
              .join(', ')}. Pick versions the proxy serves (go list -m -versions MODULE) and update tools/kube/env.sh.`,
          ),
        );
      }
      const tail = output.trim().split('\n').slice(-25).join('\n');
      reject(new Error(`test:real: tools/kube/build.sh exited ${code}; its last lines:\n${tail}`));
    });
  });
}

/** The pinned Reloader module and version (tools/kube/env.sh), and what the proxy answers for it now. */
function askProxyForReloader() {
  const out = spawnSync(
    'bash',
    [
      '-c',
      'source tools/kube/env.sh && echo "$RELOADER_MODULE@$RELOADER_VERSION" && cd "${TMPDIR:-/tmp}" && GOFLAGS= go list -m "$RELOADER_MODULE@$RELOADER_VERSION" 2>&1',
    ],
    { cwd: repo, encoding: 'utf8', timeout: 60_000 },
  );
  const [module = 'github.com/stakater/Reloader@v1.4.21', ...rest] = (out.stdout ?? '').trim().split('\n');
  const answer = rest.join(' ').replace(/\s+/g, ' ').trim();
  if (out.status === 0) return { module, served: true, answer };
  const refused = refusedModules(rest.join('\n'))[0];
  return { module, served: false, answer: refused ? refused.why : answer || `go list exited ${out.status ?? out.signal}` };
}

export default async function globalSetup() {
  process.stdout.write('\n[test:real] making sure the control plane binaries exist: bash tools/kube/build.sh\n');
  const ms = await build();
  process.stdout.write(`[test:real] binaries ready (${(ms / 1000).toFixed(1)} s)\n`);
  if (process.env.RELOADER_BIN) {
    process.stdout.write(`[test:real] RELOADER_BIN=${process.env.RELOADER_BIN}: the Reloader suites run against that binary\n`);
    return;
  }
  const reloader = askProxyForReloader();
  const why = reloader.served
    ? `the Go module proxy serves ${reloader.module} now (${reloader.answer}), but tools/kube/build.sh does not build it yet`
    : `${reloader.module} cannot be built here: the Go module proxy refuses it (${reloader.answer})`;
  // Read by the suites (jest's workers inherit this environment) to name the reason in their own output.
  process.env.REAL_RELOADER_SKIP_REASON = `RELOADER_BIN is not set and ${why}`;
  const bar = '!'.repeat(100);
  process.stdout.write(
    `${bar}\n[test:real] SKIPPING the suites that need Stakater Reloader itself (test/real/reloader.test.ts):\n[test:real]   ${process.env.REAL_RELOADER_SKIP_REASON}.\n[test:real]   Set RELOADER_BIN=/path/to/reloader (${reloader.module}) to run them. Elsewhere the Reloader stand-in rolls workloads, and proves nothing about Reloader.\n${bar}\n`,
  );
}
