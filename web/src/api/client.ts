/**
 * The one way the UI talks to Charter: the public REST API, with the caller's credentials on every
 * request and errors turned into `ApiError` carrying the server's `{error: {name, message}}`.
 * GET answers are cached briefly so moving between pages does not ask twice; writes clear the cache.
 */

/**
 * Who the requests are made for. Until token authentication lands the UI names its user with the
 * `x-charter-actor` header; a bearer token is the same slot with a different header.
 */
export type Credentials = { type: 'actor'; actor: string } | { type: 'token'; token: string };

export class ApiError extends Error {
  constructor(
    /** The server's error name (`NotAllowedError`, …), or `NetworkError` when it did not answer. */
    readonly errorName: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let credentials: Credentials | null = null;
const listeners = new Set<() => void>();

export function setCredentials(next: Credentials | null): void {
  credentials = next;
  clearCache();
}

function headersFor(extra?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (credentials?.type === 'actor') headers['x-charter-actor'] = credentials.actor;
  if (credentials?.type === 'token') headers.authorization = `Bearer ${credentials.token}`;
  return headers;
}

async function errorOf(response: Response): Promise<ApiError> {
  let name = `HTTP ${response.status}`;
  let message = `Charter answered ${response.status} ${response.statusText}`;
  let details: unknown;
  try {
    const body = (await response.json()) as {
      error?: { name?: string; message?: string; details?: unknown };
    };
    if (body.error?.message) {
      name = body.error.name ?? name;
      message = body.error.message;
      details = body.error.details;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(name, message, response.status, details);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Body as given, with this content type (YAML manifests). */
  contentType?: string;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  let body: string | undefined;
  const extra: Record<string, string> = {};
  if (options.body !== undefined) {
    body = options.contentType ? String(options.body) : JSON.stringify(options.body);
    extra['content-type'] = options.contentType ?? 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: headersFor(extra),
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('NetworkError', 'Charter did not answer; is the server running?', 0);
  }
  if (!response.ok) throw await errorOf(response);
  if (method !== 'GET') {
    clearCache();
    for (const listener of listeners) listener();
  }
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

// --- a short-lived cache of GET answers --------------------------------------------------------

interface Entry {
  at: number;
  promise: Promise<unknown>;
}

const cache = new Map<string, Entry>();
const DEFAULT_TTL_MS = 30_000;

export function clearCache(): void {
  cache.clear();
}

/** Calls `listener` after every successful write (so pages can refresh what they show). */
export function onWrite(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A GET through the cache: the same path within the TTL shares one request. */
export function cachedGet<T>(path: string, ttlMs = DEFAULT_TTL_MS): Promise<T> {
  const hit = cache.get(path);
  if (hit && Date.now() - hit.at < ttlMs) return hit.promise as Promise<T>;
  const promise = request<T>(path);
  cache.set(path, { at: Date.now(), promise });
  promise.catch(() => cache.delete(path));
  return promise;
}

/** Builds `/api/v1/...?a=b` from a path and the query values that are set. */
export function apiPath(
  path: string,
  query: Record<string, string | number | boolean | undefined | null> = {},
) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

export const enc = encodeURIComponent;
