import { startKube, type KubeEmulator } from './index.js';

/** Options the `npm run emulator` command passes on (the Confluent section uses `port` and `port + 1`). */
export interface KubeSectionOptions {
  port?: number;
}

/**
 * The Kubernetes part of `npm run emulator`: the API emulator with Reloader (env-vars strategy),
 * pods ready after a second so a person can watch rollouts, and the kubeconfig it wrote, so any
 * client — kubectl included — can be pointed at it.
 */
export async function startKubeSection(
  options: KubeSectionOptions = {},
): Promise<{ title: string; lines: string[]; close(): Promise<void>; emulator: KubeEmulator }> {
  const emulator = await startKube({ port: options.port ? options.port + 2 : 0, podReadyDelayMs: 1000 });
  const lines = [
    `api server     ${emulator.url}`,
    `kubeconfig     ${emulator.kubeconfigPath}`,
    'Reloader (stakater/Reloader v1.4 rules, env-vars strategy) is running; nodes kube-node-1, kube-node-2.',
    'try:',
    `  export KUBECONFIG=${emulator.kubeconfigPath}`,
    '  kubectl apply -f src/playground/manifests/proxy/',
    '  kubectl get deployments,pods -A',
    '  kubectl rollout status deployment/<name> -n <namespace>',
  ];
  return { title: 'Kubernetes API emulator (with Reloader)', lines, close: () => emulator.close(), emulator };
}
