/**
 * The AI capability's seat in the apply pipeline:
 * - a contract's or product's AI section (`customProperties` entry `x-charter-ai`) is validated
 *   against the shipped vocabularies, and an invalid one makes the document `invalid` with every
 *   issue's JSON path;
 * - a model or application is admitted with a warning for each dataset it declares as an input
 *   that the AI-use gate would refuse for that link's role, with the gate's reasons (for a dataset
 *   the caller may not read, a warning that its answer is not shown, whatever it is). Nothing is recorded as a decision: the record of what a
 *   system uses is checked when it is declared, as `charter ai decide` checks it when asked;
 * - `describe` of a model or application shows the gate's answer now for each of those inputs.
 */
import type { InputGateView } from '../catalog/catalog-api.js';
import type { CatalogPlugin } from '../catalog/plugin.js';
import { parseRef } from '../model/ref.js';
import type { Admission, Violation } from '../model/violation.js';
import type { AiGate } from './ai-gate.js';
import { validateAiSection } from './ai-section.js';

/** What admission names as the source of these warnings (there is no policy to waive). */
export const GATE_CHECK = 'ai-use-gate';

const target = (dataset: string) => ({
  ref: dataset,
  kind: 'DataContract',
  domain: parseRef(dataset).domain ?? null,
});

export function aiPlugin(gate?: () => AiGate): CatalogPlugin {
  return {
    name: 'ai',
    validate(kind, doc) {
      if (kind !== 'DataContract' && kind !== 'DataProduct') return [];
      return validateAiSection(doc);
    },
    async admit(subjects, batch) {
      const out = new Map<string, Admission>();
      if (!gate) return out;
      for (const subject of subjects) {
        if (subject.kind !== 'Model' && subject.kind !== 'AiApplication') continue;
        const violations: Violation[] = [];
        for (const { index, dataset, use, reasons } of await gate().assessInputs(subject, batch.docs)) {
          const where = {
            policy: GATE_CHECK,
            enforcement: 'warn' as const,
            asset: subject.ref,
            path: `spec.inputs[${index}]`,
          };
          // Of a dataset the caller may not read, not even the answer is told: it would say something about it.
          if (!(batch.mayRead?.(target(dataset)) ?? true))
            violations.push({
              ...where,
              message: `you may not read ${dataset}, so the AI-use gate's answer for ${use} is not shown`,
              remediation: `Ask the owners of ${dataset} (or the data office) whether it may be used for ${use}`,
            });
          else if (reasons.length)
            violations.push({
              ...where,
              message: `the AI-use gate refuses ${use} of ${dataset} (${reasons.map((r) => r.check).join(', ')})`,
              remediation: reasons.map((r) => r.fix).join('; '),
            });
        }
        if (!violations.length) continue;
        out.set(subject.ref, { decision: 'admitted-with-warnings', violations });
      }
      return out;
    },
    async describe(description, guard) {
      const { asset, doc } = description;
      if (!gate || (asset.kind !== 'Model' && asset.kind !== 'AiApplication')) return undefined;
      const assessed = await gate().assessInputs({ ref: asset.ref, doc });
      if (!assessed.length) return undefined;
      return {
        inputsGate: assessed.map(({ index, dataset, use, reasons }): InputGateView => {
          if (guard && !guard.canRead(target(dataset)))
            return { index, dataset, use, decision: 'restricted', reasons: [] };
          return {
            index,
            dataset,
            use,
            decision: reasons.length ? 'deny' : 'allow',
            reasons: reasons.map(({ check, message, fix }) => ({ check, message, fix })),
          };
        }),
      };
    },
  };
}
