/**
 * Notifications as CloudEvents 1.0 (structured JSON) over webhooks. Which audit records become
 * events is decided here; the store's audit tap writes each one to the outbox in the transaction of
 * the change, with a delivery per matching webhook (global, or of the event's domain or an ancestor).
 * `WebhookDeliverer` leases due deliveries, POSTs them signed (Standard Webhooks headers: an
 * HMAC-SHA256 over id, timestamp and body), retries with exponential backoff and moves a delivery
 * to the dead-letter list after its last attempt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuditRecord } from '../store/catalog-store.js';
import type { ClaimedDelivery, LineageStore, OutboxEvent } from '../store/lineage-store.js';

export const EVENT_PREFIX = 'io.charter.';

export const EVENT_TYPES = [
  'io.charter.incident.opened',
  'io.charter.incident.resolved',
  'io.charter.outcome.recorded',
  'io.charter.admission.denied',
  'io.charter.approval.requested',
  'io.charter.approval.decided',
  'io.charter.classification.conflict',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

function typeOf(record: AuditRecord): EventType | undefined {
  switch (record.action) {
    case 'incident.open':
      return 'io.charter.incident.opened';
    case 'incident.resolve':
      return 'io.charter.incident.resolved';
    case 'outcome.record':
      return 'io.charter.outcome.recorded';
    case 'deny':
      return 'io.charter.admission.denied';
    case 'request-approval':
      return 'io.charter.approval.requested';
    case 'approve':
    case 'reject':
    case 'grant-waiver':
    case 'refuse-waiver':
      return 'io.charter.approval.decided';
    case 'classification.conflict':
      return 'io.charter.classification.conflict';
    case 'create':
    case 'update':
      // A new or changed waiver waits for the data office.
      return record.ref.startsWith('waiver:') ? 'io.charter.approval.requested' : undefined;
    default:
      return undefined;
  }
}

/** The domain a ref lives in (`dataset:payments/x` → payments, `domain:payments` → payments). */
export function domainOfRef(ref: string): string | undefined {
  const m = /^([a-z]+):([^/]+)\/[^/]+$/.exec(ref);
  if (m) return m[2];
  const d = /^domain:(.+)$/.exec(ref);
  return d?.[1];
}

/** Turns an audit record into an outbox event (a CloudEvent), or undefined when it is not one. */
export function outboxEventOf(record: AuditRecord): Omit<OutboxEvent, 'id'> | undefined {
  const type = typeOf(record);
  if (!type) return undefined;
  const details = record.details ?? {};
  const listed = Array.isArray(details.domains) ? (details.domains as string[]) : [];
  const own = domainOfRef(record.ref);
  const domains = [...new Set([...(own ? [own] : []), ...listed])];
  return {
    type,
    subject: record.ref,
    domains,
    time: record.time,
    payload: {
      specversion: '1.0',
      source: 'urn:charter',
      type,
      subject: record.ref,
      time: record.time,
      datacontenttype: 'application/json',
      data: {
        action: record.action,
        ref: record.ref,
        version: record.version,
        actor: record.actor,
        auditSeq: record.seq,
        ...(domains.length ? { domains } : {}),
        details,
      },
    },
  };
}

/** The Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** What a receiver does: recompute the signature and compare (any of the space-separated ones). */
export function verifyWebhook(
  secret: string,
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string },
  body: string,
): boolean {
  const expected = Buffer.from(
    signWebhook(secret, headers['webhook-id'], Number(headers['webhook-timestamp']), body),
  );
  return headers['webhook-signature'].split(' ').some((s) => {
    const given = Buffer.from(s);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface DelivererOptions {
  /** Identifies this server's leases (default host:pid). */
  owner?: string;
  /** Deliveries sent at once (default 4). */
  concurrency?: number;
  /** How long a lease holds before another server may take the delivery (default 2 minutes). */
  leaseMs?: number;
  /** Time between ticks (default 2 s). */
  intervalMs?: number;
  /** Attempts before a delivery goes to the dead-letter list (default 8). */
  maxAttempts?: number;
  /** First retry delay, doubled each attempt up to `maxBackoffMs` (default 10 s, 1 h). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
  onError?: (error: unknown) => void;
  onDelivery?: (
    delivery: ClaimedDelivery,
    result: 'delivered' | 'retry' | 'dead',
    status: number | null,
  ) => void;
}

export interface TickResult {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
}

export class WebhookDeliverer {
  readonly owner: string;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly store: LineageStore,
    private readonly options: DelivererOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}`;
  }

  private now() {
    return (this.options.now ?? (() => new Date()))();
  }

  /** The wait before attempt `attempts + 1` (exponential, capped). */
  backoff(attempts: number): number {
    const base = this.options.backoffMs ?? 10_000;
    return Math.min(base * 2 ** Math.max(0, attempts - 1), this.options.maxBackoffMs ?? 3_600_000);
  }

  /** Leases what is due and sends it; returns what happened. */
  async tick(): Promise<TickResult> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 120_000)).toISOString();
    const batch = await this.store.claimDeliveries(
      this.owner,
      now.toISOString(),
      leaseUntil,
      (this.options.concurrency ?? 4) * 4,
    );
    const result: TickResult = { claimed: batch.length, delivered: 0, retried: 0, dead: 0 };
    const limit = this.options.concurrency ?? 4;
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const d = batch[next++]!;
        const outcome = await this.send(d);
        result[outcome === 'delivered' ? 'delivered' : outcome === 'dead' ? 'dead' : 'retried'] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, batch.length) }, worker));
    return result;
  }

  private async send(d: ClaimedDelivery): Promise<'delivered' | 'retry' | 'dead'> {
    const body = JSON.stringify(d.event.payload);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    let status: number | null = null;
    let error = '';
    try {
      const response = await (this.options.fetch ?? fetch)(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json',
          'user-agent': 'Charter-Webhooks/1',
          'webhook-id': d.event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(d.secret, d.event.id, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        await this.store.finishDelivery(d.id, this.owner, {
          state: 'delivered',
          status,
          at: this.now().toISOString(),
        });
        this.options.onDelivery?.(d, 'delivered', status);
        return 'delivered';
      }
      error = `the receiver answered ${status}`;
    } catch (e) {
      error = `the receiver could not be reached: ${(e as Error).message}`;
    }
    const attempts = d.attempts + 1;
    const dead = attempts >= (this.options.maxAttempts ?? 8);
    await this.store.finishDelivery(d.id, this.owner, {
      state: dead ? 'dead' : 'pending',
      status,
      error,
      nextAttemptAt: new Date(this.now().getTime() + this.backoff(attempts)).toISOString(),
    });
    this.options.onDelivery?.(d, dead ? 'dead' : 'retry', status);
    return dead ? 'dead' : 'retry';
  }

  start(): void {
    const every = this.options.intervalMs ?? 2000;
    const loop = () => {
      if (this.stopped) return;
      this.ticking = this.tick()
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, every);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }
}
