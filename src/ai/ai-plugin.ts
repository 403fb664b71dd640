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
 * - a change to contracts or to the charter that turns the answer for a system's declared input
 *   around warns its caller (naming the system only to a caller who may read it); once it is live
 *   (an apply, a deletion, an approved version), each such input is recorded on its system
 *   (`ai.input.refused`, `ai.input.allowed`), which webhooks of the system's and the dataset's
 *   domains receive as events;
 * - `describe` of a model or application shows the gate's answer now for each of those inputs.
 */
import { refTarget } from '../catalog/catalog.js';
import type { CatalogPlugin } from '../catalog/plugin.js';
import { domainOfRef } from '../lineage/webhooks.js';
import type { ValidationIssue } from '../model/validation.js';
import type { AiGate } from './ai-gate.js';
import { validateAiSection } from './ai-section.js';

/** What happens to a turned-around answer once the change is live (see `AiGate.recordFlips`). */
const TOLD =
  "; once the change is live, this is recorded on the system and sent to the webhooks of its domain and the dataset's";

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
      // A contract or charter change that turns the answer for a system's input around.
      if (!subjects.some((s) => s.kind === 'DataContract' || s.kind === 'Charter')) return out;
      const charter = subjects.find((s) => s.kind === 'Charter')?.ref;
      for (const flip of await gate().flips(subjects, { pending: batch.docs })) {
        const on = batch.docs.has(flip.dataset) ? flip.dataset : charter;
        if (!on) continue;
        const readable = batch.mayRead?.(flip.system) ?? true;
        const system = readable
          ? `${flip.system}${flip.stage ? `, in ${flip.stage}` : ''}`
          : `a system of ${domainOfRef(flip.system) ?? 'another domain'} you may not read`;
        const use = `${flip.use} of ${flip.dataset === on ? 'it' : flip.dataset}`;
        const checks = flip.reasons.map((r) => r.check).join(', ');
        const message =
          flip.decision === 'deny'
            ? `this change makes the AI-use gate refuse ${use} for ${system} (failing: ${checks})${TOLD}`
            : `this change makes the AI-use gate allow ${use} for ${system}, which it refused for ${checks}${TOLD}`;
        const path = on === charter ? 'spec' : (flip.reasons.find((r) => r.path)?.path ?? 'customProperties');
        out.set(on, [...(out.get(on) ?? []), { path, message }]);
      }
      return out;
    },
    async afterApply(changed, { actor }) {
      if (!gate) return;
      try {
        await gate().recordFlips(changed, actor);
      } catch {
        // The change is stored whatever happens here; the gate's answers are asked again on use.
      }
    },
    async afterQuality({ ref, runId, before }, { actor }) {
      if (!gate) return;
      try {
        await gate().recordFlips([{ ref, kind: 'DataContract' }], actor, {
          run: runId,
          before: { latest: before.latest, incident: before.incident },
        });
      } catch {
        // The run is stored whatever happens here; the gate's answers are asked again on use.
      }
    },
    async describe(description, guard) {
      const { asset, doc } = description;
      if (!gate || (asset.kind !== 'Model' && asset.kind !== 'AiApplication')) return undefined;
      // A dataset the caller may not read is restricted: neither its answer nor why.
      const inputsGate = await gate().inputsSeen({ ref: asset.ref, doc }, (dataset) => {
        const target = refTarget(dataset);
        return !guard || !target || guard.canRead(target);
      });
      return inputsGate.length ? { inputsGate } : undefined;
    },
  };
}
