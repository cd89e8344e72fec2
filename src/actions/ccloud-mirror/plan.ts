import type { MirrorTopic } from './confluent/types.js';
import type { Selection } from './inputs.js';
import { SPECS, type Operation } from './operations.js';

/** One topic the run acts on, and what it will do with it. */
export interface PlannedTopic {
  /** The mirror topic name on this cluster. */
  topic: string;
  /** The source topic name, when known. */
  source?: string;
  /** The topic as the link's mirror list showed it before anything changed; undefined if not listed. */
  before?: MirrorTopic;
  /**
   * send: the verb (or create) is sent for it; already: it is in the target state, counted as
   * done without a request; missing: `status` of a named topic that is not a mirror on the link;
   * report: `status` of a listed one.
   */
  step: 'send' | 'already' | 'missing' | 'report';
}

/**
 * Decides, without any I/O, which topics an operation touches: the named ones, the pattern's
 * matches or every mirror of the link (`create`: one per source topic, named prefix + source).
 */
export function planTopics(
  operation: Operation,
  selection: Selection,
  mirrors: MirrorTopic[],
  create: { sourceTopics: string[]; prefix: string } = { sourceTopics: [], prefix: '' },
): PlannedTopic[] {
  const byName = new Map(mirrors.map((m) => [m.mirrorTopicName, m]));
  const spec = SPECS[operation];
  const classify = (topic: string, before: MirrorTopic | undefined, source?: string): PlannedTopic => {
    if (operation === 'status') return { topic, source: before?.sourceTopicName ?? source, before, step: before ? 'report' : 'missing' };
    if (before && operation === 'create') return { topic, source: before.sourceTopicName, before, step: 'already' };
    if (before && before.mirrorStatus === spec.target) return { topic, source: before.sourceTopicName, before, step: 'already' };
    // A named topic the list does not show is still sent: truncate-and-restore names the divergent
    // ex-source, which is no mirror yet, and for the others the server's per-topic answer says why.
    return { topic, source: before?.sourceTopicName ?? source, before, step: 'send' };
  };
  if (operation === 'create') {
    return create.sourceTopics.map((source) => classify(create.prefix + source, byName.get(create.prefix + source), source));
  }
  switch (selection.kind) {
    case 'names':
      return selection.names.map((name) => classify(name, byName.get(name)));
    case 'pattern':
      return mirrors.filter((m) => selection.pattern.test(m.mirrorTopicName)).map((m) => classify(m.mirrorTopicName, m));
    case 'all':
      return mirrors.map((m) => classify(m.mirrorTopicName, m));
  }
}

/**
 * Partitions whose lag is above `maxLag`, among the topics about to be cut. Needs each partition's lag (the listing
 * read with `partitions: true`); a topic over the limit without them is an error of the caller, never a pass.
 */
export function lagViolations(planned: PlannedTopic[], maxLag: number): Array<{ topic: string; partition: number; lag: number }> {
  const found: Array<{ topic: string; partition: number; lag: number }> = [];
  for (const p of planned) {
    if (p.step !== 'send' || !p.before || p.before.lags.max <= maxLag) continue;
    const partitions = p.before.lags.partitions;
    if (!partitions) throw new Error(`internal: the lags of ${p.topic} were read without their partitions; max-lag needs them`);
    for (const l of partitions) if (l.lag > maxLag) found.push({ topic: p.topic, partition: l.partition, lag: l.lag });
  }
  return found;
}

/** Splits into consecutive chunks of at most `size` (ceil(n / size) chunks). */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** `a, b, c and 7 more`: keeps error lines readable with 1,000 topics. */
export function listSome(items: string[], limit = 20): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}
