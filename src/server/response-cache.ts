/**
 * Serialized response bodies of hot reads (an asset by ref), kept until the audit log shows a
 * write to their ref — by this process or any other sharing the store — and bounded in bytes,
 * least recently used first out. An entry remembers what the caller's authorization is judged on
 * (the asset's kind and domain), so a cached body is served only after the same check as a fresh
 * read.
 */
import { type AuditFeed, auditFeedOf } from '../audit/audit-feed.js';
import type { GuardTarget } from '../catalog/access-guard.js';
import type { CatalogStore } from '../store/catalog-store.js';

export interface CachedBody {
  /** What access control judges a read of this ref on. */
  target: GuardTarget;
  version: number;
  body: string;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();
  /** Every variant ever kept (a handful), to find a changed ref's entries without a scan. */
  private readonly variants = new Set<string>();
  private bytes = 0;
  /** Reads answered from the cache, and reads that found nothing kept (for /metrics). */
  hits = 0;
  misses = 0;
  private readonly feed: AuditFeed;

  constructor(
    store: Pick<CatalogStore, 'auditRefs' | 'auditHead'>,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {
    this.feed = auditFeedOf(store);
    this.feed.subscribe((change) => {
      if (change === 'everything') {
        this.entries.clear();
        this.bytes = 0;
        return;
      }
      for (const ref of change.refs) for (const variant of this.variants) this.drop(`${variant}\u0000${ref}`);
    });
  }

  /**
   * The body kept for `ref` in this `variant` (whatever about the caller shapes the body), current
   * as of `since` (a mark of the audit feed); undefined when there is none.
   */
  async get(ref: string, variant: string, since?: number): Promise<CachedBody | undefined> {
    await this.feed.catchUp(since);
    const key = `${variant}\u0000${ref}`;
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Where the feed stands before a fresh read: pass it to `put` with what the read found. */
  get position(): number {
    return this.feed.position;
  }

  /**
   * Keeps a freshly read body, unless a change arrived since `position` (it may have been to this
   * very ref, after the read) or the body alone would fill a quarter of the cache.
   */
  put(ref: string, variant: string, position: number, value: CachedBody): void {
    if (this.feed.position !== position || value.body.length * 4 > this.maxBytes) return;
    const key = `${variant}\u0000${ref}`;
    this.drop(key);
    this.variants.add(variant);
    this.entries.set(key, value);
    this.bytes += value.body.length;
    for (const old of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(old);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.body.length;
  }
}
