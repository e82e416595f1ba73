/**
 * The budget planner on its own (issue 17): which PUTs and DELETEs, in which order, from the
 * budgets the service holds to the wanted ones. Every step is judged by an oracle written
 * here from the rule's words (all present limits strictly increase from daily to lifetime),
 * not by the planner's own rule function. test/budgets/lifecycle.test.ts runs the same
 * property against the emulator, which enforces the rule itself.
 */
import fc from "fast-check";
import { BUDGET_INTERVALS } from "../../provider/api/types";
import {
  findOrderConflict,
  orderConflicts,
  planBudgets,
  type BudgetLimits,
  type BudgetPlanInput,
  type BudgetStep,
  type WantedBudgets,
} from "../../provider/budgets/plan";
import { budgetSets, keepsRule, putKeepsRule, targetOf, wantedSets } from "../support/budgets";

/** What the service holds after `steps`, failing on the first PUT the rule refuses (the PUT's limit against the others). */
function run(current: BudgetLimits, steps: readonly BudgetStep[]): BudgetLimits {
  const held = { ...current };
  for (const step of steps) {
    if (step.action === "delete") {
      delete held[step.interval];
      continue;
    }
    if (!putKeepsRule(held, step.interval, step.limitUsd)) {
      throw new Error(`refused: PUT ${step.interval} ${step.limitUsd} against ${JSON.stringify(held)}`);
    }
    held[step.interval] = step.limitUsd;
  }
  return held;
}

const stepsOf = (input: BudgetPlanInput): BudgetStep[] => {
  const plan = planBudgets(input);
  if ("refusal" in plan) throw new Error(`refused: ${JSON.stringify(plan.refusal)}`);
  return plan.steps;
};

const show = (steps: BudgetStep[]) =>
  steps.map((step) => (step.action === "delete" ? `delete ${step.interval}` : `put ${step.interval} ${step.limitUsd}`));

describe("planBudgets: the order of the steps", () => {
  it.each<[string, BudgetLimits, WantedBudgets, string[]]>([
    ["nothing to do", { daily: 10, weekly: 50 }, { daily: 10, weekly: 50 }, []],
    ["creates every budget, narrowest first", {}, { lifetime: 1000, monthly: 300, weekly: 100, daily: 20 }, ["put daily 20", "put weekly 100", "put monthly 300", "put lifetime 1000"]],
    [
      "raises widest first: daily 60 -> 400 needs weekly above it first, and weekly 300 -> 500 needs monthly",
      { daily: 60, weekly: 300, monthly: 450, lifetime: 5000 },
      { daily: 400, weekly: 500, monthly: 1500 },
      ["put monthly 1500", "put weekly 500", "put daily 400"],
    ],
    [
      "lowers narrowest first",
      { daily: 60, weekly: 300, monthly: 1000, lifetime: 5000 },
      { daily: 5, weekly: 10, monthly: 20, lifetime: 30 },
      ["put daily 5", "put weekly 10", "put monthly 20", "put lifetime 30"],
    ],
    [
      "tightens before it loosens when both orders work: the lowered daily before the raised lifetime",
      { daily: 60, weekly: 300, lifetime: 5000 },
      { daily: 50, lifetime: 6000 },
      ["put daily 50", "put lifetime 6000"],
    ],
    [
      "a delete comes first only where it unblocks: weekly 30 is below the daily 50 still there",
      { daily: 50, weekly: 100 },
      { daily: null, weekly: 30 },
      ["delete daily", "put weekly 30"],
    ],
    [
      "a delete that blocks nothing comes last",
      { daily: 50, weekly: 100, monthly: 500 },
      { monthly: null, daily: 40 },
      ["put daily 40", "delete monthly"],
    ],
    [
      "a new budget waits for the raise that makes room for it",
      { weekly: 100, monthly: 500 },
      { daily: 200, weekly: 300 },
      ["put weekly 300", "put daily 200"],
    ],
    [
      "a swap across a gap: the monthly that stays blocks neither",
      { daily: 10, monthly: 100, lifetime: 1000 },
      { daily: 90, weekly: 95, lifetime: 99_999 },
      ["put weekly 95", "put lifetime 99999", "put daily 90"],
    ],
  ])("%s", (_name, current, wanted, expected) => {
    const steps = stepsOf({ current, wanted });
    expect(show(steps)).toEqual(expected);
    expect(run(current, steps)).toEqual(targetOf(current, wanted));
  });

  it("leaves unmanaged intervals alone, but plans around them", () => {
    // weekly is not managed: it stays 300, and monthly may only come down to above it.
    const steps = stepsOf({ current: { daily: 60, weekly: 300, monthly: 1000 }, wanted: { monthly: 400, daily: 10 } });
    expect(show(steps)).toEqual(["put daily 10", "put monthly 400"]);
  });

  it("refuses a target out of order because of a budget it does not manage, naming it, before any step", () => {
    expect(planBudgets({ current: { daily: 60, weekly: 300 }, wanted: { daily: 400 } })).toEqual({
      refusal: {
        reason: "out-of-order",
        conflict: { wider: { interval: "weekly", limitUsd: 300 }, narrower: { interval: "daily", limitUsd: 400 } },
        unmanaged: ["weekly"],
      },
    });
  });

  it("does not judge two budgets the change leaves alone, even out of order (set by hand)", () => {
    expect(show(stepsOf({ current: { weekly: 100, monthly: 50 }, wanted: { daily: 10 } }))).toEqual(["put daily 10"]);
    // But a new limit is judged against every budget: daily 80 breaks against monthly 50.
    expect(planBudgets({ current: { weekly: 100, monthly: 50 }, wanted: { daily: 80 } })).toMatchObject({
      refusal: { reason: "out-of-order", conflict: { wider: { interval: "monthly", limitUsd: 50 } }, unmanaged: ["monthly"] },
    });
  });

  it("refuses when the service's budgets break the rule already and no order gets past them", () => {
    // Set by hand outside the rule: daily 40 above weekly 10. Neither PUT is accepted first.
    expect(planBudgets({ current: { daily: 40, weekly: 10 }, wanted: { daily: 20, weekly: 30 } })).toEqual({
      refusal: {
        reason: "no-order",
        conflict: { wider: { interval: "weekly", limitUsd: 10 }, narrower: { interval: "daily", limitUsd: 20 } },
      },
    });
  });

  it("still plans a change that gets past budgets out of order, when one order does", () => {
    const steps = stepsOf({ current: { daily: 40, weekly: 10 }, wanted: { daily: 5 } });
    expect(show(steps)).toEqual(["put daily 5"]);
  });
});

describe("planBudgets: the BYOK flag rides on a PUT", () => {
  it("on the first PUT of the plan", () => {
    // A new budget before a raised one: the flag rides on weekly's PUT.
    expect(stepsOf({ current: { daily: 5 }, wanted: { daily: 6, weekly: 50 }, currentByok: false, wantedByok: true })).toEqual([
      { action: "put", interval: "weekly", limitUsd: 50, includeByokInBudgets: true },
      { action: "put", interval: "daily", limitUsd: 6 },
    ]);
  });

  it("when no PUT is needed, on the narrowest managed budget that stays, with its own limit, after the deletes", () => {
    expect(
      stepsOf({ current: { daily: 5, weekly: 50, monthly: 100 }, wanted: { daily: null, monthly: 100 }, currentByok: true, wantedByok: false }),
    ).toEqual([
      { action: "delete", interval: "daily" },
      { action: "put", interval: "monthly", limitUsd: 100, includeByokInBudgets: false },
    ]);
  });

  it("on an unmanaged budget when no managed one stays", () => {
    expect(stepsOf({ current: { weekly: 50 }, wanted: {}, wantedByok: true })).toEqual([
      { action: "put", interval: "weekly", limitUsd: 50, includeByokInBudgets: true },
    ]);
  });

  it("not at all when the flag is already as wanted, or not managed", () => {
    expect(stepsOf({ current: { weekly: 50 }, wanted: { weekly: 50 }, currentByok: true, wantedByok: true })).toEqual([]);
    expect(stepsOf({ current: { weekly: 50 }, wanted: { weekly: 60 }, currentByok: true })).toEqual([{ action: "put", interval: "weekly", limitUsd: 60 }]);
  });

  it("is refused when the workspace would have no budget to carry it", () => {
    expect(planBudgets({ current: { daily: 5 }, wanted: { daily: null }, currentByok: false, wantedByok: true })).toEqual({
      refusal: { reason: "byok-without-budget" },
    });
  });
});

describe("the rule", () => {
  it("findOrderConflict names the nearest budget a PUT breaks against, replacing the interval's own", () => {
    const held = { daily: 10, weekly: 50, lifetime: 1000 };
    expect(findOrderConflict(held, "monthly", 40)).toEqual({ wider: { interval: "monthly", limitUsd: 40 }, narrower: { interval: "weekly", limitUsd: 50 } });
    expect(findOrderConflict(held, "weekly", 5)).toEqual({ wider: { interval: "weekly", limitUsd: 5 }, narrower: { interval: "daily", limitUsd: 10 } });
    expect(findOrderConflict(held, "weekly", 20)).toBeUndefined();
    expect(findOrderConflict(held, "daily", 50)).toEqual({ wider: { interval: "weekly", limitUsd: 50 }, narrower: { interval: "daily", limitUsd: 50 } });
  });

  it("orderConflicts lists each pair of neighbours out of order", () => {
    expect(orderConflicts({ daily: 100, weekly: 50, lifetime: 20 })).toEqual([
      { wider: { interval: "weekly", limitUsd: 50 }, narrower: { interval: "daily", limitUsd: 100 } },
      { wider: { interval: "lifetime", limitUsd: 20 }, narrower: { interval: "weekly", limitUsd: 50 } },
    ]);
    expect(orderConflicts({ daily: 1, monthly: 2 })).toEqual([]);
  });
});

describe("planBudgets: properties over random before and after sets", () => {
  const ordered = budgetSets().filter(keepsRule);

  it("from budgets that keep the rule to any target that does: never refuses, every PUT accepted, one step per changed interval, the target reached", () => {
    fc.assert(
      fc.property(ordered, wantedSets(), (current, wanted) => {
        const target = targetOf(current, wanted);
        fc.pre(keepsRule(target));
        const steps = stepsOf({ current, wanted });
        expect(run(current, steps)).toEqual(target);
        const changed = BUDGET_INTERVALS.filter((interval) => current[interval] !== target[interval]);
        expect(steps.map((step) => step.interval).sort()).toEqual([...changed].sort());
      }),
      { numRuns: 5000, seed: 17 },
    );
  });

  it("a delete comes before a PUT only when one of the PUTs after it would be refused against the budget it deletes", () => {
    // Here deleting weekly would unblock nothing (lifetime 3 breaks only against monthly 3).
    expect(show(stepsOf({ current: { weekly: 2, monthly: 3 }, wanted: { daily: 1, weekly: null, monthly: null, lifetime: 3 } }))).toEqual([
      "put daily 1",
      "delete monthly",
      "put lifetime 3",
      "delete weekly",
    ]);
    fc.assert(
      fc.property(ordered, wantedSets(), (current, wanted) => {
        fc.pre(keepsRule(targetOf(current, wanted)));
        const steps = stepsOf({ current, wanted });
        steps.forEach((step, index) => {
          if (step.action !== "delete") return;
          const putsAfter = steps.slice(index + 1).filter((later) => later.action === "put");
          if (putsAfter.length === 0) return;
          const blocked = putsAfter.some((put) => findOrderConflict({ [step.interval]: current[step.interval] }, put.interval, put.limitUsd) !== undefined);
          expect(blocked).toBe(true);
        });
      }),
      { numRuns: 3000, seed: 1717 },
    );
  });

  it("refuses exactly the targets where a new limit breaks the rule, before any step, and from any budgets (in order or not) plans only steps the rule accepts", () => {
    fc.assert(
      fc.property(budgetSets(), wantedSets(), (current, wanted) => {
        const plan = planBudgets({ current, wanted });
        const target = targetOf(current, wanted);
        const newLimits = BUDGET_INTERVALS.filter((interval) => target[interval] !== undefined && target[interval] !== current[interval]);
        if (newLimits.some((interval) => !putKeepsRule(target, interval, target[interval]!))) {
          expect(plan).toMatchObject({ refusal: { reason: "out-of-order" } });
          return;
        }
        if ("refusal" in plan) {
          // Only budgets that break the rule already can leave no order at all.
          expect(plan.refusal.reason).toBe("no-order");
          expect(keepsRule(current)).toBe(false);
          return;
        }
        expect(run(current, plan.steps)).toEqual(target);
      }),
      { numRuns: 5000, seed: 171717 },
    );
  });
});
