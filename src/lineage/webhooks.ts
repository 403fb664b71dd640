/**
 * Notifications as CloudEvents 1.0 (structured JSON) over webhooks. Which audit records become
 * events is decided here; the store's audit tap writes each one to the outbox in the transaction of
 * the change, with a delivery per matching webhook (global, or of the event's domain or an ancestor).
 * `WebhookDeliverer` leases due deliveries, POSTs them signed (Standard Webhooks headers: an
 * HMAC-SHA256 over id, timestamp and body), retries with exponential backoff and moves a delivery
 * to the dead-letter list after its last attempt. It does not connect to loopback, private,
 * link-local or other special addresses unless the operator allows them (`ALLOW_PRIVATE_SETTING`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { hostname } from 'node:os';
import type { AuditRecord } from '../store/catalog-store.js';
import type { ClaimedDelivery, LineageStore, OutboxEvent } from '../store/lineage-store.js';

export const EVENT_PREFIX = 'io.charter.';

export const EVENT_TYPES = [
  'io.charter.incident.opened',
  'io.charter.incident.resolved',
  'io.charter.incident.answered',
  'io.charter.outcome.recorded',
  'io.charter.admission.denied',
  'io.charter.approval.requested',
  'io.charter.approval.decided',
  'io.charter.classification.conflict',
  'io.charter.ai.input.refused',
  'io.charter.ai.input.allowed',
  'io.charter.ai.use.denied',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * A test event (`charter webhook test`): sent to the one webhook asked, whatever events it is
 * subscribed to, so a receiver can check that it gets and verifies Charter's requests.
 */
export const TEST_EVENT = 'io.charter.webhook.test';

function typeOf(record: AuditRecord): EventType | typeof TEST_EVENT | undefined {
  switch (record.action) {
    case 'webhook.test':
      return TEST_EVENT;
    case 'incident.open':
      return 'io.charter.incident.opened';
    case 'incident.resolve':
      return 'io.charter.incident.resolved';
    case 'incident.acknowledge':
    case 'incident.note':
      return 'io.charter.incident.answered';
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
    case 'ai.input.refused':
      return 'io.charter.ai.input.refused';
    case 'ai.input.allowed':
      return 'io.charter.ai.input.allowed';
    case 'ai.deny':
      // The gate refused an asked use (an allow is the everyday answer, and is no event).
      return 'io.charter.ai.use.denied';
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
  // The system an AI-use answer was for hears of it too.
  const asker = typeof details.for === 'string' ? domainOfRef(details.for) : undefined;
  const own = domainOfRef(record.ref);
  const domains = [...new Set([...(own ? [own] : []), ...listed, ...(asker ? [asker] : [])])];
  return {
    type,
    subject: record.ref,
    domains,
    time: record.time,
    ...(type === TEST_EVENT ? { webhook: String(details.webhook) } : {}),
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

/**
 * The setting that lets webhooks reach loopback, private and link-local addresses (`true` or `1`).
 * Off by default: whoever may add a webhook could otherwise make the server call the cloud's
 * metadata service or a service inside the network.
 */
export const ALLOW_PRIVATE_SETTING = 'CHARTER_WEBHOOK_ALLOW_PRIVATE';

export function privateReceiversAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[ALLOW_PRIVATE_SETTING]?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

type Family = 'ipv4' | 'ipv6';

/** IPv4 ranges a webhook is not sent to, by kind (the first kind that matches names an address). */
const SPECIAL_IPV4: [kind: string, network: string, prefix: number][] = [
  ['unspecified', '0.0.0.0', 8],
  ['loopback', '127.0.0.0', 8],
  ['link-local', '169.254.0.0', 16],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['shared (carrier-grade NAT)', '100.64.0.0', 10],
  ['multicast', '224.0.0.0', 4],
  // Protocol assignments, documentation, benchmarking, and 240/4 with the broadcast address.
  ['reserved', '192.0.0.0', 24],
  ['reserved', '192.0.2.0', 24],
  ['reserved', '198.18.0.0', 15],
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '240.0.0.0', 4],
];

const SPECIAL_IPV6: [kind: string, network: string, prefix: number][] = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['link-local', 'fe80::', 10],
  ['private', 'fc00::', 7],
  ['private', 'fec0::', 10],
  ['private', '64:ff9b:1::', 48],
  ['multicast', 'ff00::', 8],
  // IPv4-compatible (deprecated), discard-only, documentation.
  ['reserved', '::', 96],
  ['reserved', '100::', 64],
  ['reserved', '2001:db8::', 32],
];

/** The two hex groups of an IPv4 address, to write it inside an IPv6 one. */
function ipv4Groups(address: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** One list per kind. IPv4-mapped IPv6 addresses match the IPv4 ranges by themselves (BlockList). */
const SPECIAL = (() => {
  const lists = new Map<string, BlockList>();
  const add = (kind: string, network: string, prefix: number, family: Family) => {
    const list = lists.get(kind) ?? new BlockList();
    list.addSubnet(network, prefix, family);
    lists.set(kind, list);
  };
  for (const [kind, network, prefix] of SPECIAL_IPV4) {
    add(kind, network, prefix, 'ipv4');
    // The same addresses reached through NAT64 and 6to4, which carry an IPv4 address inside.
    add(kind, `64:ff9b::${ipv4Groups(network)}`, 96 + prefix, 'ipv6');
    add(kind, `2002:${ipv4Groups(network)}::`, 16 + prefix, 'ipv6');
  }
  for (const [kind, network, prefix] of SPECIAL_IPV6) add(kind, network, prefix, 'ipv6');
  return [...lists];
})();

/** What kind of special address this is (`loopback`, `private`, `link-local` …), or undefined. */
export function specialAddressKind(address: string): string | undefined {
  const bare = address.replace(/%.*$/, '');
  const version = isIP(bare);
  if (!version) return undefined;
  return SPECIAL.find(([, list]) => list.check(bare, version === 4 ? 'ipv4' : 'ipv6'))?.[0];
}

const article = (kind: string) => (/^[aeiou]/.test(kind) ? 'an' : 'a');

const ALLOW_HINT = `webhooks go to public addresses only, unless Charter runs with ${ALLOW_PRIVATE_SETTING}=true`;

/** The IP address a URL names as its host, or undefined when it names a host name. */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : undefined;
}

/**
 * Why a webhook may not be subscribed to this URL: its host is written as a special IP address.
 * Host names are checked when a delivery connects, against the addresses they resolve to then.
 */
export function refusedReceiverUrl(url: URL, allowPrivate = privateReceiversAllowed()): string | undefined {
  const address = literalAddress(url);
  const kind = address && !allowPrivate ? specialAddressKind(address) : undefined;
  if (!kind) return undefined;
  return `url's host ${address} is ${article(kind)} ${kind} address; ${ALLOW_HINT}`;
}

/** A connection the deliverer refused to make; its message is the delivery's last error. */
class RefusedAddressError extends Error {
  constructor(host: string, address: string, kind: string) {
    super(
      host === address
        ? `the receiver's address ${address} is ${article(kind)} ${kind} address; ${ALLOW_HINT}`
        : `the receiver's host ${host} resolves to ${address}, ${article(kind)} ${kind} address; ${ALLOW_HINT}`,
    );
  }
}

/**
 * Resolves as `dns.lookup` does and keeps only the addresses a webhook may go to. It runs when a
 * connection is opened, so the address checked is the address connected to: a name that resolved
 * to a public address when the webhook was added and to a private one now is refused now.
 */
const publicLookup: LookupFunction = (host, options, callback) => {
  dnsLookup(host, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const allowed = addresses.filter((a) => !specialAddressKind(a.address));
    const [first] = allowed.length ? allowed : addresses;
    if (!allowed.length && first) {
      const kind = specialAddressKind(first.address) ?? 'special';
      return callback(new RefusedAddressError(host, first.address, kind), '');
    }
    if (options.all) return callback(null, allowed);
    callback(null, first?.address ?? '', first?.family);
  });
};

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
  /** Send to loopback, private and link-local addresses too (default: CHARTER_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate?: boolean;
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
  private readonly allowPrivate: boolean;
  // Connections are kept for the next delivery; only this deliverer's lookup opens them.
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(
    private readonly store: LineageStore,
    private readonly options: DelivererOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}`;
    this.allowPrivate = options.allowPrivate ?? privateReceiversAllowed();
    const agent = { keepAlive: true, ...(this.allowPrivate ? {} : { lookup: publicLookup }) };
    this.agents = { http: new HttpAgent(agent), https: new HttpsAgent(agent) };
  }

  private now() {
    return (this.options.now ?? (() => new Date()))();
  }

  /** The wait before attempt `attempts + 1` (exponential, capped). */
  backoff(attempts: number): number {
    const base = this.options.backoffMs ?? 10_000;
    return Math.min(base * 2 ** Math.max(0, attempts - 1), this.options.maxBackoffMs ?? 3_600_000);
  }

  /** Leases what is due (or only the delivery `only`, if it is due) and sends it; returns what happened. */
  async tick(only?: string): Promise<TickResult> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 120_000)).toISOString();
    const batch = await this.store.claimDeliveries(
      this.owner,
      now.toISOString(),
      leaseUntil,
      (this.options.concurrency ?? 4) * 4,
      only,
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
      status = await this.post(new URL(d.url), body, {
        'content-type': 'application/cloudevents+json',
        'user-agent': 'Charter-Webhooks/1',
        'webhook-id': d.event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(d.secret, d.event.id, timestamp, body),
      });
      if (status >= 200 && status < 300) {
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
      const timeout = this.options.timeoutMs ?? 10_000;
      error =
        e instanceof RefusedAddressError
          ? e.message
          : (e as Error).name === 'AbortError'
            ? `the receiver did not answer within ${timeout} ms`
            : `the receiver could not be reached: ${(e as Error).message}`;
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

  /**
   * POSTs the body and resolves with the status once the answer has been read. Redirects are not
   * followed: a receiver could otherwise send the delivery on to an address it may not go to.
   */
  private post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
    const address = literalAddress(url);
    const kind = address && !this.allowPrivate ? specialAddressKind(address) : undefined;
    // A host written as an address is connected to without a lookup, so it is checked here.
    if (address && kind) return Promise.reject(new RefusedAddressError(address, address, kind));
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: https ? this.agents.https : this.agents.http,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        },
        (response) => {
          // The status is the answer: a body cut short changes nothing.
          response.on('error', () => undefined);
          response.once('close', () => resolve(response.statusCode ?? 0));
          response.resume();
        },
      );
      request.on('error', reject);
      request.end(body);
    });
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
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
