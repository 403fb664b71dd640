/**
 * The AI-readiness score of a dataset (and the mean over a product's or a domain's datasets): how
 * ready the data is to feed AI under the charter, 0–100, with what would raise it. The formula is
 * documented in docs/ai.md:
 *
 *   score = 0.40 × GenAI checks + 0.30 × AI-section completeness + 0.20 × quality + 0.10 × freshness
 *
 * A dataset without an AI section scores 0: it is not offered for AI use at all.
 */
import type { Catalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { parseRef } from '../model/ref.js';
import type { CatalogStore } from '../store/catalog-store.js';
import type { QualityStore } from '../store/quality-store.js';
import { type AiSection, findAiSection } from './ai-section.js';
import {
  DIRECT_IDENTIFIERS,
  durationMs,
  INGESTING_USES,
  PERSONAL_LEVELS,
  TRAINING_USES,
} from './vocabulary.js';

export const WEIGHTS = { checks: 40, completeness: 30, quality: 20, freshness: 10 } as const;

export interface ReadinessCheck {
  /** The AI-METADATA §8 check it mirrors. */
  id: string;
  status: 'pass' | 'fail' | 'not-applicable';
  fix?: string;
}

export interface Improvement {
  /** Points the score would gain. */
  gain: number;
  action: string;
}

export interface DatasetReadiness {
  ref: string;
  score: number;
  parts: { checks: number; completeness: number; quality: number; freshness: number };
  checks: ReadinessCheck[];
  missing: string[];
  improvements: Improvement[];
}

export interface Readiness {
  ref: string;
  kind: 'dataset' | 'product' | 'domain';
  score: number | null;
  datasets: DatasetReadiness[];
  /** For a dataset: its own; for a product or domain: the best ones over all its datasets. */
  improvements: Improvement[];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The §8 checks that can be judged on the AI section, each pass / fail / not applicable. */
export function genAiChecks(ai: AiSection, now: Date): ReadinessCheck[] {
  const permitted = ai.uses?.permitted ?? [];
  const ingesting = permitted.some((u) => INGESTING_USES.has(u));
  const training = permitted.some((u) => TRAINING_USES.has(u));
  const rag = permitted.includes('rag_retrieval');
  const personal = PERSONAL_LEVELS.has(ai.personalData?.level ?? 'none');
  const out: ReadinessCheck[] = [];
  const check = (id: string, applies: boolean, ok: boolean, fix: string) =>
    out.push(
      applies
        ? ok
          ? { id, status: 'pass' }
          : { id, status: 'fail', fix }
        : { id, status: 'not-applicable' },
    );
  const legal = ai.legal ?? {};
  check(
    'TRAIN-LEGAL',
    ingesting && personal,
    !!legal.legalBasis && !!legal.purposes?.length && !!legal.ropaRef,
    'Record legal.legalBasis, legal.purposes and legal.ropaRef',
  );
  const identifiers = new Set<string>(DIRECT_IDENTIFIERS);
  check(
    'NO-UNMASKED-PII',
    ingesting,
    (ai.personalData?.fields ?? []).every(
      (f) => !f.category || !identifiers.has(f.category) || (f.protection ?? 'none') !== 'none',
    ),
    'Protect every identifier field (mask, tokenise, pseudonymise or drop)',
  );
  check(
    'LICENCE-FOR-AI',
    training,
    !!ai.rights?.license && ai.rights.aiTrainingPermitted === true,
    'Set rights.license and rights.aiTrainingPermitted after a licence review',
  );
  const c = ai.collection ?? {};
  check(
    'PROVENANCE-COMPLETE',
    ingesting,
    !!c.description && !!c.methods?.length && !!c.sourceType && !!c.timeframe?.start && !!c.rawDataSource,
    'Describe the collection: description, methods, sourceType, timeframe.start, rawDataSource',
  );
  check(
    'BIAS-EXAMINED',
    training,
    ai.bias?.examined === true && !!ai.bias.method,
    'Examine the data for bias and record bias.examined, examinedAt, method and findings',
  );
  check(
    'GAPS-DECLARED',
    permitted.length > 0,
    !!ai.gaps?.limitations?.length && Array.isArray(ai.uses?.outOfScope),
    'Declare gaps.limitations (or "none known") and uses.outOfScope',
  );
  check(
    'RETENTION-SET',
    personal,
    !!ai.retention?.period && !!ai.retention.deletionMethod,
    'Set retention.period and retention.deletionMethod',
  );
  const sla = ai.currency?.freshnessSla ? durationMs(ai.currency.freshnessSla) : null;
  const last = ai.currency?.lastRefreshedAt ? Date.parse(ai.currency.lastRefreshedAt) : Number.NaN;
  check(
    'RAG-FRESHNESS',
    rag,
    sla !== null && !!ai.currency?.maintenancePlan && !Number.isNaN(last) && now.getTime() - last <= sla,
    'Declare currency.freshnessSla and maintenancePlan and refresh within the SLA',
  );
  const levels = ['public', 'internal'];
  check(
    'RAG-ACCESS-PROPAGATION',
    rag,
    !!ai.classification &&
      (levels.includes(ai.classification) || (!!ai.rag?.aclPropagation && ai.rag.aclPropagation !== 'none')),
    'Classify the corpus and propagate access (rag.aclPropagation) above internal',
  );
  return out;
}

/** The §7.1 fields every AI section needs (and those personal data adds), by path. */
export function missingFields(ai: AiSection): string[] {
  const personal = PERSONAL_LEVELS.has(ai.personalData?.level ?? 'none');
  const need: [string, unknown][] = [
    ['accountability.ownerTeam', ai.accountability?.ownerTeam],
    ['accountability.contact', ai.accountability?.contact],
    ['uses.permitted', ai.uses?.permitted?.length],
    ['uses.outOfScope', ai.uses?.outOfScope],
    ['collection.description', ai.collection?.description],
    ['collection.sourceType', ai.collection?.sourceType],
    ['personalData.level', ai.personalData?.level],
    ['rights.license', ai.rights?.license],
    ['currency.maintenancePlan', ai.currency?.maintenancePlan],
    ['classification', ai.classification],
    ['gaps.limitations', ai.gaps?.limitations?.length],
    ['bias.examined', ai.bias?.examined !== undefined],
  ];
  if (personal) {
    need.push(['legal.legalBasis', ai.legal?.legalBasis], ['retention.period', ai.retention?.period]);
  }
  return need.filter(([, v]) => !v).map(([k]) => k);
}

function requiredCount(ai: AiSection): number {
  return 12 + (PERSONAL_LEVELS.has(ai.personalData?.level ?? 'none') ? 2 : 0);
}

export class ReadinessService {
  constructor(
    private readonly catalog: Catalog,
    private readonly quality: QualityStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async dataset(ref: string): Promise<DatasetReadiness> {
    const { doc } = await this.catalog.get(ref);
    const [latest] = await this.quality.latestRuns([ref]);
    const [incident] = await this.quality.incidents({ ref, state: 'open', limit: 1 });
    const ai = findAiSection(doc)?.value;
    if (!ai) {
      return {
        ref,
        score: 0,
        parts: { checks: 0, completeness: 0, quality: 0, freshness: 0 },
        checks: [],
        missing: ['x-charter-ai'],
        improvements: [
          {
            gain: WEIGHTS.checks + WEIGHTS.completeness,
            action:
              'Add an AI section (customProperties x-charter-ai) declaring permitted uses and the §7.1 fields',
          },
        ],
      };
    }
    const checks = genAiChecks(ai, this.now());
    const applicable = checks.filter((c) => c.status !== 'not-applicable');
    const checksPart = applicable.length
      ? applicable.filter((c) => c.status === 'pass').length / applicable.length
      : 1;
    const missing = missingFields(ai);
    const total = requiredCount(ai);
    const completeness = (total - missing.length) / total;
    const qualityPart = latest?.score != null ? (latest.score / 100) * (incident ? 0.5 : 1) : 0;
    const sla = ai.currency?.freshnessSla ? durationMs(ai.currency.freshnessSla) : null;
    const last = ai.currency?.lastRefreshedAt ? Date.parse(ai.currency.lastRefreshedAt) : Number.NaN;
    const freshness = sla === null || Number.isNaN(last) ? 0.5 : this.now().getTime() - last <= sla ? 1 : 0;

    const improvements: Improvement[] = [];
    const failing = applicable.filter((c) => c.status === 'fail');
    for (const c of failing) {
      improvements.push({ gain: round(WEIGHTS.checks / applicable.length), action: `${c.id}: ${c.fix}` });
    }
    if (missing.length) {
      improvements.push({
        gain: round((WEIGHTS.completeness * missing.length) / total),
        action: `Fill the AI section's ${missing.join(', ')}`,
      });
    }
    if (!latest)
      improvements.push({ gain: WEIGHTS.quality, action: `Run the quality checks (charter check ${ref})` });
    else if (qualityPart < 1)
      improvements.push({
        gain: round(WEIGHTS.quality * (1 - qualityPart)),
        action: incident
          ? `Fix the failing checks and resolve incident ${incident.id}`
          : 'Fix the failing quality checks',
      });
    if (freshness < 1)
      improvements.push({
        gain: round(WEIGHTS.freshness * (1 - freshness)),
        action:
          freshness === 0
            ? 'Refresh the data within its freshness SLA and record currency.lastRefreshedAt'
            : 'Declare currency.freshnessSla and record currency.lastRefreshedAt',
      });
    improvements.sort((a, b) => b.gain - a.gain);
    const parts = {
      checks: round(checksPart * 100),
      completeness: round(completeness * 100),
      quality: round(qualityPart * 100),
      freshness: round(freshness * 100),
    };
    const score = round(
      WEIGHTS.checks * checksPart +
        WEIGHTS.completeness * completeness +
        WEIGHTS.quality * qualityPart +
        WEIGHTS.freshness * freshness,
    );
    return { ref, score, parts, checks, missing, improvements };
  }

  async readiness(ref: string): Promise<Readiness> {
    const parsed = parseRef(ref);
    if (parsed.kind === 'dataset') {
      const d = await this.dataset(ref);
      return { ref, kind: 'dataset', score: d.score, datasets: [d], improvements: d.improvements };
    }
    let refs: string[];
    if (parsed.kind === 'product') {
      const d = await this.catalog.describe(ref);
      refs = [...new Set(d.relations.filter((r) => r.ref.startsWith('dataset:')).map((r) => r.ref))];
    } else if (parsed.kind === 'domain') {
      await this.catalog.get(ref);
      refs = [];
      for (const domain of await this.subtree(parsed.name)) {
        const rows = await this.catalog.list('datasets', { domain, limit: 5000 });
        refs.push(...rows.map((r) => r.ref));
      }
    } else {
      throw new InputError(`'${ref}' has no AI-readiness score; give a dataset, product or domain ref`, {
        ref,
      });
    }
    const datasets: DatasetReadiness[] = [];
    const guard = this.catalog.guard;
    for (const r of refs.sort()) {
      const p = parseRef(r);
      if (guard && !guard.canRead({ ref: r, kind: 'DataContract', domain: p.domain ?? null })) continue;
      try {
        datasets.push(await this.dataset(r));
      } catch {
        // A dataset deleted since it was linked has no score.
      }
    }
    const score = datasets.length ? round(datasets.reduce((a, d) => a + d.score, 0) / datasets.length) : null;
    const improvements = datasets
      .flatMap((d) =>
        d.improvements.map((i) => ({
          gain: round(i.gain / datasets.length),
          action: `${d.ref}: ${i.action}`,
        })),
      )
      .sort((a, b) => b.gain - a.gain)
      .slice(0, 10);
    return { ref, kind: parsed.kind, score, datasets, improvements };
  }

  private subtree(domain: string): Promise<string[]> {
    return domainSubtree(this.catalog.store, domain);
  }
}

/** A domain and every domain under it, nearest first (at most 1,000). */
export async function domainSubtree(store: CatalogStore, domain: string): Promise<string[]> {
  const out = [domain];
  for (let i = 0; i < out.length && out.length < 1000; i++) {
    for (const c of await store.relationsTo(`domain:${out[i]}`)) {
      if (c.type === 'childOf' && c.source.startsWith('domain:')) {
        const name = c.source.slice('domain:'.length);
        if (!out.includes(name)) out.push(name);
      }
    }
  }
  return out;
}
