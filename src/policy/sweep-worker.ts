/**
 * A policy sweep worker (started by SweepPool in sweep.ts): compiles the view's policies once, then
 * evaluates each batch of subjects it is sent and replies with their results; or, started with a
 * store to read, reads each page it is handed from its own connection and replies with the page's
 * compliance tally.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CatalogStore } from '../store/catalog-store.js';
import { openReader } from '../store/open-store.js';
import { encodeTally } from './compliance-tally.js';
import type { Subject } from './evaluate.js';
import { PolicyEngine } from './policy-engine.js';
import {
  encodeResults,
  evaluateSubjects,
  type PageRequest,
  policyRefs,
  type SweepReply,
  type SweepRequest,
  type SweepWorkerData,
  tallyPage,
} from './sweep.js';

const data = workerData as SweepWorkerData;
const engine = new PolicyEngine();
engine.compiled(data.view);
const refs = policyRefs(data.view);
const options = data.policy ? { now: data.now, policy: data.policy } : { now: data.now };
let reader: Promise<CatalogStore> | undefined;

async function tally(request: PageRequest): Promise<string> {
  const read = data.read;
  if (!read) throw new Error('This sweep worker was started without a store to read');
  reader ??= openReader(read.connection);
  return encodeTally(await tallyPage(await reader, engine, data.view, request, read, options));
}

// evaluateSubject turns rule failures into violations; an error reaching the caller is a bug or the
// store being unavailable (whose errors name the database without its password).
const failure = (id: number, error: unknown): SweepReply => ({
  id,
  error: (error as Error)?.stack ?? String(error),
});

parentPort?.on('message', (request: SweepRequest) => {
  if ('close' in request) {
    void (reader ?? Promise.resolve(undefined))
      .then((store) => store?.close())
      .catch(() => undefined)
      .finally(() => parentPort?.close());
    return;
  }
  if ('page' in request) {
    tally(request).then(
      (tally) => parentPort?.postMessage({ id: request.id, tally } satisfies SweepReply),
      (error: unknown) => parentPort?.postMessage(failure(request.id, error)),
    );
    return;
  }
  let reply: SweepReply;
  try {
    const subjects = JSON.parse(request.subjects) as Subject[];
    reply = {
      id: request.id,
      results: encodeResults(evaluateSubjects(engine, data.view, subjects, options), refs),
    };
  } catch (error) {
    reply = failure(request.id, error);
  }
  parentPort?.postMessage(reply);
});
