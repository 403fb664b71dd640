/** Charter API tokens in tests. */

/**
 * The secret of a `chtr_<id>_<secret>` token: everything after the 12-character id. The secret is
 * base64url and may itself hold `_`, so splitting the token on `_` does not find it.
 */
export function tokenSecret(token: string): string {
  const secret = token.slice('chtr_'.length + 12 + 1);
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) throw new Error(`'${token}' is not a Charter API token`);
  return secret;
}
