import * as core from '../../core/runner.js';
import { actionsLogger } from '../../core/log.js';
import { connectKube } from '../../core/kube/client.js';
import { desiredFromInputs, desiredFromManifests, objectKey, type DesiredObject } from './desired.js';
import { getInputs } from './inputs.js';
import { swapSummary } from './summary.js';
import { swap, type SwapResult } from './swap.js';

/**
 * swap-configmap: builds the desired ConfigMaps/Secrets (placeholders filled, everything checked),
 * masks the secret values, then changes the objects in place and reports Reloader's view of it.
 */
export async function run(): Promise<void> {
  const inputs = getInputs();
  const objects: DesiredObject[] = inputs.single
    ? [desiredFromInputs(inputs.single, process.env)]
    : desiredFromManifests(inputs.manifests, process.env, inputs.namespace);
  for (const value of new Set(objects.flatMap((o) => o.secretValues))) core.maskSecret(value);

  const clients = await connectKube(inputs.kube);
  core.info(`${inputs.dryRun ? 'Dry run (dryRun=All): ' : ''}swapping ${objects.map(objectKey).join(', ')} on ${clients.server}`);
  const result = await swap(clients, { objects, target: inputs.target, dryRun: inputs.dryRun, logger: actionsLogger, mask: core.maskSecret });
  core.setOutputs(outputsOf(result));
  core.appendSummary(swapSummary(result));
}

/** The action's outputs: single values for one object, JSON maps keyed `Kind/namespace/name` for several. */
export function outputsOf(result: SwapResult): Record<string, unknown> {
  const single = result.objects.length === 1;
  const per = (pick: (o: SwapResult['objects'][number]) => string) =>
    single ? pick(result.objects[0]) : Object.fromEntries(result.objects.map((o) => [objectKey(o), pick(o)]));
  return {
    changed: String(result.changed),
    hash: per((o) => o.hash),
    'previous-hash': per((o) => o.previousHash),
    'previous-target': per((o) => o.previousTarget ?? ''),
    workloads: result.objects.flatMap((o) =>
      (o.workloads ?? []).map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name, object: objectKey(o), match: w.match })),
    ),
    objects: result.objects.map((o) => ({
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      changed: o.changed,
      written: o.written,
      hash: o.hash,
      previousHash: o.previousHash,
      target: o.target ?? '',
      previousTarget: o.previousTarget ?? '',
      changedKeys: o.changedKeys,
      conflicts: o.conflicts,
      workloads: o.workloads === null ? null : o.workloads.map((w) => `${w.kind}/${w.name}`),
    })),
  };
}

