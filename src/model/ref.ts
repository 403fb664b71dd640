/**
 * Refs name every asset: `kind:name` for org-wide things (`user:alice`, `domain:payments`) and
 * `kind:domain/name` for things that live in a domain (`dataset:payments/transactions`).
 */
import { InputError } from './errors.js';

export const refKinds = [
  'charter',
  'domain',
  'team',
  'user',
  'glossary',
  'dataset',
  'product',
  'policy',
  'waiver',
  'model',
  'app',
] as const;

export type RefKind = (typeof refKinds)[number];

export interface Ref {
  kind: RefKind;
  domain?: string;
  name: string;
}

const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

export function formatRef(ref: Ref): string {
  return ref.domain ? `${ref.kind}:${ref.domain}/${ref.name}` : `${ref.kind}:${ref.name}`;
}

/** Parses a ref; returns undefined when the text is not one. */
export function tryParseRef(text: string): Ref | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = text.slice(0, colon) as RefKind;
  if (!refKinds.includes(kind)) return undefined;
  const rest = text.slice(colon + 1);
  const slash = rest.indexOf('/');
  const domain = slash >= 0 ? rest.slice(0, slash) : undefined;
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  if (!isValidName(name) || (domain !== undefined && !isValidName(domain))) return undefined;
  return domain === undefined ? { kind, name } : { kind, domain, name };
}

export function parseRef(text: string): Ref {
  const ref = tryParseRef(text);
  if (!ref) {
    throw new InputError(
      `'${text}' is not a ref; expected kind:name or kind:domain/name with kind one of ${refKinds.join(', ')}`,
    );
  }
  return ref;
}

/** Turns a free-text name ("My Quantum!") into a ref name ("my-quantum"). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 128);
}
