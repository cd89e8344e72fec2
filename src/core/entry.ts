import * as core from './runner.js';
import { describeError } from './errors.js';

/**
 * The whole body of every `index.ts`: run the action and, on rejection, fail the step with one
 * line prefixed by the action's name. `run` itself throws and never calls process.exit.
 */
export function runEntry(actionName: string, run: () => Promise<void>): void {
  run().catch((err: unknown) => {
    core.setFailed(`${actionName}: ${describeError(err)}`);
  });
}
