import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '../../core/runner.js';
import { actionsLogger } from '../../core/log.js';
import { getInputs, type MirrorInputs } from './inputs.js';
import type { MirrorProgress } from './mirror.js';
import { failureOf, failureSummaryOf, outputsOf, resultLine, summaryOf, type FailureContext } from './report.js';
import type { MirrorResult } from './result.js';

/**
 * ccloud-mirror: reads and validates every input, then (only then) loads the HTTP client, runs the
 * mirror operation, sets the outputs and writes the job summary. Fails the step, after outputs and
 * summary are written, when any topic failed. Whatever fails, the job summary says what, where, what
 * to do and the state the topics are in as far as it is known.
 */
export async function run(): Promise<void> {
  const context: FailureContext = { progress: { changeRequests: 0 } };
  try {
    const inputs = getInputs();
    context.inputs = inputs;
    for (const notice of inputs.notices) core.notice(notice);
    const result = await connectAndRun(inputs, context.progress);
    core.setOutputs(outputsOf(result, writeResultFile(result)));
    core.appendSummary(summaryOf(result));
    core.info(resultLine(result));
    const failure = failureOf(result);
    if (failure) throw failure;
  } catch (err) {
    core.appendSummary(failureSummaryOf(err, context));
    throw err;
  }
}

/**
 * The whole result as a file under RUNNER_TEMP (the outputs may have to shorten it), and its size in bytes; undefined
 * when it cannot be written. The file is the result's JSON, written topic by topic: 10,000 topics are 1.4 MB of it,
 * never built as one string (nor copied into one buffer to write it) at the run's end, where its memory peaks.
 */
export function writeResultFile(result: MirrorResult): { path: string; bytes: number } | undefined {
  const path = join(process.env.RUNNER_TEMP || tmpdir(), `ccloud-mirror-result-${randomUUID()}.json`);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w', 0o600);
    // The result without its topics, a placeholder where they go: JSON.stringify's text around them, key order kept.
    const placeholder = `"${randomUUID()}"`;
    const [head, tail] = JSON.stringify({ ...result, topics: placeholder.slice(1, -1) }).split(placeholder);
    let bytes = 0;
    let pending = '';
    const write = (text: string, flush = false) => {
      pending += text;
      if (!flush && pending.length < 64 * 1024) return;
      const buffer = Buffer.from(pending, 'utf8');
      for (let at = 0; at < buffer.length;) at += writeSync(fd!, buffer, at);
      bytes += buffer.length;
      pending = '';
    };
    write(`${head}[`);
    result.topics.forEach((topic, i) => write(`${i ? ',' : ''}${JSON.stringify(topic)}`));
    write(`]${tail}`, true);
    return { path, bytes };
  } catch (err) {
    core.warning(`the full result could not be written to RUNNER_TEMP (${(err as Error).message}); the outputs carry what fits`);
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The client for the cluster, then the operation; both modules load only once the inputs are valid. */
async function connectAndRun(inputs: MirrorInputs, progress: MirrorProgress): Promise<MirrorResult> {
  // Loaded after validation so that a bad input fails without paying for undici.
  // One deadline for the whole run, set before the first request: preflight, alter calls and polls all end by it.
  const deadline = Date.now() + inputs.timeoutMs;
  const { ConfluentClient } = await import('./confluent/client.js');
  const { runMirror } = await import('./mirror.js');
  const client = new ConfluentClient({
    restEndpoint: inputs.restEndpoint,
    clusterId: inputs.clusterId,
    apiKey: inputs.apiKey,
    apiSecret: inputs.apiSecret,
    operation: inputs.operation,
    http: { timeoutMs: inputs.requestTimeoutMs, logger: actionsLogger, deadline },
  });
  const peer =
    inputs.peer &&
    new ConfluentClient({ ...inputs.peer, operation: inputs.operation, http: { timeoutMs: inputs.requestTimeoutMs, logger: actionsLogger, deadline } });
  return runMirror(client, inputs, { logger: actionsLogger, progress, deadline, peer });
}
