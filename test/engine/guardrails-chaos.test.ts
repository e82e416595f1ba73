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
import { join } from "node:path";
import { GUARDRAIL_TARGET, MAX_RERUNS, MIN_FAULT_RATE, chaosSettings, runChaosSuite, type ChaosSuite } from "../support/chaos";

const SUITE: ChaosSuite = {
  testFile: "test/engine/guardrails-chaos.test.ts",
  lifecycleModule: join(__dirname, "../../provider/guardrails/lifecycle"),
  target: GUARDRAIL_TARGET,
  runs: 100,
  seed: 20261201,
};
const { runs: RUNS, seed: SEED } = chaosSettings(SUITE);

describe("GuardrailMembers chaos convergence (issue 17)", () => {
  it(`every history converges and every step's state is the truth (${RUNS} histories, seed ${SEED})`, async () => {
    const { figures, replaying } = await runChaosSuite(SUITE);

    expect(figures.maxRerunsToConverge).toBeLessThanOrEqual(MAX_RERUNS);
    expect(figures.histories).toBe(replaying ? 1 : RUNS);
    if (!replaying) {
      expect(figures.observedFaultRate).toBeGreaterThanOrEqual(MIN_FAULT_RATE * 0.8);
      expect(figures.failedRuns).toBeGreaterThan(RUNS / 10);
      expect(figures.unconfirmedStates).toBeGreaterThan(0);
      expect(figures.emailSteps).toBeGreaterThan(figures.steps / 3);
    }
    process.stdout.write(`guardrail chaos figures: ${JSON.stringify({ seed: SEED, ...figures })}\n`);
  }, 170_000);
});
