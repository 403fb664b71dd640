/**
 * Evaluating one compiled policy against one asset: matching, binding the CEL variables, running
 * the rule once (asset scope) or once per schema property (field scope), and turning every
 * outcome — false, a runtime error, a non-boolean, an over-budget rule — into violations as data.
 */
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import { DEFAULT_POLICY_KINDS } from '../model/kinds/policy-kind.js';
import type { Violation } from '../model/violation.js';
import {
  type CompiledRule,
  celErrorMessage,
  compileRule,
  estimatedSteps,
  isCompileError,
  longestList,
  MAX_ESTIMATED_STEPS,
  withLevels,
} from './cel.js';
import { type DomainInfo, domainChain, type GovernanceView } from './governance-view.js';

export interface CompiledPolicy {
  ref: string;
  name: string;
  /** null for charter policies. */
  domain: string | null;
  doc: PolicyDoc;
  rule: CompiledRule;
  kinds: ReadonlySet<string>;
}

/** What a policy is evaluated against. */
export interface Subject {
  ref: string;
  kind: string;
  domain: string | null;
  doc: Record<string, unknown>;
  /** Declared owners and stewards (refs); empty means inherited from the domain chain. */
  owners: string[];
  stewards: string[];
  /** The live version this change replaces ({} for a new asset), for lifecycle rules. */
  previous?: Record<string, unknown>;
  /** What column lineage says about a contract: `{fields: {path: {inherited, from, protected}}, conflicts}`. */
  lineage?: Record<string, unknown>;
}

/** A contract with no column lineage (and every other kind) inherits nothing. */
const NO_LINEAGE = { fields: {}, conflicts: [] };

const compiled = new Map<string, CompiledRule>();

/** Compiles (once per distinct rule text) a policy document; returns the CEL error if it does not compile. */
export function compilePolicy(ref: string, doc: PolicyDoc): CompiledPolicy | { error: string } {
  let rule = compiled.get(doc.spec.rule);
  if (!rule) {
    const result = compileRule(doc.spec.rule);
    if (isCompileError(result)) return { error: result.message };
    rule = result;
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(doc.spec.rule, rule);
  }
  return {
    ref,
    name: doc.metadata.name,
    domain: doc.metadata.domain ?? null,
    doc,
    rule,
    kinds: new Set(doc.spec.match?.kinds ?? DEFAULT_POLICY_KINDS),
  };
}

type Json = Record<string, unknown>;

export interface FieldBinding {
  field: Json;
  table: Json;
  path: string;
  docPath: string;
  classification?: string;
}

/** Every schema property of a contract (nested ones too), as the rule sees it. */
export function fieldBindings(doc: Json): FieldBinding[] {
  const out: FieldBinding[] = [];
  const walk = (props: unknown, table: Json, prefix: string, base: string) => {
    if (!Array.isArray(props)) return;
    props.forEach((prop: Json, i) => {
      if (!prop || typeof prop !== 'object') return;
      const name = typeof prop.name === 'string' ? prop.name : `#${i}`;
      const docPath = `${base}.properties[${i}]`;
      const path = `${prefix}.${name}`;
      const field = { tags: [], ...prop, path };
      const b: FieldBinding = { field, table, path, docPath };
      if (typeof prop.classification === 'string') b.classification = prop.classification;
      out.push(b);
      walk(prop.properties, table, path, docPath);
      const items = prop.items as Json | undefined;
      if (items && typeof items === 'object') walk(items.properties, table, `${path}[]`, `${docPath}.items`);
    });
  };
  (Array.isArray(doc.schema) ? doc.schema : []).forEach((object: Json, i) => {
    const table = { tags: [], properties: [], ...object };
    walk(object?.properties, table, typeof object?.name === 'string' ? object.name : `#${i}`, `schema[${i}]`);
  });
  return out;
}

function labelsOf(subject: Subject): Record<string, string> {
  const metadata = subject.doc.metadata as Json | undefined;
  if (metadata && typeof metadata === 'object' && metadata.labels)
    return metadata.labels as Record<string, string>;
  const out: Record<string, string> = {};
  if (Array.isArray(subject.doc.customProperties)) {
    for (const p of subject.doc.customProperties as Json[]) {
      if (typeof p?.property === 'string' && typeof p.value === 'string') out[p.property] = p.value;
    }
  }
  return out;
}

/** The highest classification among the asset's fields (by the charter's order). */
export function assetClassification(view: GovernanceView, fields: FieldBinding[]): string | undefined {
  let best: string | undefined;
  for (const f of fields) {
    if (!f.classification) continue;
    if (best === undefined || view.levels.indexOf(f.classification) > view.levels.indexOf(best))
      best = f.classification;
  }
  return best;
}

/**
 * What every policy asks of one asset, worked out once per asset and view however many policies are
 * evaluated: its domain chain (names, nearest first), its labels and its longest list. A view is
 * treated as fixed once evaluation starts; the cache lives as long as the subject object.
 */
interface SubjectFacts {
  view: GovernanceView;
  chain: string[];
  labels?: Record<string, string>;
  longest?: number;
}

const subjectFacts = new WeakMap<Subject, SubjectFacts>();

function factsOf(subject: Subject, view: GovernanceView): SubjectFacts {
  let facts = subjectFacts.get(subject);
  if (facts?.view === view) return facts;
  const chain = domainChain(view, subject.domain).map((d) => d.name);
  if (subject.kind === 'Domain')
    chain.unshift(...domainChain(view, (subject.doc.metadata as Json).name as string).map((d) => d.name));
  facts = { view, chain };
  subjectFacts.set(subject, facts);
  return facts;
}

/**
 * Whether a policy can bind an asset of a kind whose domain chain (its domain, then the ancestors) is
 * `chain`: one of its kinds; for a domain policy, its own domain or one below it; and, when it names
 * domains, one of those in the chain. Labels and classifications need the asset itself (`matches`).
 */
export function inScope(policy: CompiledPolicy, kind: string, chain: readonly string[]): boolean {
  if (!policy.kinds.has(kind)) return false;
  if (policy.domain && !chain.includes(policy.domain)) return false;
  const domains = policy.doc.spec.match?.domains;
  return !domains || domains.some((d) => chain.includes(d));
}

/** Whether the policy applies to the asset at all (kinds, domains subtree, labels, classifications). */
export function matches(
  policy: CompiledPolicy,
  subject: Subject,
  view: GovernanceView,
  fields: FieldBinding[],
): boolean {
  if (!policy.kinds.has(subject.kind)) return false;
  const facts = factsOf(subject, view);
  if (!inScope(policy, subject.kind, facts.chain)) return false;
  const match = policy.doc.spec.match;
  if (match?.labels) {
    facts.labels ??= labelsOf(subject);
    const labels = facts.labels;
    if (!Object.entries(match.labels).every(([k, v]) => labels[k] === v)) return false;
  }
  if (match?.classifications && (policy.doc.spec.scope ?? 'asset') === 'asset') {
    const c = assetClassification(view, fields);
    if (!c || !match.classifications.includes(c)) return false;
  }
  return true;
}

/**
 * Fills `{{path.to.value}}` from the variables; `{{path ?? text}}` shows the text (quotes around it
 * dropped) where the value is missing or null, which otherwise shows as nothing.
 */
function interpolate(template: string, context: Json): string {
  return template.replace(PLACEHOLDER, (_, path: string, fallback: string | undefined) => {
    let value: unknown = context;
    for (const key of path.split('.'))
      value = value && typeof value === 'object' ? (value as Json)[key] : undefined;
    return value === undefined || value === null
      ? (fallback?.trim().replace(/^(['"])(.*)\1$/, '$2') ?? '')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  });
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*(?:\?\?([^}]*))?\}\}/g;

export interface EvaluationContext {
  view: GovernanceView;
  now: Date;
}

/** Effective owners/stewards: declared on the asset, else from the nearest domain that declares them. */
export function effectivePrincipals(
  view: GovernanceView,
  subject: Subject,
): { owners: string[]; stewards: string[] } {
  const chain = domainChain(
    view,
    subject.kind === 'Domain' ? ((subject.doc.metadata as Json).name as string) : subject.domain,
  );
  const pick = (own: string[], key: 'owners' | 'stewards') => {
    if (own.length) return own;
    for (const d of chain) if (d[key].length) return d[key];
    return [];
  };
  return { owners: pick(subject.owners, 'owners'), stewards: pick(subject.stewards, 'stewards') };
}

type DomainBinding = ReturnType<typeof domainBinding>;

/** The `domain` variable of a rule: the nearest domain of the chain, its ancestors and path. */
export function domainBinding(chain: DomainInfo[]) {
  const d = chain[0];
  return d
    ? {
        name: d.name,
        ref: d.ref,
        title: d.title,
        labels: d.labels,
        owners: d.owners,
        stewards: d.stewards,
        ancestors: chain.slice(1).map((x) => x.name),
        path: chain.map((x) => x.name).reverse(),
      }
    : { name: '', ref: '', title: '', labels: {}, owners: [], stewards: [], ancestors: [], path: [] };
}

function charterBinding(view: GovernanceView) {
  return {
    name: view.charter?.metadata.name ?? '',
    classificationLevels: view.levels,
    ownershipTypes: view.ownershipTypes,
    personalDataCategories: view.charter?.spec.personalDataCategories?.map((c) => c.name) ?? [],
    aiUses: view.charter?.spec.aiUses?.map((u) => u.name) ?? [],
  };
}

/**
 * The charter and domain variables are the same for every asset of a view: built once per view
 * (and domain) rather than once per asset. Rules cannot modify them (CEL has no side effects).
 */
const viewBindings = new WeakMap<
  GovernanceView,
  { charter: ReturnType<typeof charterBinding>; domains: Map<string | null, DomainBinding> }
>();

function sharedBindings(view: GovernanceView, domain: string | null) {
  let shared = viewBindings.get(view);
  if (!shared) {
    shared = { charter: charterBinding(view), domains: new Map() };
    viewBindings.set(view, shared);
  }
  let d = shared.domains.get(domain);
  if (!d) {
    d = domainBinding(domainChain(view, domain));
    shared.domains.set(domain, d);
  }
  return { charter: shared.charter, domain: d };
}

export function bindings(subject: Subject, ctx: EvaluationContext) {
  const { view } = ctx;
  const principals = effectivePrincipals(view, subject);
  const shared = sharedBindings(view, subject.domain);
  return {
    asset: { tags: [], customProperties: [], ...subject.doc },
    previous: subject.previous ?? {},
    ref: subject.ref,
    kind: subject.kind,
    owners: principals.owners,
    stewards: principals.stewards,
    now: ctx.now,
    charter: shared.charter,
    domain: shared.domain,
    table: {} as Json,
    field: {} as Json,
    lineage: (subject.lineage ?? NO_LINEAGE) as Json,
  };
}

type Bindings = ReturnType<typeof bindings>;

function violationOf(
  policy: CompiledPolicy,
  subject: Subject,
  path: string,
  context: Json,
  field?: string,
  error?: string,
): Violation {
  const spec = policy.doc.spec;
  const v: Violation = {
    policy: policy.ref,
    enforcement: spec.enforcement,
    asset: subject.ref,
    path,
    message: error ? `${policy.ref} could not be evaluated: ${error}` : interpolate(spec.message, context),
  };
  if (field) v.field = field;
  if (spec.remediation) v.remediation = interpolate(spec.remediation, context);
  if (error) v.error = error;
  return v;
}

/** Runs the rule once; a false, a non-boolean or a run-time error becomes a violation. */
function runRule(
  policy: CompiledPolicy,
  subject: Subject,
  context: Json,
  path: string,
  field?: string,
): Violation | undefined {
  let result: unknown;
  try {
    result = policy.rule.evaluate(context);
  } catch (error) {
    return violationOf(policy, subject, path, context, field, celErrorMessage(error));
  }
  if (result === true) return undefined;
  if (result === false) return violationOf(policy, subject, path, context, field);
  return violationOf(
    policy,
    subject,
    path,
    context,
    field,
    `the rule returned ${typeof result}, not a boolean`,
  );
}

/** Evaluates one policy on one asset; returns its violations (empty: passes). */
export function evaluatePolicy(
  policy: CompiledPolicy,
  subject: Subject,
  ctx: EvaluationContext,
  fields: FieldBinding[] = fieldBindings(subject.doc),
  base: Bindings = bindings(subject, ctx),
): Violation[] {
  if (!matches(policy, subject, ctx.view, fields)) return [];
  return evaluateMatched(policy, subject, ctx, fields, base);
}

/** `evaluatePolicy` for a policy already known to match the asset. */
export function evaluateMatched(
  policy: CompiledPolicy,
  subject: Subject,
  ctx: EvaluationContext,
  fields: FieldBinding[],
  base: Bindings,
): Violation[] {
  const spec = policy.doc.spec;
  let steps = 0;
  if (policy.rule.comprehensionDepth) {
    const facts = factsOf(subject, ctx.view);
    facts.longest ??= longestList(subject.doc);
    steps = estimatedSteps(policy.rule, facts.longest);
  }
  if (steps > MAX_ESTIMATED_STEPS) {
    const error = `the rule would take about ${steps.toExponential(1)} steps on this asset (limit ${MAX_ESTIMATED_STEPS.toExponential(0)})`;
    return [violationOf(policy, subject, '', base, undefined, error)];
  }
  return withLevels(ctx.view.levels, () => {
    if ((spec.scope ?? 'asset') === 'asset') {
      const v = runRule(policy, subject, base, '');
      return v ? [v] : [];
    }
    const out: Violation[] = [];
    const only = spec.match?.classifications;
    // One context for every field of the asset: only `field` and `table` change between runs.
    const context = { ...base };
    for (const f of fields) {
      if (only && (!f.classification || !only.includes(f.classification))) continue;
      context.field = f.field;
      context.table = f.table;
      const v = runRule(policy, subject, context, f.docPath, f.path);
      if (v) out.push(v);
    }
    return out;
  });
}

/** Marks violations excused by an active waiver (same policy and asset, and field if the waiver names one). */
export function applyWaivers(view: GovernanceView, violations: Violation[]): Violation[] {
  if (!view.waivers.length) return violations;
  return violations.map((v) => {
    const w = view.waivers.find(
      (w) => w.policy === v.policy && w.asset === v.asset && (!w.field || w.field === v.field),
    );
    return w ? { ...v, waivedBy: w.ref } : v;
  });
}
