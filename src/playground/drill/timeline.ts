/**
 * The drill's timeline: every workflow step the runner ran (start, end, outcome), the drill's own marks
 * (outage, first record on the new cluster, ...) and the life of every client pod, on one time axis.
 * Pure: built from the runner's results and the fleet's pods; rendered by mermaid.ts and svg.ts.
 */
import { allSteps, type WorkflowResult } from '../workflow/index.js';
import type { ClientPod } from './clients.js';

/** How a bar is coloured: a step's outcome, or the cluster a client pod used. */
export type Tone = 'success' | 'failure' | 'cancelled' | 'skipped' | 'north' | 'west' | 'none';

/** One bar: a step, or a client pod's life. */
export interface TimelineBar {
  /** The section it belongs to, e.g. `Failover (proxy-failover.yml)` or `Clients`. */
  group: string;
  label: string;
  start: number;
  end: number;
  tone: Tone;
  /** A client pod: when it became ready (the bar is lighter before). */
  readyAt?: number;
}

/** A moment of the drill. */
export interface TimelineMark {
  at: number;
  label: string;
}

/** Everything on one axis, in epoch ms. */
export interface Timeline {
  start: number;
  end: number;
  bars: TimelineBar[];
  marks: TimelineMark[];
}

/** A workflow run of the drill, labelled. */
export interface TimelineRun {
  label: string;
  result: WorkflowResult;
}

/** The job path without the caller prefix GitHub shows twice (`switch / switch` -> `switch`). */
function shortJob(path: string): string {
  const parts = path.split(' / ');
  return parts.filter((p, i) => i === 0 || p !== parts[i - 1]).join(' / ');
}

function outcomeTone(outcome: string): Tone {
  return outcome === 'success' || outcome === 'failure' || outcome === 'cancelled' || outcome === 'skipped' ? outcome : 'none';
}

/** Builds the timeline: steps that ran (skipped ones are left out: they are in the workflow's own report), marks, pods. */
export function buildTimeline(runs: TimelineRun[], marks: TimelineMark[], pods: ClientPod[], start: number, end: number): Timeline {
  const bars: TimelineBar[] = [];
  for (const run of runs) {
    const jobs = new Set(allSteps(run.result).map((s) => s.job));
    for (const step of allSteps(run.result)) {
      if (step.outcome === 'skipped') continue;
      const label = jobs.size > 1 ? `${shortJob(step.job)}: ${step.name}` : step.name;
      bars.push({ group: run.label, label, start: step.startedAt, end: Math.max(step.finishedAt, step.startedAt), tone: outcomeTone(step.outcome) });
    }
  }
  for (const pod of [...pods].sort((a, b) => a.startedAt - b.startedAt)) {
    const tone: Tone = pod.cluster === 'north' || pod.cluster === 'west' ? pod.cluster : 'none';
    const suffix = pod.name.slice(pod.name.lastIndexOf('-') + 1);
    bars.push({
      group: 'Clients',
      label: `${pod.role} ${suffix} on ${pod.cluster ?? 'nothing'}`,
      start: pod.startedAt,
      end: pod.deletedAt ?? end,
      tone,
      readyAt: pod.readyAt,
    });
  }
  return { start, end: Math.max(end, ...bars.map((b) => b.end)), bars, marks: [...marks].sort((a, b) => a.at - b.at) };
}
