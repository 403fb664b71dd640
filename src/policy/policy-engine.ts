/**
 * The federated policy engine: the effective policy set of an asset (the charter's policies plus
 * those of its domain and every ancestor), evaluation with waivers, and the admission decision.
 * It joins the apply pipeline as a catalog plugin.
 */

import { randomUUID } from 'node:crypto';
import { STRUCTURE_KINDS, StructureCache } from '../catalog/organisation.js';
import type { AdmissionBatch, AdmissionSubject, CatalogPlugin } from '../catalog/plugin.js';
import { contractFields } from '../model/kinds/data-contract-kind.js';
import { kindOf } from '../model/kinds/index.js';
import type { Relation } from '../model/kinds/kind.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { WaiverDoc } from '../model/kinds/waiver-kind.js';
import type { OdcsContract } from '../model/odcs/odcs.js';
import type { ValidationIssue } from '../model/validation.js';
import type { Admission, Violation } from '../model/violation.js';
import type { ApprovalRow, AssetWrite, CatalogStore } from '../store/catalog-store.js';
import { compileRule, isCompileError } from './cel.js';
import {
  applyWaivers,
  bindings,
  type CompiledPolicy,
  compilePolicy,
  type EvaluationContext,
  evaluateMatched,
  fieldBindings,
  matches,
  type Subject,
} from './evaluate.js';
import { domainChain, type GovernanceView, loadView } from './governance-view.js';

export interface EffectivePolicy {
  policy: CompiledPolicy;
  /** `charter` or the domain ref the policy comes from. */
  source: string;
}

/** Owners and stewards an asset declares, from its relations (e-mails resolved through the view). */
export function declaredPrincipals(view: GovernanceView, relations: readonly Relation[]) {
  const resolve = (t: string) => (t.startsWith('id:') ? (view.usersByEmail.get(t.slice(3)) ?? t) : t);
  return {
    owners: relations.filter((r) => r.type === 'ownedBy').map((r) => resolve(r.target)),
    stewards: relations.filter((r) => r.type === 'stewardedBy').map((r) => resolve(r.target)),
  };
}

/** Builds the subject a policy sees from a stored or applied document. */
export function subjectOf(
  view: GovernanceView,
  s: {
    ref: string;
    kind: string;
    domain: string | null;
    doc: Record<string, unknown>;
    relations?: readonly Relation[];
  },
): Subject {
  const def = kindOf(s.kind);
  // Only the ownership relations count here; a contract's others would walk every field.
  const ctx = { ownershipTypes: view.ownershipTypes };
  const relations =
    s.relations ??
    (def?.ownership ? def.ownership(s.doc as never, ctx) : def?.relations(s.doc as never, ctx)) ??
    [];
  return { ref: s.ref, kind: s.kind, domain: s.domain, doc: s.doc, ...declaredPrincipals(view, relations) };
}

/** What the engine has worked out for one view: its compiled policies and effective sets by domain. */
interface ViewPolicies {
  policies: GovernanceView['policies'];
  domains: GovernanceView['domains'];
  compiled: Map<string, CompiledPolicy>;
  effective: Map<string | null, EffectivePolicy[]>;
}

export class PolicyEngine {
  private compiledCache = new Map<string, CompiledPolicy>();
  // Admission and sweeps ask for the same view's policies once per asset: work them out once per view.
  private byView = new WeakMap<GovernanceView, ViewPolicies>();

  private forView(view: GovernanceView): ViewPolicies {
    let v = this.byView.get(view);
    if (!v || v.policies !== view.policies || v.domains !== view.domains) {
      v = {
        policies: view.policies,
        domains: view.domains,
        compiled: this.compile(view),
        effective: new Map(),
      };
      this.byView.set(view, v);
    }
    return v;
  }

  private compile(view: GovernanceView): Map<string, CompiledPolicy> {
    const out = new Map<string, CompiledPolicy>();
    for (const [ref, doc] of view.policies) {
      const key = `${ref}\u0000${doc.spec.rule}\u0000${JSON.stringify(doc.spec.match ?? {})}\u0000${doc.spec.enforcement}\u0000${doc.spec.message}\u0000${doc.spec.scope ?? ''}`;
      let c = this.compiledCache.get(key);
      if (!c) {
        const result = compilePolicy(ref, doc);
        if ('error' in result) continue;
        c = result;
        this.compiledCache.set(key, c);
      }
      out.set(ref, c);
    }
    return out;
  }

  /** Compiled policies of the view, by ref; those that do not compile are skipped (apply refuses them). */
  compiled(view: GovernanceView): Map<string, CompiledPolicy> {
    return new Map(this.forView(view).compiled);
  }

  /** The charter's policies, then each domain's from the nearest outwards, as they apply to a domain. */
  effectiveFor(view: GovernanceView, domain: string | null): EffectivePolicy[] {
    return [...this.effective(view, domain)];
  }

  /** effectiveFor without the copy, for the engine's own loops. */
  effective(view: GovernanceView, domain: string | null): readonly EffectivePolicy[] {
    const v = this.forView(view);
    const cached = v.effective.get(domain);
    if (cached) return cached;
    const all = [...v.compiled.values()].sort((a, b) => a.ref.localeCompare(b.ref));
    const out: EffectivePolicy[] = all
      .filter((p) => !p.domain)
      .map((policy) => ({ policy, source: 'charter' }));
    for (const d of [...domainChain(view, domain)].reverse()) {
      for (const policy of all.filter((p) => p.domain === d.name)) out.push({ policy, source: d.ref });
    }
    v.effective.set(domain, out);
    return out;
  }

  evaluate(view: GovernanceView, subject: Subject, now = new Date()): Violation[] {
    const ctx: EvaluationContext = { view, now };
    const fields = fieldBindings(subject.doc);
    const base = bindings(subject, ctx);
    const scopeDomain =
      subject.kind === 'Domain' ? ((subject.doc.metadata as { name: string }).name ?? null) : subject.domain;
    const violations: Violation[] = [];
    for (const { policy } of this.effective(view, scopeDomain)) {
      if (!matches(policy, subject, view, fields)) continue;
      for (const v of evaluateMatched(policy, subject, ctx, fields, base)) violations.push(v);
    }
    return applyWaivers(view, violations);
  }

  /** What admission decides from the violations that are not waived. */
  decide(violations: Violation[], view: GovernanceView): Admission {
    const live = violations.filter((v) => !v.waivedBy);
    const has = (e: string) => live.some((v) => v.enforcement === e);
    if (has('deny')) return { decision: 'denied', violations };
    if (has('require-approval')) {
      const policies = [
        ...new Set(live.filter((v) => v.enforcement === 'require-approval').map((v) => v.policy)),
      ];
      const roles = policies.map((p) => view.policies.get(p)?.spec.approvers ?? 'data-office');
      // The strictest approver wins: the data office over domain roles.
      const role = roles.includes('data-office') ? 'data-office' : (roles[0] ?? 'data-office');
      return { decision: 'pending', violations, approvers: { role, domain: null, policies } };
    }
    if (has('warn')) return { decision: 'admitted-with-warnings', violations };
    return { decision: 'admitted', violations };
  }
}

function policyIssues(doc: PolicyDoc): ValidationIssue[] {
  const compiled = compileRule(doc.spec.rule);
  if (!isCompileError(compiled)) return [];
  const at = compiled.line
    ? ` (line ${compiled.line}${compiled.column ? `, column ${compiled.column}` : ''})`
    : '';
  return [{ path: 'spec.rule', message: `${compiled.message}${at}` }];
}

/** Federation rules a domain policy must keep: its own subtree only, and no name of an inherited policy. */
function federationIssues(view: GovernanceView, ref: string, doc: PolicyDoc): ValidationIssue[] {
  const domain = doc.metadata.domain;
  if (!domain) return [];
  const issues: ValidationIssue[] = [];
  const inherited = [
    `policy:${doc.metadata.name}`,
    ...domainChain(view, domain)
      .slice(1)
      .map((d) => `policy:${d.name}/${doc.metadata.name}`),
  ];
  const clash = inherited.find((r) => r !== ref && view.policies.has(r));
  if (clash) {
    issues.push({
      path: 'metadata.name',
      message: `'${doc.metadata.name}' is the name of the inherited policy '${clash}'; a domain may add policies but never replace or weaken one it inherits (ask the data office for a waiver instead)`,
    });
  }
  (doc.spec.match?.domains ?? []).forEach((d, i) => {
    if (!domainChain(view, d).some((x) => x.name === domain)) {
      issues.push({
        path: `spec.match.domains[${i}]`,
        message: `'${d}' is outside domain:${domain} and its sub-domains; a domain policy can only match its own subtree`,
      });
    }
  });
  return issues;
}

/**
 * The governance view admission judges by, kept between applies: it changes only when a charter,
 * domain, team, user, policy or waiver does (see StructureCache), or a waiver in it expires. An
 * apply that carries any of those kinds itself gets a view with its documents.
 */
class ViewCache {
  private readonly kept: StructureCache<{ view: GovernanceView; until: number }>;
  private at = new Date(0);

  constructor(private readonly store: CatalogStore) {
    this.kept = new StructureCache(store, async () => {
      const view = await loadView(store, undefined, this.at);
      let until = Number.POSITIVE_INFINITY;
      for (const w of view.waivers) until = Math.min(until, Date.parse(w.expires) || 0);
      return { view, until };
    });
  }

  async get(batch: AdmissionBatch, at: Date): Promise<GovernanceView> {
    for (const d of batch.docs.values())
      if ((STRUCTURE_KINDS as readonly string[]).includes(d.kind)) return loadView(this.store, batch, at);
    this.at = at;
    return (await this.kept.get((kept) => at.getTime() < kept.until)).view;
  }
}

export interface PolicyPluginOptions {
  now?: () => Date;
  /**
   * Called after every write with the refs it changed (the server re-evaluates compliance in the
   * background: a changed asset or policy alone, or everything after a change to the charter, a
   * domain, a team, a user or a waiver).
   */
  onChanged?: (refs: string[]) => void;
  /** The `lineage` variable of the contracts being admitted (inherited classifications, conflicts). */
  lineage?: (subjects: readonly AdmissionSubject[]) => Promise<Map<string, Record<string, unknown>>>;
}

/** The policy engine as a catalog plugin: rule compilation at apply, federation checks, admission. */
export function policyPlugin(
  store: CatalogStore,
  engine = new PolicyEngine(),
  options: PolicyPluginOptions = {},
): CatalogPlugin {
  const now = options.now ?? (() => new Date());
  const views = new ViewCache(store);
  return {
    name: 'policy',
    validate(kind, doc) {
      if (kind === 'Policy') return policyIssues(doc as unknown as PolicyDoc);
      if (kind === 'Waiver') {
        const w = doc as unknown as WaiverDoc;
        if (Date.parse(w.spec.expires) <= now().getTime())
          return [{ path: 'spec.expires', message: 'is in the past; a waiver needs a future expiry' }];
      }
      return [];
    },
    async validateBatch(batch: AdmissionBatch) {
      const out = new Map<string, ValidationIssue[]>();
      const policies = [...batch.docs].filter(
        ([, d]) => d.kind === 'Policy' && (d.doc.metadata as { domain?: string }).domain,
      );
      if (!policies.length) return out;
      const view = await loadView(store, batch, now());
      for (const [ref, d] of policies) {
        const issues = federationIssues(view, ref, d.doc as unknown as PolicyDoc);
        if (issues.length) out.set(ref, issues);
      }
      return out;
    },
    async admit(subjects: readonly AdmissionSubject[], batch: AdmissionBatch) {
      const out = new Map<string, Admission>();
      const view = await views.get(batch, now());
      if (!view.policies.size) return out;
      const at = now();
      const lineage = options.lineage ? await options.lineage(subjects) : undefined;
      for (const s of subjects) {
        if (s.kind === 'Policy' || s.kind === 'Waiver' || s.kind === 'Charter' || s.kind === 'User') continue;
        const extra = lineage?.get(s.ref);
        const violations = engine.evaluate(
          view,
          { ...subjectOf(view, s), previous: s.previous ?? {}, ...(extra ? { lineage: extra } : {}) },
          at,
        );
        if (violations.length) {
          const admission = engine.decide(violations, view);
          if (admission.approvers) admission.approvers.domain = s.domain;
          out.set(s.ref, admission);
        }
      }
      return out;
    },
    onWrite(write: AssetWrite, actor: string, time: string): ApprovalRow[] | undefined {
      if (write.kind !== 'Waiver' || write.state !== 'live') return undefined;
      // A waiver counts only once the data office approves this version of it.
      return [
        {
          id: randomUUID(),
          type: 'waiver',
          ref: write.ref,
          version: write.version,
          domain: write.domain,
          requestedBy: actor,
          requestedAt: time,
          approverRole: 'data-office',
          violations: [],
          state: 'open',
          decidedBy: null,
          decidedAt: null,
          reason: null,
          write: null,
        },
      ];
    },
    afterApply(changed) {
      if (changed.length) options.onChanged?.(changed.map((c) => c.ref));
    },
  };
}

/** Field paths of a contract, for explain output. */
export function contractFieldPaths(doc: Record<string, unknown>): string[] {
  return contractFields(doc as unknown as OdcsContract).map((f) => f.path);
}
