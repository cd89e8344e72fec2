import { ActionError } from '../../core/errors.js';
import { table } from '../../core/markdown.js';
import { formatDuration } from '../../core/time.js';
import type { MirrorResult, TopicResult } from './result.js';

const OUTCOME_TEXT: Record<TopicResult['outcome'], string> = {
  changed: 'done',
  already: 'already there',
  accepted: 'accepted (not awaited)',
  'would-change': 'would change',
  reported: '–',
  failed: '**failed**',
};

/** The action's outputs, all derived from the result (objects become JSON in `setOutputs`). */
export function outputsOf(result: MirrorResult): Record<string, unknown> {
  return {
    result,
    'succeeded-topics': result.succeeded.join(','),
    'failed-topics': result.failed.join(','),
    'max-lag': String(result.maxLag),
    'total-lag': String(result.totalLag),
    'messages-truncated': result.messagesTruncated === undefined ? '' : String(result.messagesTruncated),
  };
}

/** The job summary: a headline, the totals, and one table row per topic (failures first). */
export function summaryOf(result: MirrorResult): string {
  const lines = [`### ccloud-mirror: \`${result.operation}\` on link \`${result.link}\` (cluster ${result.clusterId})`, '', headline(result), ''];
  if (result.forcedOver?.length) {
    lines.push(`> [!WARNING]\n> \`force: true\` cut ${result.forcedOver.length} partition(s) lagging above \`max-lag\`; those records were not mirrored.`, '');
  }
  const rank = (t: TopicResult) => (t.outcome === 'failed' ? 0 : 1);
  const rows = [...result.topics]
    .sort((a, b) => rank(a) - rank(b))
    .map((t) => [
      `\`${t.topic}\``,
      t.before,
      result.dryRun && t.outcome === 'would-change' ? `${t.after} → ${result.target} (dry run)` : t.after,
      t.maxLag,
      t.totalLag,
      OUTCOME_TEXT[t.outcome],
      t.error ?? t.note ?? (t.messagesTruncated !== undefined ? `${t.messagesTruncated} record(s) truncated` : ''),
    ]);
  rows.push([
    `**Total** (${result.topics.length})`,
    '',
    '',
    `**${result.maxLag}**`,
    `**${result.totalLag}**`,
    `${result.succeeded.length} ok, ${result.failed.length} failed`,
    '',
  ]);
  lines.push(table(['Topic', 'Before', 'After', 'Max lag', 'Total lag', 'Result', 'Error or note'], rows), '');
  lines.push(
    `<sub>${lagMeaning(result)} ${result.requests} request(s), ${result.alterRequests} of them to change topics, ${result.polls} poll(s), ${formatDuration(result.durationMs)}.</sub>`,
    '',
  );
  return lines.join('\n');
}

function headline(result: MirrorResult): string {
  const n = result.topics.length;
  const count = (o: TopicResult['outcome']) => result.topics.filter((t) => t.outcome === o).length;
  const failed = result.failed.length;
  const lag = `Max lag **${result.maxLag}**, total lag **${result.totalLag}** record(s)`;
  if (result.operation === 'status') {
    return `${n} mirror topic(s)${failed ? `, **${failed} not found**` : ''}. ${lag} not yet mirrored.`;
  }
  if (result.dryRun) {
    return `**Dry run** (\`validate_only=true\`): nothing was changed. ${count('would-change')} topic(s) would become ${result.target}, ${count('already')} already are, ${failed} would fail. ${lag}${result.lagBasis === 'cut' ? ' would be left behind by the cut' : ''}.`;
  }
  const ok = `${result.succeeded.length} of ${n} topic(s) ${result.target}`;
  const parts = `${count('changed')} changed, ${count('already')} already ${result.target}${count('accepted') ? `, ${count('accepted')} accepted but not awaited` : ''}`;
  const truncated = result.messagesTruncated !== undefined ? ` ${result.messagesTruncated} record(s) truncated.` : '';
  const rpo =
    result.lagBasis !== 'cut'
      ? `${lag} behind.`
      : result.operation === 'failover'
        ? `${lag} not yet mirrored at the cut (the RPO estimate).`
        : `${lag} not yet mirrored when ${result.operation} was accepted (it syncs them before stopping).`;
  return `${failed ? '❌' : '✅'} ${ok} (${parts})${failed ? `, **${failed} failed**` : ''}${result.timedOut ? ' (the wait timed out)' : ''}. ${rpo}${truncated}`;
}

function lagMeaning(result: MirrorResult): string {
  return result.lagBasis === 'cut'
    ? 'Lag: records on the source not yet mirrored when the topic was cut (topics cut by this run).'
    : 'Lag: records on the source not yet mirrored, at the last listing.';
}

/**
 * The error that fails the step when any topic failed: every failed topic with its reason, one per
 * line, after all topics were tried. Undefined when all succeeded.
 */
export function failureOf(result: MirrorResult): ActionError | undefined {
  const failed = result.topics.filter((t) => t.outcome === 'failed');
  if (failed.length === 0) return undefined;
  const lines = failed.map((t) => `- ${t.topic}: ${t.error ?? 'failed'}`);
  const verb = result.dryRun ? `would fail to ${result.operation}` : result.operation === 'status' ? 'could not be read' : `failed to ${result.operation}`;
  let fix = `${result.succeeded.length} other topic(s) succeeded. Fix the cause and re-run the step: topics already ${result.target ?? 'done'} count as done`;
  if (result.operation === 'promote')
    fix += ". If the source cluster is unreachable, use 'operation: failover' instead (promote needs the source for a final sync)";
  if (result.timedOut) fix += ". Some topics did not reach the target in time: raise 'timeout' if they were still moving";
  // Where and fix are part of the text so the list of topics stays the last, readable block.
  return new ActionError(
    `${failed.length} of ${result.topics.length} topic(s) on cluster ${result.clusterId}, link ${result.link} ${verb}. ${fix}.\n${lines.join('\n')}`,
  );
}
