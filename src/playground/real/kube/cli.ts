/**
 * `npx tsx src/playground/real/kube/cli.ts` (`npm run real:kube`): starts the real local control plane
 * (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok nodes, Reloader), prints the
 * kubeconfig path and how to use it, then stays up until Ctrl-C and stops everything.
 *
 * Options: `--reload-strategy env-vars|annotations` (default env-vars), `--no-reloader`,
 * `--pod-ready-delay-ms <ms>` (default 200), `--nodes a,b` (default kube-node-1,kube-node-2),
 * `--keep-logs` (keep `<tmp>/logs` after stop), `--no-build` (fail instead of building missing binaries).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startRealKube, type RealKube, type RealKubeOptions } from './index.js';

function parseOptions(argv: string[]): RealKubeOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'reload-strategy': { type: 'string' },
      'no-reloader': { type: 'boolean' },
      'pod-ready-delay-ms': { type: 'string' },
      nodes: { type: 'string' },
      'keep-logs': { type: 'boolean' },
      'no-build': { type: 'boolean' },
    },
  });
  const strategy = values['reload-strategy'] ?? 'env-vars';
  if (strategy !== 'env-vars' && strategy !== 'annotations') throw new Error(`--reload-strategy must be env-vars or annotations, got '${strategy}'.`);
  const delay = values['pod-ready-delay-ms'];
  if (delay !== undefined && !/^\d+$/.test(delay)) throw new Error(`--pod-ready-delay-ms must be a whole number, got '${delay}'.`);
  return {
    reloader: values['no-reloader'] ? false : { strategy },
    podReadyDelayMs: delay === undefined ? undefined : Number(delay),
    nodes: values.nodes ? values.nodes.split(',').filter(Boolean) : undefined,
    keepLogs: values['keep-logs'] ?? false,
    build: !values['no-build'],
  };
}

async function main(): Promise<void> {
  let kube: RealKube | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('real kube: stopping...');
    await kube?.stop();
    process.exit(code);
  };
  // Ctrl-C reaches the whole foreground process group, so the binaries get SIGINT too; stop() then
  // waits for each (SIGTERM, SIGKILL after 5 s) and removes the temp folder.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  let options: RealKubeOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`real kube: ${(err as Error).message}`);
    console.error(
      'usage: npm run real:kube -- [--reload-strategy env-vars|annotations] [--no-reloader] [--pod-ready-delay-ms <ms>] [--nodes a,b] [--keep-logs] [--no-build]',
    );
    process.exit(2);
  }
  try {
    kube = await startRealKube(options);
  } catch (err) {
    console.error(`real kube: ${(err as Error).message}`);
    process.exit(1);
  }
  if (stopping) return;
  const kubectl = join(kube.binDir, 'kubectl');
  console.log(
    [
      '== Real Kubernetes control plane (kwok nodes)',
      `api server     ${kube.server}`,
      `kubeconfig     ${kube.kubeconfigPath}`,
      `logs           ${kube.logDir}`,
      `binaries       ${kube.binDir}`,
      `reloader       ${kube.reloader}`,
      `started in     ${(kube.startMs / 1000).toFixed(1)} s`,
      'try:',
      `  export KUBECONFIG=${kube.kubeconfigPath} PATH=${kube.binDir}:$PATH`,
      `  ${kubectl} get nodes`,
      '  kubectl apply -f src/playground/manifests/proxy/',
      '  kubectl get deployments,pods -A',
      '',
      'Ready. Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
