/**
 * `node --import tsx bench/ai-bench.ts`: the AI-use gate with the demo organisation loaded on the
 * embedded store. In-process: latency of one `decide` (every check, the decision row and its audit
 * record written in one transaction), target p99 ≤ 2 ms. Over HTTP: decisions per second through
 * `POST /api/v1/ai/decisions` on the real server in its own process, target ≥ 2,000/s, next to a
 * bare Fastify hello-world measured by the same clients. Rewrites the `bench:ai` section of
 * docs/benchmarks.md. Never fails on timing.
 *
 * BENCH_AI_DECISIONS (5000), BENCH_AI_SECONDS (10), BENCH_AI_CONCURRENCY (32), BENCH_BUILD (1).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AiGate, type DecisionRequest } from '../src/ai/ai-gate.js';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { createPlatform } from '../src/server/platform.js';
import { openStore } from '../src/store/open-store.js';
import { aiStoreFor } from '../src/store/sql/sql-ai-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';
import { type LoadResult, runLoad } from './load-client.js';
import { runLine, table, verdict, writeSections } from './report.js';
import { startServer, stopServer } from './server-process.js';
import {
  benchDir,
  describeMachine,
  envFlag,
  envNumber,
  fmt,
  fmtMs,
  fmtRatio,
  freshDir,
  log,
  percentile,
  repoRoot,
} from './support.js';

const N = envNumber('BENCH_AI_DECISIONS', 5000);
const SECONDS = envNumber('BENCH_AI_SECONDS', 10);
const CONCURRENCY = envNumber('BENCH_AI_CONCURRENCY', 32);
const BUILD = envFlag('BENCH_BUILD', true);
const root = repoRoot;

/** A mix of answers: allows, denies with several reasons, and application clearance. */
const MIX: DecisionRequest[] = [
  { dataset: 'dataset:support/kb-articles', use: 'rag_retrieval' },
  { dataset: 'dataset:customer/customers', use: 'training', purpose: 'dpv:Marketing' },
  { dataset: 'dataset:support/chat-transcripts', use: 'fine_tuning' },
  { dataset: 'dataset:customer/customers', use: 'evaluation', purpose: 'dpv:ServiceProvision' },
  { dataset: 'dataset:finance/fx-rates', use: 'prompt_context' },
];

const loadAtStart = loadavg()[0] ?? 0;
const home = freshDir('ai');
const store = await openStore({ home });
const platform = createPlatform(store, { actor: 'user:bench' });
const applied = await platform.catalog.apply(
  parseSources(readManifestFiles([join(root, 'examples', 'org')])),
);
if (!applied.applied) throw new Error('the demo organisation did not apply');
const assets = applied.summary.created;
const gate = new AiGate(platform.catalog, qualityStoreFor(store), aiStoreFor(store), { actor: 'user:bench' });

for (let i = 0; i < 300; i++) await gate.decide(MIX[i % MIX.length]!);
const times: number[] = [];
const answers = { allow: 0, deny: 0 };
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const s = performance.now();
  const d = await gate.decide(MIX[i % MIX.length]!);
  times.push(performance.now() - s);
  answers[d.decision]++;
}
const total = performance.now() - t0;
times.sort((a, b) => a - b);
const inProcess = {
  p50: percentile(times, 50),
  p99: percentile(times, 99),
  max: times[times.length - 1]!,
  perSecond: (N / total) * 1000,
};

const recorded = (await gate.decisions({ limit: 1 })).length;
const intact = (await platform.catalog.auditVerify()).intact;
const { token } = await platform.access.tokens.create({
  principal: 'user:ada',
  name: 'bench-ai',
  expiresAt: null,
  actor: 'user:bench',
});
await store.close();

// Over HTTP: the real server (`charter serve`: token authentication, request log to a file, the
// SQLite file store) in its own process; the clients in this one, as in the load benchmark.
if (BUILD) {
  log('Building (npm run build) …');
  const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
const env: NodeJS.ProcessEnv = { ...process.env, CHARTER_QUALITY_SCHEDULER: 'off' };
for (const key of ['CHARTER_DATABASE_URL', 'CHARTER_HOME', 'CHARTER_SERVER', 'CHARTER_LOG_LEVEL'])
  delete env[key];
const logFd = openSync(join(home, 'server.log'), 'w');
const server = await startServer(
  [join(repoRoot, 'bin', 'charter.js'), '--home', home, 'serve', '--port', '0'],
  /at (http:\/\/localhost:\d+)/,
  { stdout: logFd, env },
);
const hello = await startServer(
  ['--import', 'tsx', join(benchDir, 'load-hello.ts')],
  /listening (http:\/\/\S+)/,
  {
    stdout: 'pipe',
  },
);
let http: LoadResult;
let helloResult: LoadResult;
let httpRecorded = 0;
try {
  const options = {
    url: `${server.url}/api/v1/ai/decisions`,
    headers: { authorization: `Bearer ${token}` },
    concurrency: CONCURRENCY,
    method: 'POST' as const,
    bodies: MIX.map((m) => JSON.stringify(m)),
  };
  log(`HTTP: ${CONCURRENCY} keep-alive clients, ${SECONDS} s …`);
  await runLoad({ ...options, seconds: 2 });
  http = await runLoad({ ...options, seconds: SECONDS });
  helloResult = await runLoad({ url: `${hello.url}/`, concurrency: CONCURRENCY, seconds: SECONDS });
  const listed = await fetch(`${server.url}/api/v1/ai/decisions?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  httpRecorded = ((await listed.json()) as { decisions: unknown[] }).decisions.length;
} finally {
  await stopServer(server.child);
  await stopServer(hello.child);
  closeSync(logFd);
}
if (!recorded || !httpRecorded) throw new Error('no decision was recorded');
if (http.errors) throw new Error(`HTTP decisions failed: ${JSON.stringify(http.problems)}`);

const machine = describeMachine();
const command = `BENCH_AI_DECISIONS=${N} BENCH_AI_SECONDS=${SECONDS} BENCH_AI_CONCURRENCY=${CONCURRENCY} node --import tsx bench/ai-bench.ts`;
const markdown = `## AI-use gate

${runLine(command, machine, loadAtStart)}

The demo organisation (${assets} assets). In-process: ${fmt(N)} calls of \`AiGate.decide\` (${answers.allow} allow,
${answers.deny} deny) on the embedded SQLite store, one at a time after 300 warm-up calls, cycling through
${MIX.length} questions (retrieval from a fresh corpus, training on customer data for an unrecorded purpose,
fine-tuning on transcripts, evaluation, a dataset without an AI section). Over HTTP: the real server
(\`charter --home DIR serve\`: bearer-token authentication, request log to a file, SQLite file store in WAL mode)
in its own process, ${CONCURRENCY} keep-alive clients in the benchmark's process posting the same questions to
\`POST /api/v1/ai/decisions\` for ${SECONDS} s after a 2 s warm-up; the anchor is a bare Fastify hello-world
measured by the same clients in the same run.

Each decision checks the caller may read the dataset, evaluates every gate check, and writes its decision row
and its hash-chained audit record in one transaction. The facts it reads (charter, dataset, latest quality run,
open incident) are kept in memory until the store signals a change, and for at most 1 s (another server's change
is seen within that).

${table(
  ['Figure', 'Measured', 'Target', 'Result'],
  [
    ['in-process `decide`, p50', fmtMs(inProcess.p50), '–', '–'],
    ['in-process `decide`, p99', fmtMs(inProcess.p99), '≤ 2 ms', verdict(inProcess.p99 <= 2)],
    ['in-process `decide`, max', fmtMs(inProcess.max), '–', '–'],
    ['in-process, one at a time', `${fmt(inProcess.perSecond)} decisions/s`, '–', '–'],
    [
      `HTTP \`POST /api/v1/ai/decisions\`, ${CONCURRENCY} clients`,
      `${fmt(http.perSecond)} decisions/s (p50 ${fmtMs(http.p50)}, p99 ${fmtMs(http.p99)}, ${http.errors} errors)`,
      '≥ 2,000/s',
      verdict(http.perSecond >= 2000),
    ],
    [
      'anchor: bare Fastify hello-world, same clients',
      `${fmt(helloResult.perSecond)} requests/s (decisions at ${fmtRatio(http.perSecond / helloResult.perSecond)} of it)`,
      '–',
      '–',
    ],
  ],
)}

The audit chain verified intact after the in-process run: ${intact}.`;

console.log(markdown);
writeSections([{ id: 'ai', markdown }]);
