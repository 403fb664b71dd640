/**
 * Admission control for OpenLineage ingestion under a flood: at most `limit` batches are being
 * stored or waiting for the write lock at once; beyond that a request is refused (HTTP 429 with
 * Retry-After) before anything is read into the store, so every event is either stored whole or
 * refused whole, never dropped after being accepted.
 */
export class IngestGate {
  private inFlight = 0;

  constructor(readonly limit: number) {}

  get pending(): number {
    return this.inFlight;
  }

  /** Takes a slot, or returns false when the gate is full. */
  tryAcquire(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight += 1;
    return true;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Runs `fn` in a slot; undefined when the gate is full. */
  async run<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.tryAcquire()) return undefined;
    try {
      return { value: await fn() };
    } finally {
      this.release();
    }
  }
}
