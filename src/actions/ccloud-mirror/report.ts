import { ActionError } from '../../core/errors.js';
import { failureSummary } from '../../core/failure-summary.js';
import { Md, code, md, table } from '../../core/markdown.js';
import { formatDuration } from '../../core/time.js';
import { ConfluentApiError } from './confluent/errors.js';
import type { MirrorInputs } from './inputs.js';
import type { MirrorProgress } from './mirror.js';
import type { MirrorResult, TopicResult } from './result.js';

/**
 * Everything ccloud-mirror tells the user, as text: the outputs, the job summary and log line of a
 * run that returned a result, the error that fails the step when topics failed, and the job summary
 * of a failed step. Pure: `main` writes them.
 */

const OUTCOME_TEXT: Record<TopicResult['outcome'], Md> = {
  changed: md`done`,
  already: md`already there`,
  accepted: md`accepted (not awaited)`,
  'would-change': md`would change`,
  reported: md`–`,
  failed: md`**failed**`,
};

/**
 * A mirror status for a table cell. The known form (`PENDING_STOPPED`: letters, digits, inner underscores) is
 * shown as it is, which renders as plain text; anything else the server sent is escaped as text.
 */
function status(value: string): Md | string {
  return /^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/.test(value) ? new Md(value) : value;
}

/**
 * Rows of the summary's topic table, at most: GitHub keeps a step summary only up to 1 MiB, and a table of
 * thousands of topics is read by no one (the totals and failures are what matter; the result has every topic).
 */
export const SUMMARY_ROWS = 250;

/** GitHub refuses a step output over 1 MB (and fails the job): each output stays below this many bytes. */
export const OUTPUT_LIMIT_BYTES = 1_000_000 - 4096;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The action's outputs, all derived from the result. Each stays under GitHub's 1 MB per output: a `result` that
 * would pass it keeps the totals and the failed topics (then only their count, if even those are too many) and
 * says `truncated`; a topic list that would pass it keeps the names that fit. `truncated-outputs` names what was
 * shortened, and `result-file` (when given: its path and size) holds the whole result, ready for actions/upload-artifact.
 */
export function outputsOf(result: MirrorResult, resultFile?: { path: string; bytes: number }, limit = OUTPUT_LIMIT_BYTES): Record<string, string> {
  const truncated: string[] = [];
  // The whole result as JSON only when it fits: the file's size tells without building it again.
  let json = resultFile && resultFile.bytes > limit ? '' : JSON.stringify(result);
  if (resultFile ? resultFile.bytes > limit : bytes(json) > limit) {
    truncated.push('result');
    const failedTopics = result.topics.filter((t) => t.outcome === 'failed');
    const compact = { ...result, topics: failedTopics, topicCount: result.topics.length, truncated: true, resultFile: resultFile?.path ?? null };
    json = JSON.stringify(compact);
    if (bytes(json) > limit) json = JSON.stringify({ ...compact, topics: [], succeeded: [], failed: [], failedCount: result.failed.length });
    else if (bytes(JSON.stringify({ ...compact, succeeded: result.succeeded })) > limit) json = JSON.stringify({ ...compact, succeeded: [] });
  }
  const list = (name: string, names: string[]): string => {
    const all = names.join(',');
    if (bytes(all) <= limit) return all;
    truncated.push(name);
    let size = 0;
    const kept: string[] = [];
    for (const n of names) {
      size += bytes(n) + 1;
      if (size > limit) break;
      kept.push(n);
    }
    return kept.join(',');
  };
  const outputs: Record<string, string> = {
    result: json,
    'succeeded-topics': list('succeeded-topics', result.succeeded),
    'failed-topics': list('failed-topics', result.failed),
    'max-lag': String(result.maxLag),
    'total-lag': String(result.totalLag),
    'messages-truncated': result.messagesTruncated === undefined ? '' : String(result.messagesTruncated),
    'result-file': resultFile?.path ?? '',
    'rpo-basis': result.rpo?.basis ?? '',
  };
  outputs['truncated-outputs'] = truncated.join(',');
  return outputs;
}

/**
 * The job summary of a run that returned a result: a headline, the totals, and one table row per
 * topic (failures first), whose After column is the state each topic is in now.
 */
export function summaryOf(result: MirrorResult): string {
  const lines = [md`### ccloud-mirror: ${code(result.operation)} on link ${code(result.link)} (cluster ${result.clusterId})`.value, '', headline(result), ''];
  if (result.forcedOver?.length) {
    lines.push(`> [!WARNING]\n> \`force: true\` cut ${result.forcedOver.length} partition(s) lagging above \`max-lag\`; those records were not mirrored.`, '');
  }
  const rank = (t: TopicResult) => (t.outcome === 'failed' ? 0 : 1);
  const shown = [...result.topics].sort((a, b) => rank(a) - rank(b)).slice(0, SUMMARY_ROWS);
  const rows = shown.map((t) => [
    code(t.topic),
    status(t.before),
    result.dryRun && t.outcome === 'would-change' ? md`${status(t.after)} → ${status(result.target ?? '')} (dry run)` : status(t.after),
    t.maxLag,
    t.totalLag,
    OUTCOME_TEXT[t.outcome],
    // Errors and notes carry the server's words: escaped as text by the table.
    t.error ?? t.note ?? (t.messagesTruncated !== undefined ? md`${t.messagesTruncated} record(s) truncated` : ''),
  ]);
  rows.push([
    md`**Total** (${result.topics.length})`,
    '',
    '',
    md`**${result.maxLag}**`,
    md`**${result.totalLag}**`,
    md`${result.succeeded.length} ok, ${result.failed.length} failed`,
    '',
  ]);
  lines.push(...detailsOf(result));
  lines.push(table(['Topic', 'Before', 'After', 'Max lag', 'Total lag', 'Result', 'Error or note'], rows), '');
  if (shown.length < result.topics.length)
    lines.push(
      `<sub>The table shows ${shown.length} of ${result.topics.length} topics, the failed ones first: every topic is in the \`result\` output and in the file named by \`result-file\`.</sub>`,
      '',
    );
  lines.push(
    `<sub>${lagMeaning(result)} ${result.requests} request(s), ${result.alterRequests} of them to change topics, ${result.polls} poll(s), ${formatDuration(result.durationMs)} (${formatDuration(result.sleptMs)} of it waiting).</sub>`,
    '',
  );
  return lines.join('\n');
}

/** The RPO, the peer, the other side of a reverse, what the link syncs and what could not be checked: one list. */
function detailsOf(result: MirrorResult): string[] {
  const items: Md[] = [];
  if (result.rpo && !result.dryRun) items.push(md`**RPO**: ${result.rpo.text}.`);
  if (result.peer)
    items.push(
      result.peer.answered
        ? md`Peer cluster ${code(result.peer.clusterId)} answered at ${result.peer.at}.`
        : md`Peer cluster ${code(result.peer.clusterId)} did **not** answer at ${result.peer.at}: ${result.peer.error ?? 'no answer'}.`,
    );
  if (result.remote) {
    const r = result.remote;
    items.push(
      md`Other side: ${r.reached} topic(s) ${r.target} on ${code(r.clusterId)} (link ${code(r.link)})${
        r.failed.length
          ? md`, **${r.failed.length} not**: ${r.failed
              .slice(0, 20)
              .map((f) => `${f.topic} ${f.status}`)
              .join(', ')}`
          : ''
      }.`,
    );
  }
  const sync = result.sync;
  if (sync) {
    const o = sync.offsets;
    if (o.enabled) {
      const groups = o.groups.length
        ? md`; groups with offsets for these topics: ${o.groups.slice(0, 20).join(', ')}${o.read < o.selected ? ` (${o.read} of the ${o.selected} selected groups read)` : ''}`
        : md`; no selected group has offsets for these topics`;
      const replay =
        result.lagBasis === 'cut'
          ? md`. After the cut, consumers here resume from the last synced offsets and may re-read up to ${formatDuration(o.intervalMs ?? 0)} of records; the stopped topics sync no more offsets`
          : md``;
      items.push(
        md`Consumer offset sync: **on**, every ${formatDuration(o.intervalMs ?? 0)}, group filters ${code(o.groupFilters ?? '(none)')}${groups}${o.error ? md` (groups not read: ${o.error})` : ''}${replay}.`,
      );
    } else {
      items.push(
        result.lagBasis === 'cut'
          ? md`Consumer offset sync: **off**: consumer groups have no committed offsets here, so consumers start from their \`auto.offset.reset\` (latest: records skipped; earliest: all re-read).`
          : md`Consumer offset sync: off.`,
      );
    }
    items.push(
      sync.acls.enabled
        ? md`ACL sync: on, every ${formatDuration(sync.acls.intervalMs ?? 0)}, filters ${code(sync.acls.filters ?? '(none)')}.`
        : md`ACL sync: off: the clients' ACLs must exist on this cluster already.`,
    );
  }
  for (const note of result.notes) items.push(md`${note}`);
  return items.length ? [...items.map((i) => `- ${i.value}`), ''] : [];
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
    // Only a failover leaves the lag behind; the reverse verbs and promote sync it before the topics stop.
    const fate =
      result.lagBasis !== 'cut'
        ? ' not yet mirrored'
        : result.operation === 'failover'
          ? ' would be left behind by the cut'
          : ` not yet mirrored: ${result.operation} would sync them before the topics stop, so none would be lost`;
    return `**Dry run** (\`validate_only=true\`): nothing was changed. ${count('would-change')} topic(s) would become ${result.target}, ${count('already')} already are, ${failed} would fail. ${lag}${fate}.`;
  }
  const ok = `${result.succeeded.length} of ${n} topic(s) ${result.target}`;
  const parts = `${count('changed')} changed, ${count('already')} already ${result.target}${count('accepted') ? `, ${count('accepted')} accepted but not awaited` : ''}`;
  const truncated = result.messagesTruncated !== undefined ? ` ${result.messagesTruncated} record(s) truncated.` : '';
  const rpo =
    result.lagBasis !== 'cut'
      ? `${lag} behind.`
      : result.operation === 'failover'
        ? `${lag} not yet mirrored at the cut.`
        : `${lag} not yet mirrored when ${result.operation} was accepted (it syncs them before stopping).`;
  return `${failed ? '❌' : '✅'} ${ok} (${parts})${failed ? `, **${failed} failed**` : ''}${result.timedOut ? ' (the wait timed out)' : ''}. ${rpo}${truncated}`;
}

function lagMeaning(result: MirrorResult): string {
  return result.lagBasis === 'cut'
    ? 'Lag: records on the source not yet mirrored when the topic was cut (topics cut by this run).'
    : 'Lag: records on the source not yet mirrored, at the last listing.';
}

/** What to do about the failed topics of a result: said in the step's error and in the failure summary. */
function nextSteps(result: MirrorResult): string {
  let steps = `Fix the cause and re-run the step: topics already ${result.target ?? 'done'} count as done`;
  if (result.operation === 'promote')
    steps += ". If the source cluster is unreachable, use 'operation: failover' instead (promote needs the source for a final sync)";
  if (result.timedOut) steps += ". Some topics did not reach the target in time: raise 'timeout' if they were still moving";
  return steps;
}

/** The error that fails the step when topics failed; it carries the result for the failure summary. */
export class TopicsFailedError extends ActionError {
  constructor(
    message: string,
    readonly result: MirrorResult,
  ) {
    super(message);
    this.name = 'TopicsFailedError';
  }
}

/** `- topic: reason` for each failed topic; past `limit`, one line saying how many more. */
function failedLines(result: MirrorResult, limit = Infinity): string[] {
  const failed = result.topics.filter((t) => t.outcome === 'failed');
  const lines = failed.slice(0, limit).map((t) => `- ${t.topic}: ${t.error ?? 'failed'}`);
  if (failed.length > limit) lines.push(`- and ${failed.length - limit} more (see the table above)`);
  return lines;
}

function failedVerb(result: MirrorResult): string {
  return result.dryRun ? `would fail to ${result.operation}` : result.operation === 'status' ? 'could not be read' : `failed to ${result.operation}`;
}

/**
 * The error that fails the step when any topic failed: every failed topic with its reason, one per
 * line, after all topics were tried. Undefined when all succeeded.
 */
export function failureOf(result: MirrorResult): TopicsFailedError | undefined {
  if (result.failed.length === 0) return undefined;
  // Where and fix are part of the text so the list of topics stays the last, readable block.
  return new TopicsFailedError(
    `${result.failed.length} of ${result.topics.length} topic(s) on cluster ${result.clusterId}, link ${result.link} ${failedVerb(result)}. ${result.succeeded.length} other topic(s) succeeded. ${nextSteps(result)}.\n${failedLines(result).join('\n')}`,
    result,
  );
}

/** The log line of a run that returned a result. */
export function resultLine(result: MirrorResult): string {
  return `${result.operation}: ${result.succeeded.length} topic(s) ok, ${result.failed.length} failed; max-lag ${result.maxLag}, total-lag ${result.totalLag}; ${result.requests} request(s) in ${formatDuration(result.durationMs)} (${formatDuration(result.sleptMs)} of it waiting: between polls and before retries)`;
}

/** What main knew when the step failed: its inputs once they were read, and what the run had sent. */
export interface FailureContext {
  inputs?: Pick<MirrorInputs, 'operation' | 'linkName' | 'clusterId'>;
  progress: MirrorProgress;
}

/**
 * The job summary of a failed step (bad input, missing link, refused key, lag above max-lag, failed
 * topics...): what failed, where, what to do, and the state the topics are in as far as it is known.
 */
export function failureSummaryOf(err: unknown, context: FailureContext): string {
  if (err instanceof TopicsFailedError) {
    const { result } = err;
    const failed = new ActionError(
      `${result.failed.length} of ${result.topics.length} topic(s) ${failedVerb(result)}:\n${failedLines(result, 20).join('\n')}`,
      {
        where: `cluster ${result.clusterId}, link ${result.link}`,
        fix: nextSteps(result),
      },
    );
    return failureSummary('ccloud-mirror', failed, { inPlace: [topicsAfterResult(result)] });
  }
  const { inputs, progress } = context;
  return failureSummary('ccloud-mirror', err, {
    where: inputs && `cluster ${inputs.clusterId}, link ${inputs.linkName}`,
    fix: 'fix the cause and re-run the step: the operation is idempotent, and topics already in its target state count as done',
    inPlace: [topicsAfterThrow(err, progress, inputs?.operation)],
  });
}

function topicsAfterResult(result: MirrorResult): string {
  if (result.dryRun) return 'Topics unchanged: this was a dry run (`validate_only=true`).';
  if (result.operation === 'status') return 'Topics unchanged: `status` only reads the link.';
  return `${result.succeeded.length} of ${result.topics.length} topic(s) succeeded and ${result.failed.length} failed; the After column of the table above is the state each topic is in now.`;
}

function topicsAfterThrow(err: unknown, progress: MirrorProgress, operation: string | undefined): string {
  if (operation === undefined) return 'Topics unchanged: the inputs are checked before any request is sent.';
  if (progress.changeRequests === 0) return `Topics unchanged: \`${operation}\` stopped before it sent any request that changes a topic.`;
  if (err instanceof ConfluentApiError && err.status !== undefined && err.status < 500)
    return `Topics unchanged: the cluster refused (HTTP ${err.status}) the request that would have changed them.`;
  return `Topics unknown: a request that changes topics was sent, but whether the cluster applied it is not known. Run this step with \`operation: status\` to see each topic's state; re-running \`${operation}\` is safe.`;
}
