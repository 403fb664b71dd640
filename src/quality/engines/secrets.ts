/**
 * Credentials for database servers. They never live in the catalog: a contract's server names a
 * secret (customProperty `secret`, else its `server` name), and the secret is read from environment
 * variables `CHARTER_SECRET_<NAME>_USER` / `_PASSWORD`, or from the local JSON file that
 * `CHARTER_SECRETS_FILE` points at ({"<name>": {"user": "…", "password": "…"}}). Values are never
 * logged, stored or put in messages.
 */
import { readFileSync } from 'node:fs';
import type { ServerSpec } from './check-engine.js';

export interface Credentials {
  user?: string;
  password?: string;
}

/** The secret a server refers to. */
export function secretName(server: ServerSpec): string | undefined {
  const prop = server.customProperties?.find(
    (p) => p?.property === 'secret' || p?.property === 'charter.secret',
  );
  if (prop && typeof prop.value === 'string' && prop.value) return prop.value;
  return typeof server.server === 'string' && server.server ? server.server : undefined;
}

/** `orders-db` → `ORDERS_DB`, the infix of its environment variables. */
export function secretEnvName(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function credentialsFor(server: ServerSpec, env: NodeJS.ProcessEnv = process.env): Credentials {
  const name = secretName(server);
  if (!name) return {};
  const key = secretEnvName(name);
  const user = env[`CHARTER_SECRET_${key}_USER`];
  const password = env[`CHARTER_SECRET_${key}_PASSWORD`];
  if (user !== undefined || password !== undefined) {
    return { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  }
  const file = env.CHARTER_SECRETS_FILE;
  if (!file) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // The file's content may be secret; only its path and the kind of problem are reported.
    throw new Error(
      `the secrets file ${file} could not be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`,
    );
  }
  const entry = (data as Record<string, unknown>)?.[name];
  if (!entry || typeof entry !== 'object') return {};
  const e = entry as Record<string, unknown>;
  return {
    ...(typeof e.user === 'string' ? { user: e.user } : {}),
    ...(typeof e.password === 'string' ? { password: e.password } : {}),
  };
}

/** Removes any known secret value from a message before it is shown. */
export function redact(message: string, credentials: Credentials): string {
  let out = message;
  if (credentials.password) out = out.split(credentials.password).join('***');
  return out;
}
