/**
 * Scheduled checks for `charter serve`. A dataset is scheduled by a cron `schedule` on one of its
 * contract's quality rules, or else by the `quality-schedule` label of its domain (or the nearest
 * ancestor domain that has one). Every tick the schedule table is brought in line with the catalog,
 * due datasets are leased in the database (so several servers run each due check once, and a crashed
 * server's lease simply expires), and checked with bounded concurrency, never two runs of one
 * dataset at a time.
 */
import { hostname } from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import type { ScheduleEntry } from '../store/quality-store.js';
import type { QualityService } from './quality-service.js';

export const DOMAIN_SCHEDULE_LABEL = 'quality-schedule';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** The next time after `after` that a cron expression names (UTC), or undefined when it is invalid. */
export function nextRun(cron: string, after: Date): string | undefined {
  try {
    return (
      CronExpressionParser.parse(cron, { currentDate: after, tz: 'UTC' }).next().toISOString() ?? undefined
    );
  } catch {
    return undefined;
  }
}

/** The first cron `schedule` among a contract's quality rules (table or property level). */
export function contractSchedule(doc: Obj): string | undefined {
  for (const object of list(doc.schema)) {
    const rules = [...list(object.quality), ...list(object.properties).flatMap((p) => list(p.quality))];
    for (const rule of rules) {
      const scheduler = typeof rule.scheduler === 'string' ? rule.scheduler.toLowerCase() : 'cron';
      if (typeof rule.schedule === 'string' && rule.schedule.trim() && scheduler === 'cron')
        return rule.schedule.trim();
    }
  }
  return undefined;
}

export interface SchedulerOptions {
  /** Identifies this server's leases (default host:pid). */
  owner?: string;
  /** Checks running at once (default 2). */
  concurrency?: number;
  /** How long a lease holds before another server may take the work (default 15 minutes). */
  leaseMs?: number;
  /** Time between ticks (default 30 s). */
  intervalMs?: number;
  /** How often the schedule table is re-read from the catalog's contracts (default 5 minutes). */
  syncMs?: number;
  now?: () => Date;
  onError?: (error: unknown, ref?: string) => void;
  onRun?: (ref: string, status: string) => void;
}

export class QualityScheduler {
  readonly owner: string;
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private stopped = false;
  private lastSync: number | undefined;

  constructor(
    private readonly service: QualityService,
    private readonly options: SchedulerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}`;
  }

  private now() {
    return (this.options.now ?? (() => new Date()))();
  }

  /** What the catalog schedules now: contracts' own schedules, else their domain's label. */
  async entries(): Promise<ScheduleEntry[]> {
    const store = this.service.catalog.store;
    const out: ScheduleEntry[] = [];
    const labels = new Map<string, string | undefined>();
    const domainLabel = async (
      domain: string | null,
    ): Promise<{ cron: string; domain: string } | undefined> => {
      if (!domain) return undefined;
      for (const d of await this.service.catalog.domainPath(domain)) {
        if (!labels.has(d)) {
          const asset = await store.getAsset(d);
          const meta = asset?.doc.metadata as { labels?: Record<string, string> } | undefined;
          labels.set(d, meta?.labels?.[DOMAIN_SCHEDULE_LABEL]);
        }
        const cron = labels.get(d);
        if (cron) return { cron, domain: d };
      }
      return undefined;
    };
    for (let offset = 0; ; offset += 500) {
      const page = await store.scanAssets({ kind: 'DataContract', limit: 500, offset });
      for (const asset of page) {
        const own = contractSchedule(asset.doc);
        if (own && nextRun(own, this.now())) {
          out.push({ ref: asset.ref, cron: own, source: 'contract' });
          continue;
        }
        const inherited = await domainLabel(asset.domain);
        if (inherited && nextRun(inherited.cron, this.now()))
          out.push({ ref: asset.ref, cron: inherited.cron, source: inherited.domain });
      }
      if (page.length < 500) break;
    }
    return out;
  }

  /** One round: sync the schedule table, lease what is due and start it. Returns the refs started. */
  async tick(): Promise<string[]> {
    const now = this.now();
    // Reading every contract is the expensive part; schedules change rarely.
    if (this.lastSync === undefined || now.getTime() - this.lastSync >= (this.options.syncMs ?? 300_000)) {
      await this.service.store.syncSchedules(await this.entries(), (cron) => nextRun(cron, now)!);
      this.lastSync = now.getTime();
    }
    const free = (this.options.concurrency ?? 2) - this.running.size;
    if (free <= 0) return [];
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 15 * 60_000)).toISOString();
    const claimed = await this.service.store.claimDue(now.toISOString(), this.owner, leaseUntil, free);
    const started: string[] = [];
    for (const row of claimed) {
      if (this.running.has(row.ref)) continue;
      started.push(row.ref);
      const job = this.runOne(row.ref, row.cron).finally(() => this.running.delete(row.ref));
      this.running.set(row.ref, job);
    }
    return started;
  }

  private async runOne(ref: string, cron: string) {
    try {
      const run = await this.service.checkDataset(ref, { trigger: 'schedule' });
      this.options.onRun?.(ref, run.status);
    } catch (error) {
      this.options.onError?.(error, ref);
    } finally {
      const done = this.now();
      await this.service.store
        .finishDue(
          ref,
          this.owner,
          nextRun(cron, done) ?? new Date(done.getTime() + 86_400_000).toISOString(),
          done.toISOString(),
        )
        .catch((error) => this.options.onError?.(error, ref));
    }
  }

  /** Waits for the checks started so far. */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  start(): this {
    const loop = () => {
      if (this.stopped) return;
      this.ticking = this.tick()
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs ?? 30_000);
        });
    };
    loop();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.idle();
  }
}
