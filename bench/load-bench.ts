/**
 * Load: the read API of the real server (`node bin/charter.js serve`, token authentication, request
 * logging to a file, SQLite store with the demo organisation) under concurrent keep-alive clients on
 * loopback — a cached asset read, a search and /healthz — next to a bare Fastify hello-world
 * measured with the same client code in the same run (before and after, their mean is the anchor).
 * Targets: the asset read at ≥ 0.5× the hello-world's requests/s, p99 ≤ 25 ms, no errors.
 * Writes the `<!-- bench:load -->` section of docs/benchmarks.md (and no other) and prints JSON.
 *
 *   npm run bench:load                         # 50 clients, 30 s per endpoint
 *   BENCH_LOAD_SECONDS=5 npm run bench:load    # a quick look
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { createPlatform } from '../src/server/platform.js';
import { openStore } from '../src/store/open-store.js';
import { type LoadResult, runLoad } from './load-client.js';
import { runLine, table } from './report.js';
import { startServer, stopServer } from './server-process.js';
import {
  benchDir,
  describeMachine,
  envFlag,
  envNumber,
  fmt,
  fmtRatio,
  freshDir,
  log,
  repoRoot,
} from './support.js';

const SECONDS = envNumber('BENCH_LOAD_SECONDS', 30);
const CLIENTS = envNumber('BENCH_LOAD_CLIENTS', 50);
const WARMUP = envNumber('BENCH_LOAD_WARMUP_S', 3);
const BUILD = envFlag('BENCH_BUILD', true);

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 25;
const ASSET = 'dataset:payments/payment-transactions';
const QUERY = 'payment';
const READER = 'user:grace';

const docsFile = join(repoRoot, 'docs', 'benchmarks.md');
const bin = join(repoRoot, 'bin', 'charter.js');

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface Measured extends LoadResult {
  /** The server process's CPU time per answered request in the timed window, µs (undefined off Linux). */
  serverCpuUs?: number;
}

async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
  serverPid: number | undefined,
): Promise<Measured> {
  log(`  ${name}: ${WARMUP} s warm-up, then ${SECONDS} s with ${CLIENTS} clients …`);
  await runLoad({ url, headers, concurrency: CLIENTS, seconds: WARMUP });
  const before = processCpuMs(serverPid);
  const result: Measured = await runLoad({ url, headers, concurrency: CLIENTS, seconds: SECONDS });
  const after = processCpuMs(serverPid);
  if (before !== undefined && after !== undefined && result.requests)
    result.serverCpuUs = ((after - before) * 1000) / result.requests;
  log(
    `    ${fmt(result.perSecond)} req/s, p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms, max ${fmt(result.max, 1)} ms, ${result.errors} errors, server CPU ${result.serverCpuUs === undefined ? '?' : `${fmt(result.serverCpuUs)} µs`}/request`,
  );
  return result;
}

async function main() {
  const loadAtStart = loadavg()[0] ?? 0;
  const machine = describeMachine();
  if (BUILD) {
    log('Building (npm run build) …');
    const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }

  // The demo organisation in a fresh SQLite home, and a token for a steward of payments.
  const home = freshDir('load');
  const store = await openStore({ home });
  const platform = createPlatform(store, { actor: 'user:demo-loader' });
  const applied = await platform.catalog.apply(
    parseSources(readManifestFiles([join(repoRoot, 'examples', 'org')])),
  );
  if (!applied.applied) throw new Error('The demo organisation did not apply');
  const assets = applied.summary.created;
  const { token } = await platform.access.tokens.create({
    principal: READER,
    name: 'load',
    expiresAt: null,
    actor: 'user:demo-loader',
  });
  await store.close();

  const logFile = join(home, 'server.log');
  const logFd = openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, CHARTER_QUALITY_SCHEDULER: 'off' };
  for (const key of ['CHARTER_DATABASE_URL', 'CHARTER_HOME', 'CHARTER_SERVER', 'CHARTER_LOG_LEVEL'])
    delete env[key];
  const charter = await startServer(
    [bin, '--home', home, 'serve', '--port', '0'],
    /at (http:\/\/localhost:\d+)/,
    {
      stdout: logFd,
      env,
    },
  );
  const hello = await startServer(
    ['--import', 'tsx', join(benchDir, 'load-hello.ts')],
    /listening (http:\/\/\S+)/,
    {
      stdout: 'pipe',
    },
  );
  const auth = { authorization: `Bearer ${token}` };
  const results: Record<string, Measured> = {};
  try {
    const check = await fetch(`${charter.url}/api/v1/assets/${encodeURIComponent(ASSET)}`, { headers: auth });
    if (check.status !== 200) throw new Error(`GET ${ASSET} answered ${check.status}: ${await check.text()}`);
    log(`Load: ${CLIENTS} keep-alive clients, ${SECONDS} s per endpoint, on ${machine.nproc} CPUs`);
    results.helloBefore = await measure(
      'bare Fastify hello-world (before)',
      `${hello.url}/`,
      {},
      hello.child.pid,
    );
    results.asset = await measure(
      `GET /api/v1/assets/${ASSET}`,
      `${charter.url}/api/v1/assets/${encodeURIComponent(ASSET)}`,
      auth,
      charter.child.pid,
    );
    results.search = await measure(
      `GET /api/v1/search?q=${QUERY}`,
      `${charter.url}/api/v1/search?q=${QUERY}`,
      auth,
      charter.child.pid,
    );
    results.healthz = await measure(
      'GET /healthz (no sign-in)',
      `${charter.url}/healthz`,
      {},
      charter.child.pid,
    );
    results.helloAfter = await measure(
      'bare Fastify hello-world (after)',
      `${hello.url}/`,
      {},
      hello.child.pid,
    );
  } finally {
    await stopServer(charter.child);
    await stopServer(hello.child);
    closeSync(logFd);
  }

  const anchor = (results.helloBefore!.perSecond + results.helloAfter!.perSecond) / 2;
  const asset = results.asset!;
  const ratio = asset.perSecond / anchor;
  const errors = Object.values(results).reduce((n, r) => n + r.errors, 0);
  const verdicts = {
    ratio: ratio >= TARGET_RATIO,
    p99: asset.p99 <= TARGET_P99_MS,
    errors: errors === 0,
  };
  const helloCpu = [results.helloBefore!.serverCpuUs, results.helloAfter!.serverCpuUs].filter(
    (v): v is number => v !== undefined,
  );
  const helloCpuUs = helloCpu.length ? helloCpu.reduce((a, b) => a + b, 0) / helloCpu.length : undefined;
  const cpuRatio = helloCpuUs !== undefined && asset.serverCpuUs ? helloCpuUs / asset.serverCpuUs : undefined;
  const cpu = (r: Measured) => (r.serverCpuUs === undefined ? '?' : `${fmt(r.serverCpuUs)} µs`);
  const row = (name: string, r: Measured, target = '–') => [
    name,
    fmt(r.requests),
    fmt(r.perSecond),
    fmtRatio(r.perSecond / anchor),
    `${fmt(r.p50, 2)} ms`,
    `${fmt(r.p90, 2)} ms`,
    `${fmt(r.p99, 2)} ms`,
    `${fmt(r.max, 1)} ms`,
    cpu(r),
    r.errors
      ? `${r.errors} (${Object.entries(r.problems)
          .map(([k, n]) => `${k}×${n}`)
          .join(', ')})`
      : '0',
    target,
  ];
  const logLines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').length : 0;
  const command = `BENCH_LOAD_SECONDS=${SECONDS} BENCH_LOAD_CLIENTS=${CLIENTS} npm run bench:load`;
  const markdown = `## Read API under load

${runLine(command, machine, loadAtStart)}

${CLIENTS} closed-loop clients (keep-alive, one connection each; \`bench/load-client.ts\`, node:http) for ${SECONDS} s per
endpoint after a ${WARMUP} s warm-up, on loopback, against the real server
(\`node bin/charter.js --home DIR serve\`: token authentication, request logging at info level to a file —
${fmt(logLines)} lines —, SQLite store with the demo organisation, ${fmt(assets)} assets), signed in as
\`${READER}\` (a steward of payments, so every read goes through the role checks). The anchor is a bare Fastify
hello-world (\`bench/load-hello.ts\`, no logging) measured by the same client in the same run, before and after
the server's endpoints; their mean (${fmt(anchor)} req/s) is the 1×. The client runs on the same ${machine.nproc}
CPUs as the servers.

${table(
  [
    'Endpoint',
    'Requests',
    'Requests/s',
    '× hello-world',
    'p50',
    'p90',
    'p99',
    'max',
    'server CPU / request',
    'Errors',
    'Target',
  ],
  [
    row('bare Fastify hello-world (before)', results.helloBefore!),
    row(
      `GET /api/v1/assets/${ASSET} (cached asset)`,
      asset,
      `≥ ${TARGET_RATIO}× and p99 ≤ ${TARGET_P99_MS} ms`,
    ),
    row(`GET /api/v1/search?q=${QUERY}`, results.search!),
    row('GET /healthz (no sign-in)', results.healthz!),
    row('bare Fastify hello-world (after)', results.helloAfter!),
  ],
)}

| Target | Measured | Result |
|---|---|---|
| asset read ≥ ${TARGET_RATIO}× the hello-world's requests/s | ${fmtRatio(ratio)} | ${verdicts.ratio ? '**pass**' : '**miss**'} |
| asset read p99 ≤ ${TARGET_P99_MS} ms | ${fmt(asset.p99, 2)} ms | ${verdicts.p99 ? '**pass**' : '**miss**'} |
| no errors on any endpoint | ${errors} | ${verdicts.errors ? '**pass**' : '**miss**'} |

"Server CPU / request" is the server process's CPU time (user + system, from \`/proc/PID/stat\`) over
the timed 30 s divided by the requests answered. The load client runs on the same 2 CPUs: when an
answer costs the server little, requests/s measure the client as much as the server, and the CPU per
request says what each answer costs. By that measure the cached asset read costs
${asset.serverCpuUs === undefined || helloCpuUs === undefined ? '(not measured)' : `${fmt(asset.serverCpuUs)} µs against the hello-world's ${fmt(helloCpuUs)} µs: the server alone could answer ${fmtRatio(cpuRatio!)} as many asset reads per second as hello-worlds`}.
`;
  writeSection(markdown);
  log(markdown);
  writeFileSync(
    join(home, 'results.json'),
    JSON.stringify({ machine, loadAtStart, anchor, ratio, helloCpuUs, cpuRatio, results }, null, 2),
  );
  log(`Results in ${join(home, 'results.json')}; docs/benchmarks.md section bench:load rewritten.`);
}

/** Replaces the `<!-- bench:load -->` section of docs/benchmarks.md (or appends it); nothing else changes. */
function writeSection(markdown: string) {
  const text = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '# Benchmarks\n';
  const block = `<!-- bench:load -->\n${markdown.trim()}\n<!-- /bench:load -->`;
  const pattern = /<!-- bench:load -->[\s\S]*?<!-- \/bench:load -->/;
  writeFileSync(
    docsFile,
    pattern.test(text) ? text.replace(pattern, () => block) : `${text.trimEnd()}\n\n${block}\n`,
  );
}

await main();
