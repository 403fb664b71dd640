/**
 * What changed in the store, read from the audit log. Every change is audited in the transaction that
 * makes it, so the records after a sequence number name every ref written since, by this process or
 * any other sharing the store. Caches subscribe and drop what a change touches; one cheap query
 * brings them all up to date, and callers waiting at the same time share it.
 */
import type { CatalogStore } from '../store/catalog-store.js';

/** The refs audited since the last delivery, or `everything` when the feed cannot say (a gap). */
export type AuditChange = { refs: ReadonlySet<string> } | 'everything';

/** More records than this since the last look: caches start afresh rather than read them all. */
const PAGE = 500;

const feeds = new WeakMap<object, AuditFeed>();

/**
 * A logical clock ordering calls and queries, one for the process so a mark taken from any feed
 * means the same moment to every feed: a query whose tick is above a caller's mark started after
 * the caller asked, so it sees every change committed before then.
 */
let clock = 0;

/** The one feed of a store in this process, shared by every cache over that store. */
export function auditFeedOf(store: Pick<CatalogStore, 'auditRefs' | 'auditHead'>): AuditFeed {
  let feed = feeds.get(store);
  if (!feed) {
    feed = new AuditFeed(store);
    feeds.set(store, feed);
  }
  return feed;
}

export class AuditFeed {
  private readonly listeners: ((change: AuditChange) => void)[] = [];
  /** The last audit sequence number delivered; undefined before the first look. */
  private seq: number | undefined;
  private checkedAt = 0;
  /** The next or current look at the log; its tick is set when its query starts. */
  private running: { tick: number | undefined; done: Promise<void> } | undefined;
  /** Queries run so far (a figure for benchmarks and tests). */
  reads = 0;
  /** Counts deliveries, so a cache can tell whether anything arrived while it was reading. */
  private delivered = 0;

  constructor(private readonly store: Pick<CatalogStore, 'auditRefs' | 'auditHead'>) {}

  subscribe(listener: (change: AuditChange) => void): void {
    this.listeners.push(listener);
  }

  /** A point in this process's order of events: pass it to `catchUp` to be fresh as of now. */
  mark(): number {
    clock += 1;
    return clock;
  }

  /**
   * How many changes have been delivered so far. A cache reads this before it loads a value and
   * keeps the value only when it has not moved meanwhile, so a change landing mid-load is never
   * lost.
   */
  get position(): number {
    return this.delivered;
  }

  /**
   * Delivers every change committed before `since` (a `mark()`; default now) to the listeners.
   * Any query that starts after the mark will do, so the look is put off until the event loop has
   * taken in what arrived together (`setImmediate`): concurrent requests share one query.
   */
  async catchUp(since: number = this.mark()): Promise<void> {
    while (this.checkedAt < since) {
      const running = this.running;
      if (running) {
        if (running.tick === undefined || running.tick > since) return running.done;
        // That query may have missed a change committed just before `since`: wait, then look again.
        await running.done.catch(() => {});
        continue;
      }
      const next: { tick: number | undefined; done: Promise<void> } = {
        tick: undefined,
        done: Promise.resolve(),
      };
      next.done = new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          const tick = this.mark();
          next.tick = tick;
          this.reads += 1;
          this.read()
            .then(() => {
              this.checkedAt = Math.max(this.checkedAt, tick);
            })
            .finally(() => {
              this.running = undefined;
            })
            .then(resolve, reject);
        }),
      );
      this.running = next;
      return next.done;
    }
  }

  private async read(): Promise<void> {
    if (this.seq === undefined) {
      this.seq = (await this.store.auditHead()).seq;
      this.deliver('everything');
      return;
    }
    const since = await this.store.auditRefs({ afterSeq: this.seq, limit: PAGE });
    if (since.length >= PAGE) {
      // The head first: a change landing meanwhile is in what the caches load next, or seen next time.
      this.seq = (await this.store.auditHead()).seq;
      this.deliver('everything');
      return;
    }
    if (!since.length) return;
    this.seq = Math.max(this.seq, since[since.length - 1]!.seq);
    this.deliver({ refs: new Set(since.map((r) => r.ref)) });
  }

  private deliver(change: AuditChange) {
    this.delivered += 1;
    for (const listener of this.listeners) listener(change);
  }
}
