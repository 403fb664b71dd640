/**
 * The AI capability's seat in the apply pipeline:
 * - a contract's or product's AI section (`customProperties` entry `x-charter-ai`) is validated
 *   against the shipped vocabularies, and an invalid one makes the document `invalid` with every
 *   issue's JSON path;
 * - applying a model or application warns (advice for the caller, recorded nowhere) for each
 *   dataset it declares as an input that the AI-use gate would refuse for that link's role, with
 *   the failing checks and what would change them (for a dataset the caller may not read, that its
 *   answer is not shown, whatever it is). No decision is recorded: the record of what a system uses
 *   is checked when it is declared, as `charter ai decide` checks it when asked;
 * - `describe` of a model or application shows the gate's answer now for each of those inputs.
 */
import { refTarget } from '../catalog/catalog.js';
import type { InputGateView } from '../catalog/catalog-api.js';
import type { CatalogPlugin } from '../catalog/plugin.js';
import type { ValidationIssue } from '../model/validation.js';
import type { AiGate } from './ai-gate.js';
import { validateAiSection } from './ai-section.js';

export function aiPlugin(gate?: () => AiGate): CatalogPlugin {
  return {
    name: 'ai',
    validate(kind, doc) {
      if (kind !== 'DataContract' && kind !== 'DataProduct') return [];
      return validateAiSection(doc);
    },
    async advise(subjects, batch) {
      const out = new Map<string, ValidationIssue[]>();
      if (!gate) return out;
      for (const subject of subjects) {
        if (subject.kind !== 'Model' && subject.kind !== 'AiApplication') continue;
        const advice: ValidationIssue[] = [];
        for (const { index, dataset, use, reasons } of await gate().assessInputs(subject, batch.docs)) {
          const path = `spec.inputs[${index}]`;
          // Of a dataset the caller may not read, not even the answer is told: it would say something about it.
          if (!(batch.mayRead?.(dataset) ?? true))
            advice.push({
              path,
              message: `you may not read ${dataset}, so the AI-use gate's answer for ${use} is not shown; ask its owners`,
            });
          else if (reasons.length)
            advice.push({
              path,
              message: `the AI-use gate refuses ${use} of ${dataset} (${reasons.map((r) => r.check).join(', ')}): ${reasons.map((r) => r.fix).join('; ')}`,
            });
        }
        if (advice.length) out.set(subject.ref, advice);
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
          const target = refTarget(dataset);
          if (guard && target && !guard.canRead(target))
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
