/**
 * `npm run bench`: the catalog and policy benchmarks (bulk apply, search, footprint, policy), or those named as
 * arguments (`node --import tsx bench/run.ts search`). Prints the figures and rewrites their
 * sections of docs/benchmarks.md. Never fails on timing; only on a broken run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.js';
import { type LoadedStores, loadCatalog, runApplyBench } from './apply-bench.js';
import { defaultOptions, generateOrganisation, type Organisation } from './generate.js';
import { createTempDatabase } from './postgres.js';
import { docsFile, type Section, writeSections } from './report.js';
import { runSearchBench } from './search-bench.js';
import { dataDir, describeMachine, envFlag, envNumber, fmt, fmtMs, freshDir, log } from './support.js';

const ALL = ['apply', 'search', 'footprint', 'policy'] as const;
type BenchName = (typeof ALL)[number];

function selected(argv: string[]): BenchName[] {
  if (!argv.length) return [...ALL];
  for (const a of argv) {
    if (!(ALL as readonly string[]).includes(a))
      throw new Error(`Unknown benchmark '${a}'; expected one of ${ALL.join(', ')}`);
  }
  return ALL.filter((b) => argv.includes(b));
}

/** The command as a reader would type it again, with the BENCH_* variables that were set. */
function commandLine(argv: string[]): string {
  const vars = Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('BENCH_') && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const script = process.env.npm_lifecycle_event;
  const run = script?.startsWith('bench')
    ? `npm run ${script}`
    : `node --import tsx bench/run.ts${argv.length ? ` ${argv.join(' ')}` : ''}`;
  return [...vars, run].join(' ');
}

const orgKey = (org: Organisation) => JSON.stringify(org.options);

/** The SQLite store of the last bulk apply when it holds this organisation; otherwise loads one (untimed). */
async function sqliteFor(org: Organisation, batch: number): Promise<string> {
  const home = join(dataDir, 'sqlite');
  const marker = join(home, 'bench.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === orgKey(org)) return home;
  log('  loading a SQLite store for the search (not timed)');
  freshDir('sqlite');
  const store = await openStore({ home });
  await loadCatalog(store, org, batch, 'SQLite');
  await store.close();
  writeFileSync(marker, orgKey(org));
  return home;
}

async function main() {
  const argv = process.argv.slice(2);
  const benches = selected(argv);
  const machine = describeMachine();
  const command = commandLine(argv);
  const started = performance.now();
  log(`${command}\n${machine.nproc} CPUs, Node ${machine.node}, ${machine.date}\n`);

  const batch = envNumber('BENCH_BATCH', 5_000);
  const usePostgres = envFlag('BENCH_POSTGRES', true);
  const needsOrg = benches.includes('apply') || benches.includes('search') || benches.includes('policy');
  let org: Organisation | undefined;
  if (needsOrg) {
    const t = performance.now();
    org = generateOrganisation(defaultOptions());
    log(
      `Generated ${fmt(org.contracts.length)} contracts and ${org.setup.length} users and domains in ${fmtMs(performance.now() - t)}\n`,
    );
  }

  const sections: Section[] = [];
  let loaded: LoadedStores | undefined;
  try {
    if (benches.includes('apply') && org) {
      const result = await runApplyBench(
        org,
        {
          batch,
          single: envFlag('BENCH_SINGLE', true),
          postgres: usePostgres,
          yamlContracts: envNumber('BENCH_YAML_CONTRACTS', 20_000),
          profileContracts: envNumber('BENCH_PROFILE_CONTRACTS', 20_000),
        },
        machine,
        command,
      );
      loaded = result.loaded;
      writeFileSync(join(loaded.sqliteHome, 'bench.json'), orgKey(org));
      sections.push(result.section);
      writeSections([result.section]);
      log('');
    }
    if (benches.includes('search') && org) {
      if (!loaded) {
        loaded = { sqliteHome: await sqliteFor(org, batch) };
        const db = usePostgres ? await createTempDatabase('search') : undefined;
        if (db) {
          log('  loading a PostgreSQL database for the search (not timed)');
          const store = await openStore({ databaseUrl: db.url });
          await loadCatalog(store, org, batch, 'PostgreSQL');
          await store.close();
          loaded.postgres = db;
        }
      }
      const section = await runSearchBench(
        org.vocabulary,
        org.contracts.length,
        loaded,
        {
          queries: envNumber('BENCH_QUERIES', 1_000),
          seed: org.options.seed + 1,
          budgetMs: envNumber('BENCH_SEARCH_BUDGET_S', 90) * 1000,
        },
        machine,
        command,
      );
      sections.push(section);
      writeSections([section]);
      log('');
    }
  } finally {
    await loaded?.postgres?.drop();
  }
  if (benches.includes('policy') && org) {
    const { runPolicyBench } = await import('./policy-bench.js');
    const section = await runPolicyBench(
      org,
      {
        rounds: envNumber('BENCH_POLICY_ROUNDS', 3),
        workers: envNumber('BENCH_POLICY_WORKERS', 2),
        storeRounds: envNumber('BENCH_POLICY_STORE_ROUNDS', 3),
        batch,
        admissions: envNumber('BENCH_ADMISSIONS', 300),
        admissionFields: envNumber('BENCH_ADMISSION_FIELDS', 50),
        profileContracts: envNumber('BENCH_POLICY_PROFILE_CONTRACTS', 20_000),
      },
      machine,
      command,
    );
    sections.push(section);
    writeSections([section]);
    log('');
  }
  if (benches.includes('footprint')) {
    const { runFootprintBench } = await import('./footprint-bench.js');
    const section = await runFootprintBench(
      {
        requests: envNumber('BENCH_REQUESTS', 200),
        starts: envNumber('BENCH_STARTS', 3),
        build: envFlag('BENCH_BUILD', true),
      },
      machine,
      command,
    );
    sections.push(section);
    writeSections([section]);
  }

  for (const s of sections) log(`\n${s.markdown}`);
  log(
    `Wrote ${docsFile} (${sections.map((s) => s.id).join(', ')}) in ${fmtMs(performance.now() - started)} total.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
