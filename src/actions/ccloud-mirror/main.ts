import * as core from '../../core/runner.js';
import { describeError } from '../../core/errors.js';
import { actionsLogger } from '../../core/log.js';
import { formatDuration } from '../../core/time.js';
import { getInputs } from './inputs.js';
import { failureOf, outputsOf, summaryOf } from './report.js';
import type { MirrorResult } from './result.js';

/**
 * ccloud-mirror: reads and validates every input, then (only then) loads the HTTP client, runs the
 * mirror operation, sets the outputs and writes the job summary. Fails the step, after outputs and
 * summary are written, when any topic failed.
 */
export async function run(): Promise<void> {
  const inputs = getInputs();
  for (const notice of inputs.notices) core.notice(notice);
  // Loaded after validation so that a bad input fails without paying for undici.
  const { ConfluentClient } = await import('../../core/confluent/client.js');
  const { runMirror } = await import('./mirror.js');
  const client = new ConfluentClient({
    restEndpoint: inputs.restEndpoint,
    clusterId: inputs.clusterId,
    apiKey: inputs.apiKey,
    apiSecret: inputs.apiSecret,
    operation: inputs.operation,
    http: { timeoutMs: inputs.requestTimeoutMs, logger: actionsLogger },
  });
  let result: MirrorResult;
  try {
    result = await runMirror(client, inputs, { logger: actionsLogger });
  } catch (err) {
    core.appendSummary(`### ccloud-mirror: \`${inputs.operation}\` on link \`${inputs.linkName}\` (cluster ${inputs.clusterId})\n\n❌ ${describeError(err)}\n`);
    throw err;
  }
  core.setOutputs(outputsOf(result));
  core.appendSummary(summaryOf(result));
  core.info(
    `${inputs.operation}: ${result.succeeded.length} topic(s) ok, ${result.failed.length} failed; max-lag ${result.maxLag}, total-lag ${result.totalLag}; ${result.requests} request(s) in ${formatDuration(result.durationMs)} (${formatDuration(result.sleptMs)} of it waiting between polls)`,
  );
  const failure = failureOf(result);
  if (failure) throw failure;
}
