/**
 * Chaos convergence for GuardrailMembers (issue 17): the histories, faults and properties of
 * test/engine/chaos.test.ts (test/support/chaos.ts) on a guardrail's direct members. Every
 * assign answers with a count only, so each is confirmed by the settling listing: lost
 * listings leave unconfirmed users far more often than for a workspace, and the properties
 * still hold after every step: the state is the truth, additive mode and protected users
 * are respected, and every history converges once the faults stop.
 *
 * Replay one history with `CHAOS_SEED=<seed> CHAOS_ONLY=<index> npx jest test/engine/guardrails-chaos.test.ts`.
 */
import type * as Lifecycle from "../../provider/guardrails/lifecycle";
import { GUARDRAIL_TARGET, MAX_RERUNS, MIN_FAULT_RATE, describeFailure, generateHistories, runHistories } from "../support/chaos";

const RUNS = Number(process.env.CHAOS_RUNS ?? 100);
const SEED = Number(process.env.CHAOS_SEED ?? 20261201);
const ONLY = process.env.CHAOS_ONLY === undefined ? undefined : Number(process.env.CHAOS_ONLY);
const LANES = 8;

/** A fresh copy of the lifecycle module per lane: its configuration is per module, as per plugin process. */
function loadLifecycle(): typeof Lifecycle {
  let loaded: typeof Lifecycle | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- one module instance per lane
    loaded = require("../../provider/guardrails/lifecycle") as typeof Lifecycle;
  });
  return loaded!;
}

describe("GuardrailMembers chaos convergence (issue 17)", () => {
  it(`every history converges and every step's state is the truth (${RUNS} histories, seed ${SEED})`, async () => {
    const all = generateHistories(SEED, ONLY === undefined ? RUNS : ONLY + 1);
    const histories = ONLY === undefined ? all : all.slice(ONLY);
    const lanes = Array.from({ length: Math.min(LANES, histories.length) }, loadLifecycle);

    const { figures, failure } = await runHistories(histories, lanes, undefined, GUARDRAIL_TARGET);

    if (failure !== undefined) throw new Error(describeFailure(SEED, { ...failure, index: failure.index + (ONLY ?? 0) }));
    expect(figures.histories).toBe(histories.length);
    expect(figures.maxRerunsToConverge).toBeLessThanOrEqual(MAX_RERUNS);
    if (ONLY === undefined) {
      expect(figures.observedFaultRate).toBeGreaterThanOrEqual(MIN_FAULT_RATE * 0.8);
      expect(figures.failedRuns).toBeGreaterThan(RUNS / 10);
      expect(figures.unconfirmedStates).toBeGreaterThan(0);
      expect(figures.emailSteps).toBeGreaterThan(figures.steps / 3);
    }
    process.stdout.write(`guardrail chaos figures: ${JSON.stringify({ seed: SEED, ...figures })}\n`);
  }, 170_000);
});
