/**
 * What this server offers, read from its OpenAPI document: sections of the UI for capabilities
 * that land later (quality, lineage, AI metadata, tokens) appear when their endpoints exist.
 */
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { cachedGet } from './client';

export interface Features {
  loaded: boolean;
  paths: ReadonlySet<string>;
  quality: boolean;
  incidents: boolean;
  scorecards: string | null;
  trace: string | null;
  impact: string | null;
  lineage: boolean;
  fieldClassification: string | null;
  ai: boolean;
  aiDecisions: boolean;
  tokens: boolean;
  whoami: string | null;
}

const none: Features = {
  loaded: false,
  paths: new Set(),
  quality: false,
  incidents: false,
  scorecards: null,
  trace: null,
  impact: null,
  lineage: false,
  fieldClassification: null,
  ai: false,
  aiDecisions: false,
  tokens: false,
  whoami: null,
};

/** The first GET path matching the pattern, in OpenAPI form (`/api/v1/x/{ref}`). */
function find(paths: Record<string, Record<string, unknown>>, pattern: RegExp): string | null {
  for (const [path, ops] of Object.entries(paths)) if (pattern.test(path) && ops.get) return path;
  return null;
}

export function featuresOf(doc: { paths?: Record<string, Record<string, unknown>> }): Features {
  const paths = doc.paths ?? {};
  const has = (p: string) => Boolean(paths[p]);
  return {
    loaded: true,
    paths: new Set(Object.keys(paths)),
    quality: has('/api/v1/quality/runs'),
    incidents: has('/api/v1/incidents'),
    scorecards: find(paths, /^\/api\/v1\/scorecards$/),
    trace: find(paths, /^\/api\/v1\/(lineage\/)?trace\/\{ref\}$/),
    impact: find(paths, /^\/api\/v1\/(lineage\/)?impact\/\{ref\}$/),
    lineage: Object.keys(paths).some((p) => p.startsWith('/api/v1/lineage')),
    fieldClassification: find(paths, /^\/api\/v1\/(lineage\/)?classifications?\/\{ref\}$/),
    ai: Object.keys(paths).some((p) => p.startsWith('/api/v1/ai')),
    aiDecisions: has('/api/v1/ai/decisions'),
    tokens: Object.keys(paths).some((p) => p.startsWith('/api/v1/tokens')),
    whoami: find(paths, /^\/api\/v1\/(whoami|me)$/),
  };
}

/** Fills an OpenAPI path template: `/api/v1/trace/{ref}` with a ref. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
}

const FeaturesContext = createContext<Features>(none);

export function FeaturesProvider({ children }: { children: ReactNode }) {
  const [features, setFeatures] = useState<Features>(none);
  useEffect(() => {
    cachedGet<{ paths?: Record<string, Record<string, unknown>> }>('/openapi.json', 10 * 60_000).then(
      (doc) => setFeatures(featuresOf(doc)),
      // Without the description the UI shows the catalog and governance it always has.
      () => setFeatures({ ...none, loaded: true }),
    );
  }, []);
  return <FeaturesContext.Provider value={features}>{children}</FeaturesContext.Provider>;
}

export function useFeatures(): Features {
  return useContext(FeaturesContext);
}
