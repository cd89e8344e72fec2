/**
 * GitHub's concurrency groups, in one process: at most one run (or job) holds a group and at most one
 * waits; a newer waiter cancels the older waiter; `cancel-in-progress` cancels the holder instead. A
 * called workflow or job asking for a group its own run already holds is GitHub's deadlock, and is
 * refused with GitHub's message rather than waiting forever.
 */

/** Who asks for a group. `chain` lists the ids of this request and of every run/job that contains it. */
export interface ConcurrencyRequester {
  id: string;
  chain: string[];
  /** What GitHub calls this requester in the deadlock message (`top level workflow`, a job id). */
  label: string;
  /** Cancels the requester's run when a newer request with cancel-in-progress takes the group. */
  cancel(): void;
}

/** The answer to {@link ConcurrencyGroups.acquire}. */
export type Acquired = { ok: true; release(): void } | { ok: false; reason: string };

interface Holder {
  requester: ConcurrencyRequester;
}

interface Waiter {
  requester: ConcurrencyRequester;
  resolve(value: Acquired): void;
}

/** One set of groups, like one repository's. Share an instance between runs that must not overlap. */
export class ConcurrencyGroups {
  private readonly holders = new Map<string, Holder>();
  private readonly waiters = new Map<string, Waiter>();

  /** Who holds a group now (its requester id), for tests and reports. */
  holder(group: string): string | undefined {
    return this.holders.get(group)?.requester.id;
  }

  /** Who waits for a group now (its requester id). */
  waiting(group: string): string | undefined {
    return this.waiters.get(group)?.requester.id;
  }

  /** Waits for the group; resolves `ok: false` when this request was cancelled or deadlocks. */
  acquire(group: string, requester: ConcurrencyRequester, cancelInProgress: boolean): Promise<Acquired> {
    const holder = this.holders.get(group);
    if (holder && requester.chain.includes(holder.requester.id)) {
      return Promise.resolve({
        ok: false,
        reason: `Canceling since a deadlock for concurrency group '${group}' was detected between '${holder.requester.label}' and '${requester.label}'`,
      });
    }
    if (!holder) return Promise.resolve(this.take(group, requester));
    const previous = this.waiters.get(group);
    if (previous) {
      this.waiters.delete(group);
      previous.resolve({ ok: false, reason: `Canceling since a higher priority waiting request for '${group}' exists` });
    }
    if (cancelInProgress) holder.requester.cancel();
    return new Promise((resolve) => this.waiters.set(group, { requester, resolve }));
  }

  private take(group: string, requester: ConcurrencyRequester): Acquired {
    this.holders.set(group, { requester });
    let done = false;
    return {
      ok: true,
      release: () => {
        if (done) return;
        done = true;
        this.holders.delete(group);
        const next = this.waiters.get(group);
        if (next) {
          this.waiters.delete(group);
          next.resolve(this.take(group, next.requester));
        }
      },
    };
  }
}

/** The groups every run shares unless given its own instance (one process = one repository). */
export const defaultConcurrencyGroups = new ConcurrencyGroups();
