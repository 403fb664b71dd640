/** The one place errors become exit codes: 0 ok, 1 a governed "no", 2 bad input, 3 could not do the work. */
import { isCharterError } from '../model/errors.js';

export const EXIT = { ok: 0, no: 1, input: 2, unavailable: 3 } as const;

const codes: Record<string, number> = {
  InputError: EXIT.input,
  NotFoundError: EXIT.input,
  AuthenticationError: EXIT.input,
  NotAllowedError: EXIT.no,
  ConflictError: EXIT.no,
  RefusedError: EXIT.no,
  UnavailableError: EXIT.unavailable,
};

export function exitCodeOf(error: unknown): number {
  if (isCharterError(error)) return codes[error.name] ?? EXIT.input;
  const code = (error as { code?: string })?.code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT.ok;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.input;
  return EXIT.unavailable;
}
