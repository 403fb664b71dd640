/**
 * The one place errors become HTTP responses: `{error: {name, message, details}}` with a status
 * that follows whose fault it was. Unexpected errors are logged in full and shown generically.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isCharterError } from '../model/errors.js';
import { kindOfRef } from '../model/kinds/index.js';
import { tryParseRef } from '../model/ref.js';

const statusOf: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  RefusedError: 422,
  UnavailableError: 503,
};

export interface ErrorBody {
  error: { name: string; message: string; details?: unknown };
}

export function errorBody(name: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { name, message } } : { error: { name, message, details } };
}

/**
 * The answer for a path no route serves. A ref written into a path as it is (`/api/v1/trace/app:support/nora`)
 * spans two segments where a route takes one: the answer names the path with the ref URL-encoded.
 */
export function noRoute(method: string, url: string): ErrorBody {
  const path = url.split('?')[0]!;
  let message = `No route ${method} ${path}`;
  if (path.startsWith('/api/')) {
    const segments = path.split('/');
    const decoded = segments.map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    // A segment `kind:domain` followed by the name: a ref of a kind that lives in a domain.
    const inDomain = (text: string) => {
      const ref = tryParseRef(text);
      return ref?.domain !== undefined && kindOfRef(ref.kind)?.domainScoped !== 'never';
    };
    const at = decoded.findIndex(
      (s, i) => i > 2 && i + 1 < decoded.length && inDomain(`${s}/${decoded[i + 1]}`),
    );
    if (at > 0) {
      const ref = `${decoded[at]}/${decoded[at + 1]}`;
      const encoded = [...segments.slice(0, at), encodeURIComponent(ref), ...segments.slice(at + 2)].join(
        '/',
      );
      message += `; a ref in a path is one segment, URL-encoded: ${method} ${encoded}`;
    }
  }
  return errorBody('NotFoundError', message);
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (isCharterError(error)) {
    return reply
      .status(statusOf[error.name] ?? 400)
      .send(errorBody(error.name, error.message, error.details));
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    return reply.status(400).send(
      errorBody('InputError', `The request is invalid: ${fe.message}`, {
        issues: fe.validation.map((v) => ({ path: v.instancePath, message: v.message })),
      }),
    );
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const name =
      fe.statusCode === 413 ? 'InputError' : fe.statusCode === 404 ? 'NotFoundError' : 'InputError';
    const message =
      fe.statusCode === 413
        ? 'The request body is larger than this server accepts'
        : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? `Content type '${request.headers['content-type'] ?? ''}' is not supported here; send application/json or application/yaml`
          : fe.message;
    return reply.status(fe.statusCode).send(errorBody(name, message));
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply
    .status(500)
    .send(errorBody('InternalError', 'Something went wrong inside Charter; the server log has the details'));
}
