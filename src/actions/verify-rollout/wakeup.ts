import type { Clock } from '../../core/time.js';

/** A level-triggered wake-up: `notify` releases the current `wait` (and any later one until reset). */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.release?.();
  }

  /** Waits until notified or until `ms` passed on `clock`, whichever comes first. */
  async wait(clock: Clock, ms: number): Promise<void> {
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
