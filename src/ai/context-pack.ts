/**
 * Governed context for AI: the meaning of a dataset or data product as a prompt or an agent needs
 * it — description, fields with types, classifications, glossary definitions and semantic types,
 * allowed uses, quality status, freshness and the people to ask. Built only from metadata: no data
 * value (not even a contract's `examples`) is ever included, and everything goes through the
 * caller's guarded catalog, so nothing the caller may not read appears.
 */
import type { Catalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { parseRef } from '../model/ref.js';
import type { QualityStore } from '../store/quality-store.js';
import { findAiSection } from './ai-section.js';

export interface ContextField {
  path: string;
  type: string | null;
  physicalType: string | null;
  description: string | null;
  classification: string | null;
  required: boolean | null;
  /** What the field is beyond its type: a DPV personal-data category, a pii: tag. */
  semanticType: string | null;
  /** Its protection when the AI section declares one. */
  protection: string | null;
  glossary: { ref: string; title: string; definition: string }[];
}

export interface ContextPack {
  ref: string;
  kind: 'dataset' | 'product';
  title: string;
  version: number;
  status: string | null;
  domain: string | null;
  description: { purpose: string | null; usage: string | null; limitations: string | null };
  owners: { ref: string; title: string }[];
  stewards: { ref: string; title: string }[];
  fields: ContextField[];
  /** Datasets of a product the caller may read. */
  datasets?: { ref: string; title: string; description: string }[];
  ai: {
    declared: boolean;
    permittedUses: string[];
    outOfScopeUses: string[];
    personalData: string | null;
    classification: string | null;
    limitations: string[];
  };
  quality: {
    status: string | null;
    score: number | null;
    checkedAt: string | null;
    failing: string[];
    openIncident: { id: string; title: string } | null;
  };
  freshness: {
    lastRefreshedAt: string | null;
    freshnessSla: string | null;
    /** The contract's SLA properties (freshness, frequency, retention …) as declared. */
    sla: { property: string; value: unknown; unit?: string }[];
  };
  glossary: { ref: string; title: string; definition: string }[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export async function buildContext(
  catalog: Catalog,
  quality: QualityStore,
  ref: string,
): Promise<ContextPack> {
  const parsed = parseRef(ref);
  if (parsed.kind !== 'dataset' && parsed.kind !== 'product') {
    throw new InputError(`Context is given for datasets and data products; '${ref}' is neither`, { ref });
  }
  // Throws NotFound / NotAllowed as the catalog does for the caller.
  const d = await catalog.describe(ref);
  const guard = catalog.guard;
  const readable = (r: { ref: string; kind: string; domain: string | null }) => !guard || guard.canRead(r);
  const doc = d.doc;
  const ai = findAiSection(doc)?.value;
  const protection = new Map((ai?.personalData?.fields ?? []).map((f) => [f.path, f]));

  const terms = new Map<string, { ref: string; title: string; definition: string }>();
  for (const g of d.glossary) {
    const domain = parseRef(g.ref).domain ?? null;
    if (readable({ ref: g.ref, kind: 'GlossaryTerm', domain })) terms.set(g.ref, g);
  }
  const fields: ContextField[] = d.fields.map((f) => {
    const declared = protection.get(f.path);
    const piiTag = f.tags.find((t) => t.startsWith('pii:')) ?? (f.tags.includes('pii') ? 'pii' : null);
    return {
      path: f.path,
      type: f.logicalType ?? null,
      physicalType: f.physicalType ?? null,
      description: f.description ?? null,
      classification: f.classification ?? null,
      required: f.required ?? null,
      semanticType: declared?.category ?? piiTag,
      protection: declared?.protection ?? null,
      glossary: f.terms.flatMap((t) => {
        const term = terms.get(t);
        return term ? [term] : [];
      }),
    };
  });

  const description = (doc.description ?? {}) as Record<string, unknown>;
  const [latest] = parsed.kind === 'dataset' ? await quality.latestRuns([ref]) : [];
  const [incident] =
    parsed.kind === 'dataset' ? await quality.incidents({ ref, state: 'open', limit: 1 }) : [];
  const run = latest ? await quality.run(latest.id) : undefined;

  let datasets: ContextPack['datasets'];
  if (parsed.kind === 'product') {
    const refs = d.relations.filter((r) => r.ref.startsWith('dataset:')).map((r) => r.ref);
    const rows = await catalog.store.getAssets([...new Set(refs)]);
    datasets = rows
      .filter((a) => a.state === 'live' && readable(a))
      .map((a) => ({ ref: a.ref, title: a.title, description: a.description }));
  }

  const sla = (Array.isArray(doc.slaProperties) ? doc.slaProperties : []) as Record<string, unknown>[];
  return {
    ref,
    kind: parsed.kind,
    title: d.asset.title,
    version: d.asset.version,
    status: str(doc.status),
    domain: d.asset.domain,
    description: {
      purpose: str(description.purpose) ?? str(d.asset.description),
      usage: str(description.usage),
      limitations: str(description.limitations),
    },
    owners: d.owners.map((p) => ({ ref: p.ref, title: p.title })),
    stewards: d.stewards.map((p) => ({ ref: p.ref, title: p.title })),
    fields,
    ...(datasets ? { datasets } : {}),
    ai: {
      declared: !!ai,
      permittedUses: ai?.uses?.permitted ?? [],
      outOfScopeUses: ai?.uses?.outOfScope ?? [],
      personalData: ai?.personalData?.level ?? null,
      classification: typeof ai?.classification === 'string' ? ai.classification : null,
      limitations: ai?.gaps?.limitations ?? [],
    },
    quality: {
      status: latest?.status ?? null,
      score: latest?.score ?? null,
      checkedAt: latest?.finishedAt ?? null,
      failing: (run?.checks ?? [])
        .filter((c) => c.status === 'failed' || c.status === 'error')
        .map((c) => c.name),
      openIncident: incident ? { id: incident.id, title: incident.title } : null,
    },
    freshness: {
      lastRefreshedAt: ai?.currency?.lastRefreshedAt ?? null,
      freshnessSla: ai?.currency?.freshnessSla ?? null,
      sla: sla
        .filter((s) => typeof s?.property === 'string')
        .map((s) => ({
          property: s.property as string,
          value: s.value,
          ...(typeof s.unit === 'string' ? { unit: s.unit } : {}),
        })),
    },
    glossary: [...terms.values()],
  };
}

const cell = (v: unknown) =>
  v === null || v === undefined || v === '' ? '—' : String(v).replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The pack as Markdown for a prompt: headings, a field table, and the rules of use. */
export function contextMarkdown(c: ContextPack): string {
  const out: string[] = [];
  out.push(`# ${c.title} (\`${c.ref}\`, v${c.version})`, '');
  if (c.description.purpose) out.push(c.description.purpose, '');
  if (c.description.usage) out.push(`**Usage:** ${c.description.usage}`, '');
  if (c.description.limitations) out.push(`**Limitations:** ${c.description.limitations}`, '');
  const people = (ps: { ref: string; title: string }[]) =>
    ps.map((p) => `${p.title} (\`${p.ref}\`)`).join(', ') || '—';
  out.push(`**Domain:** ${c.domain ?? '—'} · **Status:** ${c.status ?? '—'}`);
  out.push(`**Owners:** ${people(c.owners)} · **Stewards:** ${people(c.stewards)}`, '');
  out.push('## Allowed AI uses', '');
  if (!c.ai.declared) out.push('No AI section: this asset is not offered for any AI use.', '');
  else {
    out.push(`- Permitted: ${c.ai.permittedUses.join(', ') || 'none'}`);
    out.push(`- Out of scope: ${c.ai.outOfScopeUses.join(', ') || 'none declared'}`);
    out.push(`- Personal data: ${c.ai.personalData ?? 'not declared'}`);
    if (c.ai.classification) out.push(`- Classification: ${c.ai.classification}`);
    for (const l of c.ai.limitations) out.push(`- Limitation: ${l}`);
    out.push('');
  }
  out.push('## Quality and freshness', '');
  out.push(
    c.quality.status
      ? `- Latest quality run: ${c.quality.status}, score ${c.quality.score ?? '—'} (${c.quality.checkedAt ?? '—'})`
      : '- Never quality-checked',
  );
  for (const f of c.quality.failing) out.push(`- Failing check: ${f}`);
  if (c.quality.openIncident) out.push(`- Open incident: ${c.quality.openIncident.title}`);
  if (c.freshness.lastRefreshedAt) out.push(`- Last refreshed: ${c.freshness.lastRefreshedAt}`);
  if (c.freshness.freshnessSla) out.push(`- Freshness SLA: ${c.freshness.freshnessSla}`);
  for (const s of c.freshness.sla)
    out.push(`- SLA ${s.property}: ${cell(s.value)}${s.unit ? ` ${s.unit}` : ''}`);
  out.push('');
  if (c.datasets) {
    out.push('## Datasets', '');
    for (const d of c.datasets)
      out.push(`- \`${d.ref}\` ${d.title}${d.description ? `: ${d.description}` : ''}`);
    out.push('');
  }
  if (c.fields.length) {
    out.push('## Fields', '');
    out.push('| field | type | classification | meaning | semantic type | glossary |');
    out.push('|---|---|---|---|---|---|');
    for (const f of c.fields) {
      out.push(
        `| ${cell(f.path)} | ${cell(f.type)} | ${cell(f.classification)}${f.protection ? ` (${f.protection})` : ''} | ${cell(f.description)} | ${cell(f.semanticType)} | ${cell(f.glossary.map((g) => g.title).join(', '))} |`,
      );
    }
    out.push('');
  }
  if (c.glossary.length) {
    out.push('## Glossary', '');
    for (const g of c.glossary)
      out.push(`- **${g.title}** (\`${g.ref}\`): ${g.definition.replace(/\s+/g, ' ').trim()}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
