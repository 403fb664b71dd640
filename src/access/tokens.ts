/**
 * API tokens: `chtr_<id>_<secret>`, shown once at creation, stored as a SHA-256 of the secret,
 * revocable, with an optional expiry. Creating and revoking a token is audited (never its secret).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendEntries } from '../audit/audit-chain.js';
import { AuthenticationError, InputError, NotFoundError } from '../model/errors.js';
import { tryParseRef } from '../model/ref.js';
import type { TokenRow, TokenStore } from '../store/token-store.js';

const TOKEN = /^chtr_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeToken(text: string): boolean {
  return text.startsWith('chtr_');
}

/** Parses `30d`, `12h`, `90m` or an ISO date into an expiry instant. */
export function parseExpiry(text: string, now: Date): string {
  const m = text.match(/^(\d+)([dhm])$/);
  if (m) {
    const ms = Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() + ms).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new InputError(`--expires '${text}' is not a duration (30d, 12h, 90m) or a date`);
  if (at <= now.getTime()) throw new InputError(`--expires '${text}' is in the past`);
  return new Date(at).toISOString();
}

export type TokenView = Omit<TokenRow, 'hash'>;

export function publicView(row: TokenRow): TokenView {
  const { hash: _hash, ...rest } = row;
  return rest;
}

export interface VerifiedToken {
  principal: string;
  tokenId: string;
  expiresAt: string | null;
}

export class Tokens {
  constructor(
    private readonly store: TokenStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(options: {
    principal: string;
    name: string;
    expiresAt: string | null;
    actor: string;
  }): Promise<{ token: string; info: TokenView }> {
    const ref = tryParseRef(options.principal);
    if (!ref || (ref.kind !== 'user' && ref.kind !== 'team')) {
      throw new InputError(
        `A token acts for a user or team ref such as user:alice (got '${options.principal}')`,
      );
    }
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const time = this.now().toISOString();
    const row: TokenRow = {
      id,
      principal: options.principal,
      name: options.name,
      hash: hash(secret),
      createdAt: time,
      createdBy: options.actor,
      expiresAt: options.expiresAt,
      revokedAt: null,
      revokedBy: null,
    };
    await this.store.write(async (w) => {
      await w.insert(row);
      await appendEntries(w, time, [
        {
          actor: options.actor,
          action: 'token-create',
          ref: options.principal,
          details: { token: id, name: options.name, expiresAt: options.expiresAt },
        },
      ]);
    });
    return { token: `chtr_${id}_${secret}`, info: publicView(row) };
  }

  async revoke(id: string, actor: string): Promise<TokenView> {
    const time = this.now().toISOString();
    const row = await this.store.get(id);
    if (!row) throw new NotFoundError(`Token '${id}' not found`);
    await this.store.write(async (w) => {
      if (!(await w.revoke(id, actor, time))) return;
      await appendEntries(w, time, [
        { actor, action: 'token-revoke', ref: row.principal, details: { token: id } },
      ]);
    });
    return publicView({ ...row, revokedAt: row.revokedAt ?? time, revokedBy: row.revokedBy ?? actor });
  }

  async list(principal?: string): Promise<TokenView[]> {
    return (await this.store.list(principal)).map(publicView);
  }

  /** The principal a presented token acts for; an AuthenticationError that never echoes the token. */
  async verify(presented: string): Promise<VerifiedToken> {
    const m = presented.match(TOKEN);
    if (!m) throw new AuthenticationError('The bearer token is not a Charter token (chtr_…) or a valid JWT');
    const row = await this.store.get(m[1]!);
    const expected = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(32);
    const given = createHash('sha256').update(m[2]!).digest();
    // Compare in constant time even when the id is unknown.
    const match = timingSafeEqual(expected, given) && Boolean(row);
    if (!row || !match) throw new AuthenticationError('The token is not valid');
    if (row.revokedAt) throw new AuthenticationError(`Token ${row.id} was revoked`);
    if (this.expired(row.expiresAt))
      throw new AuthenticationError(`Token ${row.id} expired at ${row.expiresAt}`);
    return { principal: row.principal, tokenId: row.id, expiresAt: row.expiresAt };
  }

  /** Whether a token with this expiry has expired by now. */
  expired(expiresAt: string | null): boolean {
    return expiresAt !== null && Date.parse(expiresAt) <= this.now().getTime();
  }
}
