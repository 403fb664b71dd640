/**
 * The `charter/v1` envelope shared by Charter's own kinds (Kubernetes-style:
 * apiVersion, kind, metadata, spec), and helpers the kinds share.
 */
import { copyJson } from '../json-copy.js';
import type { ValidationIssue } from '../validation.js';
import type { Identity, SearchText } from './kind.js';

export const CHARTER_API_VERSION = 'charter/v1';

export interface Metadata {
  name: string;
  domain?: string;
  parent?: string;
  labels?: Record<string, string>;
}

export interface Envelope<Spec> {
  apiVersion: typeof CHARTER_API_VERSION;
  kind: string;
  metadata: Metadata;
  spec: Spec;
}

export const NAME_PATTERN = '^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$';
export const REF_PATTERN =
  '^[a-z]+:(?:[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?/)?[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$';

export const nameSchema = {
  type: 'string',
  pattern: NAME_PATTERN,
  description: 'lower-case letters, digits, ".", "_" and "-"',
} as const;

export function refSchema(...kinds: string[]): object {
  return {
    type: 'string',
    pattern: `^(?:${kinds.join('|')}):(?:[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?/)?[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$`,
  };
}

export const refListSchema = (...kinds: string[]) => ({ type: 'array', items: refSchema(...kinds) });

export function envelopeSchema(
  kind: string,
  spec: object,
  options: { domain: 'required' | 'optional' | 'never'; parent?: boolean },
): object {
  const named = (what: string) => ({ ...nameSchema, description: `${what} (${nameSchema.description})` });
  const metadata: Record<string, unknown> = { name: named('its name') };
  if (options.domain !== 'never') metadata.domain = named('the domain it belongs to, e.g. payments');
  if (options.parent) metadata.parent = named('the parent domain');
  metadata.labels = { type: 'object', additionalProperties: { type: 'string' } };
  metadata.annotations = { type: 'object', additionalProperties: { type: 'string' } };
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: CHARTER_API_VERSION },
      kind: { const: kind },
      metadata: {
        type: 'object',
        required: options.domain === 'required' ? ['name', 'domain'] : ['name'],
        additionalProperties: false,
        properties: metadata,
      },
      spec: spec,
    },
  };
}

export function envelopeIdentity(doc: Envelope<unknown>): Identity {
  return doc.metadata.domain
    ? { domain: doc.metadata.domain, name: doc.metadata.name }
    : { name: doc.metadata.name };
}

export function labelsText(doc: Envelope<unknown>): string {
  return Object.entries(doc.metadata.labels ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(' ');
}

export function envelopeSearch(
  doc: Envelope<unknown>,
  title: string,
  description: string,
  extra = '',
): SearchText {
  return { name: doc.metadata.name, title, description, fields: extra, tags: labelsText(doc) };
}

export type Validate = (doc: unknown) => ValidationIssue[];

export function clone<T>(doc: unknown): T {
  return copyJson(doc) as T;
}
