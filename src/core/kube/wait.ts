import { setTimeout as delay } from 'node:timers/promises';

/**
 * A clock whose sleeps can be cut short. Waiting on watches races "something changed" against a
 * deadline; the losing timer must be cancelled, or a pending 10-minute timer would keep the action's
 * process alive after the work is done.
 */
export interface WaitClock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemWaitClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(Math.max(0, ms), undefined, { signal }).catch(() => undefined),
};

/** A level-triggered wake-up: `notify` releases the current `wait` (and any later one until reset). */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.release?.();
  }

  /** Waits until notified or until `ms` passed on `clock`, whichever comes first. */
  async wait(clock: WaitClock, ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const controller = new AbortController();
    const notified = new Promise<void>((resolve) => (this.release = resolve));
    await Promise.race([notified, clock.sleep(ms, controller.signal)]);
    controller.abort();
    this.release = undefined;
    this.pending = false;
  }
}
