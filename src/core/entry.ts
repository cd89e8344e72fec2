import { enableCompileCache } from 'node:module';
import * as core from './runner.js';
import { describeError } from './errors.js';

/**
 * The whole body of every `index.ts`: run the action and, on rejection, fail the step with one
 * line prefixed by the action's name. `run` itself throws and never calls process.exit.
 */
export function runEntry(actionName: string, run: () => Promise<void>): void {
  // V8 keeps the compiled code of the lazily loaded chunks (client-node alone takes ~90 ms to compile) in
  // the OS temp dir, which lasts for the job on hosted runners: the next step using the same bundle
  // (failback after failover, a second verify) starts without compiling. A cache problem never fails a step.
  try {
    enableCompileCache();
  } catch {
    // not available or not writable: run uncached
  }
  run().catch((err: unknown) => {
    core.setFailed(`${actionName}: ${describeError(err)}`);
  });
}
