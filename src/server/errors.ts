/**
 * The one place errors become HTTP responses: `{error: {name, message, details}}` with a status
 * that follows whose fault it was. Unexpected errors are logged in full and shown generically.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isCharterError } from '../model/errors.js';

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
