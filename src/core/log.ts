import * as core from './runner.js';

/** Where progress goes. Actions log to the runner; tests and the playground pass their own. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

export const actionsLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m),
};

export const silentLogger: Logger = { info: () => {}, warning: () => {}, debug: () => {} };
