/** `ai decide` and `ai decisions`: the AI-use gate, locally or against a running server (`--server`). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type AiDecision, AiGate, type AiSystemRow, type DecisionRequest } from '../../ai/ai-gate.js';
import { buildContext, type ContextPack, contextMarkdown } from '../../ai/context-pack.js';
import { type Readiness, ReadinessService } from '../../ai/readiness.js';
import type { ApplyResult } from '../../catalog/apply.js';
import type { Description, InputGateView } from '../../catalog/catalog-api.js';
import type { ScanReport } from '../../classify/scan.js';
import {
  type ScanOutcome,
  type ScanSuggestion,
  ScanSuggestions,
  scanAndPropose,
} from '../../classify/scan-suggestions.js';
import { InputError } from '../../model/errors.js';
import { tryParseRef } from '../../model/ref.js';
import { aiStoreFor } from '../../store/sql/sql-ai-store.js';
import { qualityStoreFor } from '../../store/sql/sql-quality-store.js';
import { scanStoreFor } from '../../store/sql/sql-scan-store.js';
import { actorOf, formatOf, type GlobalOptions, openLocal, serverOf, tokenOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { query, ServerConnection } from '../http-client.js';
import { formatTable, minuteOf, type OutputFormat, printData, WHOLE, wrap } from '../output.js';
import { formatApply } from './catalog-commands.js';

/** What the commands need, from the local store or a server. */
export interface AiClient {
  decide(request: DecisionRequest): Promise<AiDecision>;
  systems(domain?: string): Promise<AiSystemRow[]>;
  /** The datasets a model or application declares as inputs, with the use each link's role asks. */
  inputsOf(ref: string): Promise<InputGateView[]>;
  decisions(filter: { dataset?: string; limit?: number }): Promise<AiDecision[]>;
  context(ref: string): Promise<ContextPack>;
  readiness(ref: string): Promise<Readiness>;
}

class HttpAi implements AiClient {
  constructor(private readonly http: ServerConnection) {}

  decide(request: DecisionRequest) {
    return this.http.call<AiDecision>('POST', '/api/v1/ai/decisions', request);
  }

  async systems(domain?: string) {
    return (await this.http.call<{ systems: AiSystemRow[] }>('GET', `/api/v1/ai/systems${query({ domain })}`))
      .systems;
  }

  async inputsOf(ref: string) {
    const d = await this.http.call<Description>('GET', `/api/v1/assets/${encodeURIComponent(ref)}/describe`);
    return d.inputsGate ?? [];
  }

  async decisions(filter: { dataset?: string; limit?: number }) {
    return (
      await this.http.call<{ decisions: AiDecision[] }>(
        'GET',
        `/api/v1/ai/decisions${query({ dataset: filter.dataset, limit: filter.limit })}`,
      )
    ).decisions;
  }

  context(ref: string) {
    return this.http.call<ContextPack>('GET', `/api/v1/context/${encodeURIComponent(ref)}`);
  }

  readiness(ref: string) {
    return this.http.call<Readiness>('GET', `/api/v1/ai/readiness/${encodeURIComponent(ref)}`);
  }
}

/** The gate plus context, over the local store. */
class LocalAi implements AiClient {
  constructor(private readonly gate: AiGate) {}
  decide(request: DecisionRequest) {
    return this.gate.decide(request);
  }
  async inputsOf(ref: string) {
    return (await this.gate.catalog.describe(ref)).inputsGate ?? [];
  }
  systems(domain?: string) {
    return this.gate.systems(domain ? { domain } : {});
  }
  decisions(filter: { dataset?: string; limit?: number }) {
    return this.gate.decisions(filter);
  }
  context(ref: string) {
    return buildContext(this.gate.catalog, this.gate.quality, ref);
  }
  readiness(ref: string) {
    return new ReadinessService(this.gate.catalog, this.gate.quality).readiness(ref);
  }
}

export async function withAi(
  command: Command,
  run: (client: AiClient, format: OutputFormat) => Promise<number>,
  formats?: OutputFormat[],
): Promise<void> {
  const globals = command.optsWithGlobals() as GlobalOptions;
  const format = formatOf(globals, formats);
  const actor = actorOf(globals);
  const server = serverOf(globals);
  if (server) {
    const http = new ServerConnection(server, actor, tokenOf(globals));
    process.exitCode = await run(new HttpAi(http), format);
    return;
  }
  const { store, catalog } = await openLocal(globals);
  try {
    const gate = new AiGate(catalog, qualityStoreFor(store), aiStoreFor(store), { actor });
    process.exitCode = await run(new LocalAi(gate), format);
  } finally {
    await store.close();
  }
}

export function formatDecision(d: AiDecision): string {
  const head = `${d.decision === 'allow' ? 'ALLOW' : 'DENY'}  ${d.use} of ${d.dataset} (v${d.datasetVersion})${d.for ? ` for ${d.for}` : ''}${d.purpose ? ` — purpose ${d.purpose}` : ''}`;
  const lines = [wrap(head, '', '      ')];
  for (const r of d.reasons) {
    lines.push(wrap(`${r.check}: ${r.message}${r.path ? ` [${r.path}]` : ''}`, '  ✗ '));
    lines.push(wrap(r.fix, '      → '));
  }
  const passed = d.checks.filter((c) => c.status === 'pass').map((c) => c.check);
  if (passed.length) lines.push(wrap(passed.join(', '), '  ✓ '));
  lines.push(wrap(`decision ${d.id}, audit record #${d.auditSeq}`, '  '));
  return lines.join('\n');
}

/**
 * `ai decide --for REF` alone: the gate asked (and recorded) for every dataset the system declares
 * as an input, each for its link's role; a dataset the caller may not read is not asked.
 */
async function decideInputs(client: AiClient, format: OutputFormat, subject: string, purpose?: string) {
  const kind = tryParseRef(subject)?.kind;
  if (kind !== 'model' && kind !== 'app')
    throw new InputError(`--for must be a model:… or app:… ref (got '${subject}')`);
  const inputs = await client.inputsOf(subject);
  const decisions: AiDecision[] = [];
  const notAsked: { dataset: string; use: string; reason: string }[] = [];
  for (const input of inputs) {
    if (input.decision === 'restricted') {
      notAsked.push({ dataset: input.dataset, use: input.use, reason: 'you may not read it' });
      continue;
    }
    decisions.push(
      await client.decide({
        dataset: input.dataset,
        use: input.use,
        for: subject,
        ...(purpose ? { purpose } : {}),
      }),
    );
  }
  const result = { for: subject, decisions, notAsked };
  printData(result, format, () => {
    if (!inputs.length) return `${subject} declares no dataset it uses (spec.inputs, outputs aside).`;
    const denied = decisions.filter((d) => d.decision === 'deny').length;
    const lines = [
      wrap(
        `${subject}: ${decisions.length - denied} of ${inputs.length} input${inputs.length === 1 ? '' : 's'} allowed${denied ? `, ${denied} denied` : ''}${notAsked.length ? `, ${notAsked.length} not asked` : ''}.`,
      ),
    ];
    for (const d of decisions) lines.push('', formatDecision(d));
    for (const n of notAsked)
      lines.push('', wrap(`NOT ASKED  ${n.use} of ${n.dataset}: ${n.reason}`, '', '      '));
    return lines.join('\n');
  });
  return decisions.every((d) => d.decision === 'allow') && !notAsked.length ? EXIT.ok : EXIT.no;
}

export function formatReadiness(r: Readiness): string {
  const lines = [wrap(`AI readiness of ${r.ref}: ${r.score ?? 'n/a'} / 100`)];
  if (r.kind === 'dataset') {
    const d = r.datasets[0]!;
    lines.push(
      wrap(
        `GenAI checks ${d.parts.checks} · AI-section completeness ${d.parts.completeness} · quality ${d.parts.quality} · freshness ${d.parts.freshness}`,
        '  ',
      ),
    );
    for (const c of d.checks.filter((c) => c.status !== 'not-applicable'))
      lines.push(`  ${c.status === 'pass' ? '✓' : '✗'} ${c.id}`);
  } else {
    for (const d of r.datasets) lines.push(`  ${String(d.score).padStart(5)}  ${d.ref}`);
  }
  if (r.improvements.length) lines.push('What would raise it:');
  for (const i of r.improvements) lines.push(wrap(i.action, `  +${i.gain}  `));
  return lines.join('\n');
}

export function formatScan(r: ScanReport): string {
  const lines = [
    wrap(
      `Scanned ${r.ref} on ${r.server ?? '?'} (${r.engine}): up to ${r.sample} values per field; fetch ${r.durationMs.fetch} ms, detect ${r.durationMs.detect} ms`,
    ),
  ];
  for (const f of r.fields) {
    if (!f.detections.length && !f.hints.length) continue;
    const found = f.detections.map(
      (d) => `${d.category} ${Math.round(d.matchRate * 100)}% (confidence ${d.confidence})`,
    );
    const proposal = f.proposedClassification
      ? ` → propose ${f.proposedClassification} (now ${f.currentClassification ?? 'unclassified'})`
      : '';
    lines.push(
      wrap(
        `${f.path}: ${found.join(', ') || 'no match'}${f.hints.length ? `; name suggests ${f.hints.join(', ')}` : ''}${proposal}${f.proposedTags.length ? `; tags ${f.proposedTags.join(', ')}` : ''}`,
        '  ',
        '    ',
      ),
    );
  }
  return lines.join('\n');
}

export function registerAiCommands(program: Command) {
  const scan = program
    .command('scan')
    .description(
      'Scan a sample of a dataset for personal data and propose classifications (values are never shown or stored)',
    )
    .argument('<ref>', 'dataset:DOMAIN/NAME')
    .option('--sample <n>', 'values per field to sample', '1000')
    .option(
      '--accept',
      'write the proposals as a new contract version (through admission); without it they are kept as suggestions for stewards',
    )
    .option(
      '--data-root <dir>',
      'folder relative server paths resolve against (default CHARTER_DATA_ROOT or .); with --server the server scans under its own CHARTER_DATA_ROOT',
    );
  scan.action(async (ref: string) => {
    const globals = scan.optsWithGlobals() as GlobalOptions & {
      sample: string;
      accept?: boolean;
      dataRoot?: string;
    };
    const format = formatOf(globals);
    const sample = Number(globals.sample);
    const server = serverOf(globals);
    let outcome: ScanOutcome;
    if (server) {
      // The server scans where it is: its own CHARTER_DATA_ROOT, not this machine's --data-root.
      if (globals.dataRoot)
        throw new InputError(
          '--data-root is for local scans; with --server the server reads its CHARTER_DATA_ROOT',
        );
      const http = new ServerConnection(server, actorOf(globals), tokenOf(globals));
      outcome = await http.call<ScanOutcome>('POST', '/api/v1/scan', {
        ref,
        sample,
        accept: Boolean(globals.accept),
      });
    } else {
      const { store, catalog } = await openLocal(globals);
      try {
        outcome = await scanAndPropose(new ScanSuggestions(catalog, scanStoreFor(store)), ref, {
          sample,
          accept: Boolean(globals.accept),
          dataRoot: resolve(globals.dataRoot ?? process.env.CHARTER_DATA_ROOT ?? '.'),
        });
      } finally {
        await store.close();
      }
    }
    const report = 'scan' in outcome ? outcome.scan : outcome;
    const applied = 'scan' in outcome ? outcome.apply : undefined;
    const suggestions = 'suggestions' in outcome ? outcome.suggestions : undefined;
    printData(outcome, format, () =>
      [
        formatScan(report),
        ...(applied ? [formatApply(applied)] : globals.accept ? ['Nothing to accept.'] : []),
        ...(suggestions?.length
          ? [
              `${suggestions.length} suggestion${suggestions.length === 1 ? '' : 's'} kept for stewards: charter scan suggestions ${report.ref}`,
            ]
          : []),
      ].join('\n'),
    );
    process.exitCode = applied && !applied.applied ? EXIT.no : EXIT.ok;
  });

  registerSuggestionCommands(scan);

  const ai = program.command('ai').description('The AI-use gate: may a dataset feed an AI use?');

  const decide = ai
    .command('decide')
    .description(
      "Ask whether a dataset may be used for an AI use, or (--for alone) every dataset a model or application declares as an input, each for its link's role; exits 1 on any deny",
    )
    .option('--dataset <ref>', 'dataset:DOMAIN/NAME')
    .option('--use <use>', 'training, fine_tuning, evaluation, rag_retrieval, prompt_context …')
    .option('--for <ref>', 'the model or AI application asking (model:… or app:…)')
    .option('--purpose <dpv>', 'the DPV purpose served, e.g. dpv:CustomerCare')
    .addHelpText(
      'after',
      `
Examples:
  charter ai decide --dataset dataset:support/kb-articles --use rag_retrieval --for app:support/nora
  charter ai decide --for model:cards/fraud-scorer     every input of the model, each for its role

Every answer is recorded and audited. Exit codes: 0 allowed; 1 denied (any, with --for alone; or a
dataset you may not read); 2 bad input.`,
    );
  decide.action(() =>
    withAi(decide, async (client, format) => {
      const o = decide.opts() as { dataset?: string; use?: string; for?: string; purpose?: string };
      if (!o.dataset && !o.use && o.for) return decideInputs(client, format, o.for, o.purpose);
      if (!o.dataset || !o.use)
        throw new InputError(
          'Give --dataset and --use (and optionally --for), or --for alone to ask for every input of a model or application',
        );
      const decision = await client.decide({
        dataset: o.dataset,
        use: o.use,
        ...(o.for ? { for: o.for } : {}),
        ...(o.purpose ? { purpose: o.purpose } : {}),
      });
      printData(decision, format, () => formatDecision(decision));
      return decision.decision === 'allow' ? EXIT.ok : EXIT.no;
    }),
  );

  const systems = ai
    .command('systems')
    .description(
      "Models and AI applications, each with the AI-use gate's answer now for the datasets it declares it uses (most refused first)",
    )
    .option('--domain <name>', 'only this domain and its sub-domains');
  systems.action(() =>
    withAi(systems, async (client, format) => {
      const o = systems.opts() as { domain?: string };
      const rows = await client.systems(o.domain);
      printData(rows, format, () => {
        if (!rows.length) return 'No model or AI application you may read.';
        const inputs = (r: AiSystemRow) => {
          const restricted = r.inputs.filter((i) => i.decision === 'restricted').length;
          return `${r.inputs.length - r.refused - restricted} of ${r.inputs.length} allowed${restricted ? `, ${restricted} not yours to read` : ''}`;
        };
        const lines = [
          formatTable(rows, [
            { header: 'system', value: (r) => r.ref, min: WHOLE },
            { header: 'stage', value: (r) => r.stage ?? '', min: 5, drop: 2 },
            { header: 'owners', value: (r) => r.owners.join(', '), min: 6, drop: 1 },
            { header: 'inputs', value: inputs, min: WHOLE },
          ]),
        ];
        // What is refused, under the table: a ref and its checks read whole at any width.
        const refusing = rows.filter((r) => r.refused);
        if (refusing.length) lines.push('', 'Refused:');
        for (const r of refusing) {
          lines.push(`  ${r.ref}`);
          for (const i of r.inputs.filter((x) => x.decision === 'deny'))
            lines.push(
              wrap(
                `${i.dataset} for ${i.use} (${i.checks.join(', ')})${i.since ? `, since ${minuteOf(i.since.time)} (${i.since.actor})` : ''}`,
                '    ',
                '      ',
              ),
            );
        }
        return lines.join('\n');
      });
      return EXIT.ok;
    }),
  );

  const readiness = ai
    .command('readiness')
    .description('AI-readiness score of a dataset, product or domain, with what would raise it')
    .argument('<ref>', 'dataset:…, product:… or domain:…');
  readiness.action((ref: string) =>
    withAi(readiness, async (client, format) => {
      const r = await client.readiness(ref);
      printData(r, format, () => formatReadiness(r));
      return EXIT.ok;
    }),
  );

  const decisions = ai
    .command('decisions')
    .description('Recorded AI-use decisions, newest first')
    .option('--dataset <ref>', 'only decisions about this dataset')
    .option('--limit <n>', 'at most this many', '100');
  decisions.action(() =>
    withAi(decisions, async (client, format) => {
      const o = decisions.opts() as { dataset?: string; limit: string };
      const rows = await client.decisions({
        ...(o.dataset ? { dataset: o.dataset } : {}),
        limit: Number(o.limit) || 100,
      });
      printData(rows, format, () =>
        formatTable(rows, [
          { header: 'TIME', value: (d) => d.time },
          { header: 'DECISION', value: (d) => d.decision },
          { header: 'USE', value: (d) => d.use },
          { header: 'DATASET', value: (d) => d.dataset },
          { header: 'FOR', value: (d) => d.for ?? '' },
          { header: 'ACTOR', value: (d) => d.actor },
          { header: 'REASONS', value: (d) => d.reasons.map((r) => r.check).join(', ') },
        ]),
      );
      return EXIT.ok;
    }),
  );

  const context = program
    .command('context')
    .description('Governed context of a dataset or product for a prompt or an agent (-o md|json|yaml)')
    .argument('<ref>', 'dataset:DOMAIN/NAME or product:DOMAIN/NAME');
  context.action((ref: string) =>
    withAi(
      context,
      async (client, format) => {
        const pack = await client.context(ref);
        if (format === ('md' as OutputFormat) || format === 'table')
          process.stdout.write(contextMarkdown(pack));
        else printData(pack, format, () => contextMarkdown(pack));
        return EXIT.ok;
      },
      ['md' as OutputFormat, 'json', 'yaml', 'table'],
    ),
  );
}

/** Scan suggestions, on the local store or a server. */
interface SuggestionClient {
  list(filter: { ref?: string; state?: string }): Promise<ScanSuggestion[]>;
  accept(id: string): Promise<{ suggestion: ScanSuggestion; apply: ApplyResult | null }>;
  dismiss(id: string, reason?: string): Promise<ScanSuggestion>;
}

async function withSuggestions(
  command: Command,
  run: (client: SuggestionClient, format: OutputFormat) => Promise<number>,
): Promise<void> {
  const globals = command.optsWithGlobals() as GlobalOptions;
  const format = formatOf(globals);
  const server = serverOf(globals);
  if (server) {
    const http = new ServerConnection(server, actorOf(globals), tokenOf(globals));
    const path = (id: string, verb: string) => `/api/v1/scan/suggestions/${encodeURIComponent(id)}/${verb}`;
    process.exitCode = await run(
      {
        list: async (f) => {
          return (
            await http.call<{ suggestions: ScanSuggestion[] }>(
              'GET',
              `/api/v1/scan/suggestions${query({ ref: f.ref, state: f.state })}`,
            )
          ).suggestions;
        },
        accept: (id) => http.call('POST', path(id, 'accept'), {}),
        dismiss: (id, reason) => http.call('POST', path(id, 'dismiss'), reason ? { reason } : {}),
      },
      format,
    );
    return;
  }
  const { store, catalog } = await openLocal(globals);
  try {
    const service = new ScanSuggestions(catalog, scanStoreFor(store));
    process.exitCode = await run(
      {
        list: (f) => service.list(f),
        accept: (id) => service.accept(id),
        dismiss: (id, reason) => service.dismiss(id, reason),
      },
      format,
    );
  } finally {
    await store.close();
  }
}

function proposal(s: ScanSuggestion): string {
  return [
    s.proposedClassification
      ? `${s.currentClassification ?? 'unclassified'} → ${s.proposedClassification}`
      : '',
    s.proposedTags.length ? `+${s.proposedTags.join(' +')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function registerSuggestionCommands(scan: Command) {
  const list = scan
    .command('suggestions')
    .description('Proposals of scans run without --accept, kept for stewards (open ones by default)')
    .argument('[ref]', 'only this dataset')
    .option('--state <state>', 'open, accepted, dismissed, superseded or all', 'open');
  list.action((ref?: string) =>
    withSuggestions(list, async (client, format) => {
      const o = list.opts() as { state: string };
      const rows = await client.list({ ...(ref ? { ref } : {}), state: o.state });
      printData(rows, format, () =>
        rows.length
          ? // Two lines per suggestion: the id stays whole on any terminal, to paste into accept/dismiss.
            rows
              .map((r) => {
                const evidence =
                  r.evidence.detections
                    .map((d) => `${d.category} ${Math.round(d.matchRate * 100)}%`)
                    .join(', ') || `name suggests ${r.evidence.hints.join(', ')}`;
                return `${r.id}  ${r.state}  ${r.time}\n  ${r.ref} ${r.path}: ${proposal(r)} (${evidence})`;
              })
              .join('\n')
          : 'No scan suggestions.',
      );
      return EXIT.ok;
    }),
  );

  const accept = scan
    .command('accept')
    .description('Accept a suggestion: a new contract version through admission (exit 1 when denied)')
    .argument('<id>', 'the suggestion id');
  accept.action((id: string) =>
    withSuggestions(accept, async (client, format) => {
      const r = await client.accept(id);
      printData(r, format, () =>
        [
          `${r.suggestion.state === 'accepted' ? 'Accepted' : 'Not accepted'}: ${r.suggestion.ref} ${r.suggestion.path} (${proposal(r.suggestion)})`,
          ...(r.apply ? [formatApply(r.apply)] : ['Nothing left to change on the contract.']),
        ].join('\n'),
      );
      return r.suggestion.state === 'accepted' ? EXIT.ok : EXIT.no;
    }),
  );

  const dismiss = scan
    .command('dismiss')
    .description('Dismiss a suggestion without changing the contract')
    .argument('<id>', 'the suggestion id')
    .option('--reason <text>', 'why, kept in the audit log');
  dismiss.action((id: string) =>
    withSuggestions(dismiss, async (client, format) => {
      const o = dismiss.opts() as { reason?: string };
      const r = await client.dismiss(id, o.reason);
      printData(r, format, () => `Dismissed: ${r.ref} ${r.path} (${proposal(r)})`);
      return EXIT.ok;
    }),
  );
}
