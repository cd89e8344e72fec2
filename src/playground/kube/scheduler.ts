/** A controller: a name, and a sync of one key (usually `namespace/name`) that reads and writes through the API. */
export interface Controller {
  readonly name: string;
  sync(key: string): void;
}

/**
 * Runs the emulator's controllers like informers with work queues: store events enqueue keys,
 * timed wake-ups (pod readiness, progress deadlines) enqueue keys at a time, and one timer tick
 * drains every queue until nothing is left, so a cascade (pod ready → ReplicaSet status →
 * Deployment status) completes within one tick. Timers are unref'ed and stop() cancels them.
 */
export class Scheduler {
  private readonly controllers: Controller[] = [];
  private readonly queues = new Map<string, Set<string>>();
  private readonly wakeups = new Map<string, { at: number; controller: string; key: string }>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running = false;
  private stopped = false;
  /** Errors thrown by syncs (a controller bug, never an expected outcome); the emulator prints them. */
  readonly errors: Error[] = [];

  constructor(
    private readonly tickMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (err: Error, controller: string, key: string) => void = () => {},
  ) {}

  register(controller: Controller): void {
    this.controllers.push(controller);
    this.queues.set(controller.name, new Set());
  }

  enqueue(controller: string, key: string): void {
    if (this.stopped) return;
    this.queues.get(controller)?.add(key);
    this.arm(this.now() + this.tickMs);
  }

  /** Enqueues a key at a given time (the earliest request per key wins). */
  enqueueAt(controller: string, key: string, at: number): void {
    if (this.stopped) return;
    const id = `${controller}\u0000${key}`;
    const existing = this.wakeups.get(id);
    if (existing && existing.at <= at && existing.at > this.now()) return;
    this.wakeups.set(id, { at, controller, key });
    this.arm(Math.max(at, this.now() + 1));
  }

  private arm(at: number): void {
    if (this.stopped || this.running) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.run(), Math.max(0, at - this.now()));
    this.timer.unref();
  }

  /** Drains every queue now (also what the timer calls). */
  run(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.stopped || this.running) return;
    this.running = true;
    try {
      for (let round = 0; round < 200; round++) {
        const now = this.now();
        for (const [id, w] of this.wakeups) {
          if (w.at <= now) {
            this.wakeups.delete(id);
            this.queues.get(w.controller)?.add(w.key);
          }
        }
        let worked = false;
        for (const c of this.controllers) {
          const queue = this.queues.get(c.name) as Set<string>;
          if (queue.size === 0) continue;
          const keys = [...queue];
          queue.clear();
          worked = true;
          for (const key of keys) {
            try {
              c.sync(key);
            } catch (err) {
              const e = err instanceof Error ? err : new Error(String(err));
              this.errors.push(e);
              this.onError(e, c.name, key);
            }
          }
        }
        if (!worked) break;
      }
    } finally {
      this.running = false;
    }
    let next = Infinity;
    for (const w of this.wakeups.values()) next = Math.min(next, w.at);
    for (const q of this.queues.values()) if (q.size > 0) next = Math.min(next, this.now() + this.tickMs);
    if (next < Infinity) this.arm(next);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wakeups.clear();
    for (const q of this.queues.values()) q.clear();
  }
}
