/**
 * A policy sweep worker (started by SweepPool in sweep.ts): compiles the view's policies once, then
 * evaluates each batch of subjects it is sent and replies with their results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Subject } from './evaluate.js';
import { PolicyEngine } from './policy-engine.js';
import {
  encodeResults,
  evaluateSubjects,
  policyRefs,
  type SweepReply,
  type SweepRequest,
  type SweepWorkerData,
} from './sweep.js';

const data = workerData as SweepWorkerData;
const engine = new PolicyEngine();
engine.compiled(data.view);
const refs = policyRefs(data.view);
const options = data.policy ? { now: data.now, policy: data.policy } : { now: data.now };

parentPort?.on('message', (request: SweepRequest) => {
  let reply: SweepReply;
  try {
    const subjects = JSON.parse(request.subjects) as Subject[];
    reply = {
      id: request.id,
      results: encodeResults(evaluateSubjects(engine, data.view, subjects, options), refs),
    };
  } catch (error) {
    // evaluateSubject turns rule failures into violations; reaching here is a bug, reported to the caller.
    reply = { id: request.id, error: (error as Error)?.stack ?? String(error) };
  }
  parentPort?.postMessage(reply);
});
