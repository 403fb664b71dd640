/**
 * A worker of `anchorOnThreads`: compiles the policies, warms up on its first contracts, says it is
 * ready, and on "go" times the bare loop over all of its contracts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PolicyEngine } from '../src/policy/policy-engine.js';
import { type AnchorWorkerData, anchorPlans, anchorSweep } from './policy-anchor.js';

const { view, subjects, now } = workerData as AnchorWorkerData;
const engine = new PolicyEngine();
const plans = anchorPlans(engine, view, subjects);
anchorSweep(view, plans, subjects.slice(0, 2000), now);
parentPort!.once('message', () => {
  const started = performance.now();
  const failures = anchorSweep(view, plans, subjects, now);
  parentPort!.postMessage({ ms: performance.now() - started, failures });
});
parentPort!.postMessage('ready');
