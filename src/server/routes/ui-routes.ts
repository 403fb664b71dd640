/**
 * Serves the web UI (web/dist, built by `npm run build`) at `/`: hashed assets cached for a year,
 * index.html revalidated on every load, and every other path that is not the API's answered with
 * index.html so the browser's router can show it. Files are read once and kept in memory (the UI is
 * a few hundred kilobytes); text is gzipped on first request when the client accepts it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { noRoute } from '../errors.js';

export interface UiOptions {
  /** Folder of the built UI; default `CHARTER_UI_DIR` or `web/dist` of this package. */
  dir?: string;
}

interface UiFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Paths that belong to the server, never to the UI: a miss there is the API's 404, not index.html. */
const SERVER_PATHS = ['/api/', '/mcp', '/docs', '/openapi.json', '/healthz', '/metrics'];

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets a few style attributes (indentation, widths).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function defaultUiDir(): string {
  return process.env.CHARTER_UI_DIR || join(packageRoot, 'web', 'dist');
}

function readTree(dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && statSync(full).size < 16 * 1024 * 1024) {
        const body = readFileSync(full);
        const path = `/${relative(dir, full).split(sep).join('/')}`;
        files.set(path, {
          body,
          type: TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          immutable: path.startsWith('/assets/'),
        });
      }
    }
  };
  walk(dir);
  return files;
}

function notBuilt(dir: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Charter</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5"><h1>Charter</h1><p>The web UI is not built in <code>${dir.replace(/[<>&]/g, '')}</code>. Run <code>npm run build</code> (or <code>npx vite build web</code>) and restart the server.</p><p>The REST API is at <a href="/docs">/docs</a>.</p></body></html>`;
}

function send(request: FastifyRequest, reply: FastifyReply, file: UiFile) {
  reply.header('content-type', file.type);
  reply.header('etag', file.etag);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (file.type.startsWith('text/html')) {
    reply.header('content-security-policy', CSP);
    reply.header('referrer-policy', 'same-origin');
  }
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  const compressible = /^(text\/|application\/json|image\/svg)/.test(file.type) && file.body.length > 1024;
  const accepts = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  reply.header('vary', 'accept-encoding');
  if (compressible && accepts) {
    file.gzip ??= gzipSync(file.body);
    reply.header('content-encoding', 'gzip');
    return reply.send(file.gzip);
  }
  return reply.send(file.body);
}

export function uiRoutes(app: FastifyInstance, options: UiOptions = {}): void {
  const dir = options.dir ?? defaultUiDir();
  const files = existsSync(join(dir, 'index.html')) ? readTree(dir) : undefined;
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply
        .status(400)
        .send({ error: { name: 'InputError', message: 'The path is not valid percent-encoding' } });
    }
    if (
      SERVER_PATHS.some(
        (p) => path === p.replace(/\/$/, '') || path.startsWith(p.endsWith('/') ? p : `${p}/`),
      )
    ) {
      return reply.status(404).send(noRoute(request.method, request.url));
    }
    if (!files) {
      return reply
        .status(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(notBuilt(dir));
    }
    const file = files.get(path);
    if (file && path !== '/index.html') return send(request, reply, file);
    // A missing file (it has an extension) is a 404: answering index.html would hide a broken build.
    if (extname(path) && !file) {
      return reply
        .status(404)
        .send({ error: { name: 'NotFoundError', message: `No file ${path} in the web UI` } });
    }
    return send(request, reply, files.get('/index.html')!);
  });
}
