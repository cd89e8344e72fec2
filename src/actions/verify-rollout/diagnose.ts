import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { kubeError, type KubeClients } from '../../core/kube/client.js';
import type { Workload } from '../../core/kube/workload.js';

/**
 * Why a workload did not finish rolling: its pods that are not ready (with container waiting reasons
 * such as CrashLoopBackOff or ImagePullBackOff and their messages) and the recent events of those
 * pods and of the workload. Only called for failures, so it costs nothing on success: one pod list
 * per failed workload and one event list per namespace.
 */

/** The label selector of a workload, as the `labelSelector` query parameter. */
export function selectorString(workload: Workload): string | undefined {
  const selector = workload.spec?.selector;
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}

/** One not-ready pod, summarised. Pure. */
export function describePod(pod: V1Pod): string | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (ready || pod.metadata?.deletionTimestamp) return undefined;
  const details: string[] = [];
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = cs.state?.waiting;
    const terminated = cs.lastState?.terminated ?? cs.state?.terminated;
    if (waiting?.reason) {
      let text = `container ${cs.name} ${waiting.reason}`;
      if (waiting.message) text += `: ${oneLine(waiting.message)}`;
      if (terminated?.exitCode !== undefined && waiting.reason === 'CrashLoopBackOff')
        text += ` (last exit code ${terminated.exitCode}${terminated.reason ? `, ${terminated.reason}` : ''})`;
      if (cs.restartCount) text += `, ${cs.restartCount} restarts`;
      details.push(text);
    } else if (cs.state?.running && !cs.ready) {
      details.push(`container ${cs.name} running but not ready${cs.restartCount ? `, ${cs.restartCount} restarts` : ''}`);
    }
  }
  if (!details.length) details.push(`phase ${pod.status?.phase ?? 'unknown'}${pod.status?.reason ? ` (${pod.status.reason})` : ''}, not ready`);
  return `pod ${pod.metadata?.name}: ${details.join('; ')}`;
}

/** Recent events about these objects: warnings first, newest first, repeated ones counted. Pure. */
export function recentEvents(events: CoreV1Event[], names: Set<string>, limit = 5): string[] {
  const time = (e: CoreV1Event) =>
    new Date((e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? 0) as string | Date).getTime();
  const warning = (e: CoreV1Event) => (e.type === 'Warning' ? 0 : 1);
  return events
    .filter((e) => names.has(e.involvedObject?.name ?? ''))
    .sort((a, b) => warning(a) - warning(b) || time(b) - time(a))
    .slice(0, limit)
    .map(
      (e) =>
        `${e.type === 'Warning' ? 'Warning ' : ''}${e.reason ?? ''} on ${e.involvedObject?.kind ?? ''} ${e.involvedObject?.name ?? ''}: ${oneLine(e.message ?? '')}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`,
    );
}

/** Diagnostics for failed workloads of one namespace: `Kind/name -> lines`. Errors are reported, not thrown. */
export async function diagnose(clients: KubeClients, namespace: string, workloads: Workload[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  let events: CoreV1Event[] = [];
  let eventsError: string | undefined;
  try {
    events = (await clients.core.listNamespacedEvent({ namespace })).items;
  } catch (err) {
    // The server's own Status message (a 403 names the missing permission), not client-node's `HTTP-Code: 403`.
    eventsError = `events unavailable: ${kubeError(err, `list events in namespace ${namespace}`).message}`;
  }
  await Promise.all(
    workloads.map(async (w) => {
      const lines: string[] = [];
      const names = new Set<string>([w.metadata.name]);
      const selector = selectorString(w);
      if (selector) {
        try {
          const pods = (await clients.core.listNamespacedPod({ namespace, labelSelector: selector })).items;
          const notReady = pods.map(describePod).filter((l): l is string => l !== undefined);
          for (const p of pods) {
            names.add(p.metadata?.name ?? '');
            for (const o of p.metadata?.ownerReferences ?? []) names.add(o.name);
          }
          lines.push(...notReady.slice(0, 5));
          if (notReady.length > 5) lines.push(`… and ${notReady.length - 5} more pods not ready`);
          if (!notReady.length) lines.push(`${pods.length} pods, all ready`);
        } catch (err) {
          lines.push(`pods unavailable: ${kubeError(err, `list pods in namespace ${namespace}`).message}`);
        }
      }
      const recent = recentEvents(events, names);
      if (recent.length) lines.push(`recent events: ${recent.join(' | ')}`);
      if (eventsError) lines.push(eventsError);
      result.set(`${w.kind}/${w.metadata.name}`, lines);
    }),
  );
  return result;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
