/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database
 * file every 1,000 pages by default, inside whichever commit crosses the mark, and that commit then
 * waits for the copy and its fsync: the tail of write latency. Here a worker thread with its own
 * connection checkpoints every `intervalMs` (PASSIVE: it never blocks a reader or a writer) and the
 * store's connection stops checkpointing by itself. If the worker cannot start or dies, the
 * connection checkpoints by itself again.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

// Plain CommonJS run by the worker: it needs nothing of ours, only the driver.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

const AUTOCHECKPOINT_PAGES = 1000;

export class Checkpointer {
  private worker: Worker | undefined;
  private readonly startTimer: NodeJS.Timeout;
  private stopped = false;

  /** Starts after `delayMs`, so a short command that opens the store and ends never pays for it. */
  constructor(
    private readonly database: Database.Database,
    private readonly file: string,
    options: { delayMs?: number; intervalMs?: number } = {},
  ) {
    this.startTimer = setTimeout(() => this.start(options.intervalMs ?? 250), options.delayMs ?? 1000);
    this.startTimer.unref();
  }

  private start(intervalMs: number): void {
    if (this.stopped || !this.database.open) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { file: this.file, driver, intervalMs },
    });
    worker.unref();
    worker.once('online', () => {
      if (!this.stopped && this.database.open) this.database.pragma('wal_autocheckpoint = 0');
    });
    const fallBack = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!this.stopped && this.database.open)
        this.database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    };
    worker.once('error', fallBack);
    worker.once('exit', fallBack);
    this.worker = worker;
  }

  /** Whether the worker is checkpointing (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Before the store's connection closes: the worker checkpoints once more and closes its own. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.startTimer);
    const worker = this.worker;
    this.worker = undefined;
    worker?.postMessage('stop');
  }
}
