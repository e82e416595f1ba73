/**
 * Budget sets for the planner's properties (test/budgets/plan.test.ts, and against the
 * emulator in test/budgets/lifecycle.test.ts): random before and after sets, and the rule
 * written from its words, independently of the provider's own rule function.
 */
import fc from "fast-check";
import { BUDGET_INTERVALS, type BudgetInterval } from "../../provider/api/types";
import type { BudgetLimits, WantedBudgets } from "../../provider/budgets/plan";

/** The rule as the service states it: limits strictly decrease as the interval narrows, among those present. */
export function keepsRule(limits: BudgetLimits): boolean {
  const present = BUDGET_INTERVALS.map((interval) => limits[interval]).filter((limit): limit is number => limit !== undefined);
  return present.every((limit, i) => i === 0 || limit > present[i - 1]!);
}

/**
 * Whether the service accepts a PUT of `interval` at `limitUsd`: "a PUT that breaks the
 * ordering against the budgets it holds" is refused, so the new limit is compared with each
 * other budget held (the interval's own is replaced).
 */
export function putKeepsRule(held: BudgetLimits, interval: BudgetInterval, limitUsd: number): boolean {
  const at = BUDGET_INTERVALS.indexOf(interval);
  return BUDGET_INTERVALS.every((other, i) => {
    const limit = held[other];
    return i === at || limit === undefined || (i < at ? limitUsd > limit : limit > limitUsd);
  });
}

/** The budgets wanted in the end: the managed intervals as wanted, the others as they are. */
export function targetOf(current: BudgetLimits, wanted: WantedBudgets): BudgetLimits {
  const target = { ...current };
  for (const interval of BUDGET_INTERVALS) {
    const want = wanted[interval];
    if (want === null) delete target[interval];
    else if (want !== undefined) target[interval] = want;
  }
  return target;
}

/** Budgets per interval, each absent or a limit from a small range, so that collisions and ties are common. */
export const budgetSets = (limit = fc.integer({ min: 1, max: 12 })): fc.Arbitrary<BudgetLimits> =>
  fc.record(
    Object.fromEntries(BUDGET_INTERVALS.map((interval) => [interval, fc.option(limit, { nil: undefined })])) as Record<
      BudgetInterval,
      fc.Arbitrary<number | undefined>
    >,
  ).map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as BudgetLimits);

/** Wanted budgets: each interval unmanaged, deleted, or a limit. */
export const wantedSets = (limit = fc.integer({ min: 1, max: 12 })): fc.Arbitrary<WantedBudgets> =>
  fc.record(
    Object.fromEntries(
      BUDGET_INTERVALS.map((interval) => [interval, fc.oneof(fc.constant(undefined), fc.constant(null), limit)]),
    ) as Record<BudgetInterval, fc.Arbitrary<number | null | undefined>>,
  ).map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as WantedBudgets);
