/**
 * The small, HTTP-agnostic error vocabulary of Charter. Each class says whose fault a failure is;
 * the server maps them to status codes and the CLI to exit codes, each in one place.
 */

export interface ErrorDetails {
  [key: string]: unknown;
}

export abstract class CharterError extends Error {
  abstract override readonly name: string;
  readonly details: ErrorDetails | undefined;

  constructor(message: string, details?: ErrorDetails) {
    super(message);
    this.details = details;
  }
}

/** The caller sent something malformed or inconsistent (exit 2, HTTP 400). */
export class InputError extends CharterError {
  override readonly name = 'InputError';
}

/** The caller is not who they claim, or did not say (HTTP 401). */
export class AuthenticationError extends CharterError {
  override readonly name = 'AuthenticationError';
}

/** The caller is known but may not do this (HTTP 403). */
export class NotAllowedError extends CharterError {
  override readonly name = 'NotAllowedError';
}

/** The thing named does not exist (HTTP 404). */
export class NotFoundError extends CharterError {
  override readonly name = 'NotFoundError';
}

/** The request clashes with the current state, e.g. a stale version (HTTP 409). */
export class ConflictError extends CharterError {
  override readonly name = 'ConflictError';
}

/** The answer is a governed "no": a denial, a failed check, tampering found (exit 1, HTTP 422). */
export class RefusedError extends CharterError {
  override readonly name = 'RefusedError';
}

/** The platform could not do the work: a database down, a timeout (exit 3, HTTP 503). */
export class UnavailableError extends CharterError {
  override readonly name = 'UnavailableError';
}

export const errorClasses = {
  InputError,
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
  RefusedError,
  UnavailableError,
} as const;

export type ErrorName = keyof typeof errorClasses;

/** Rebuilds a Charter error from its wire form (used by the HTTP client). */
export function errorFromWire(name: string, message: string, details?: ErrorDetails): Error {
  const cls = (errorClasses as Record<string, new (m: string, d?: ErrorDetails) => CharterError>)[name];
  if (cls) return new cls(message, details);
  return new Error(message);
}

export function isCharterError(error: unknown): error is CharterError {
  return error instanceof CharterError;
}
