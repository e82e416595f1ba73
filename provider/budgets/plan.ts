/**
 * Pure planning of a workspace's budget changes: the service's ordering rule, and the order
 * of the PUTs and DELETEs that takes the budgets the service holds to the wanted ones. No
 * I/O, so every rule is table- and property-tested on its own (test/budgets/plan.test.ts).
 *
 * The rule: limits strictly decrease as the interval narrows (lifetime > monthly > weekly >
 * daily, among the budgets present), and the service refuses a PUT whose limit breaks it
 * against the budgets it holds at that moment. So a change that is valid as a whole can
 * still fail half-way if sent in the wrong order (lowering `weekly` below the `daily` still
 * there). {@link planBudgets} orders the steps so that every PUT is accepted, one request
 * per changed interval and never a temporary value. ARCHITECTURE.md ("Budget changes in
 * order") has the proof that such an order always exists when the service's budgets keep
 * the rule; when they do not (set by hand outside it), an order may not exist, and the plan
 * says so before anything is sent.
 */
import { BUDGET_INTERVALS, type BudgetInterval } from "../api/types";

/** The limits (USD) of the budgets present, by interval. */
export type BudgetLimits = Partial<Record<BudgetInterval, number>>;

/** The wanted budget of each managed interval: a limit, or `null` for none. Intervals left out are not managed. */
export type WantedBudgets = Partial<Record<BudgetInterval, number | null>>;

/** One budget with its limit, as an order conflict names it. */
export interface BudgetLimit {
  interval: BudgetInterval;
  limitUsd: number;
}

/** Two budgets out of order: the `wider` interval's limit is not above the `narrower` one's. */
export interface OrderConflict {
  wider: BudgetLimit;
  narrower: BudgetLimit;
}

/** One request: a PUT (create or update, carrying the BYOK flag when it changes) or a DELETE. */
export type BudgetStep =
  | { action: "put"; interval: BudgetInterval; limitUsd: number; includeByokInBudgets?: boolean }
  | { action: "delete"; interval: BudgetInterval };

/** Why no request may be sent. */
export type BudgetRefusal =
  /** The budgets wanted, with those left unmanaged as the service holds them, break the rule. */
  | { reason: "out-of-order"; conflict: OrderConflict; unmanaged: BudgetInterval[] }
  /** The service's budgets break the rule already, in a way no order of the steps gets past. */
  | { reason: "no-order"; conflict: OrderConflict }
  /** The BYOK flag must change, and it is set only with a budget's PUT, but the workspace would have none. */
  | { reason: "byok-without-budget" };

/** The plan: the steps in the order to send them, or why none may be sent. */
export type BudgetPlan = { steps: BudgetStep[] } | { refusal: BudgetRefusal };

/** The inputs of {@link planBudgets}. */
export interface BudgetPlanInput {
  /** The budgets the service holds now (a listing made just before). */
  current: BudgetLimits;
  /** The managed intervals' wanted budgets. */
  wanted: WantedBudgets;
  /** The service's BYOK flag now (`undefined` when it did not say). */
  currentByok?: boolean;
  /** The wanted BYOK flag, when managed. */
  wantedByok?: boolean;
}

/**
 * The budget among `limits` that giving `interval` the limit `limitUsd` puts out of order
 * (the interval's own current limit is replaced, so not compared), or `undefined` when the
 * rule holds: the check the service makes of a PUT. The nearest intervals come first: in an
 * ordered set the nearest one on each side is the tightest bound, so it is the one to name.
 */
export function findOrderConflict(limits: BudgetLimits, interval: BudgetInterval, limitUsd: number): OrderConflict | undefined {
  const at = BUDGET_INTERVALS.indexOf(interval);
  const self = { interval, limitUsd };
  for (let i = at - 1; i >= 0; i--) {
    const narrower = BUDGET_INTERVALS[i]!;
    const limit = limits[narrower];
    if (limit !== undefined && !(limitUsd > limit)) return { wider: self, narrower: { interval: narrower, limitUsd: limit } };
  }
  for (let i = at + 1; i < BUDGET_INTERVALS.length; i++) {
    const wider = BUDGET_INTERVALS[i]!;
    const limit = limits[wider];
    if (limit !== undefined && !(limit > limitUsd)) return { wider: { interval: wider, limitUsd: limit }, narrower: self };
  }
  return undefined;
}

/**
 * Every pair of neighbours out of order among the budgets present, narrowest first
 * (neighbours: no budget between them; the rule holds for all pairs exactly when it holds
 * for these).
 */
export function orderConflicts(limits: BudgetLimits): OrderConflict[] {
  const present = BUDGET_INTERVALS.flatMap((interval) => {
    const limitUsd = limits[interval];
    return limitUsd === undefined ? [] : [{ interval, limitUsd }];
  });
  const conflicts: OrderConflict[] = [];
  for (let i = 1; i < present.length; i++) {
    const narrower = present[i - 1]!;
    const wider = present[i]!;
    if (!(wider.limitUsd > narrower.limitUsd)) conflicts.push({ wider, narrower });
  }
  return conflicts;
}

/** The rule, worded once for check failures and refusals alike. */
export const BUDGET_ORDER_RULE = "limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)";

/** A conflict in words: `weekly (50 USD) must be greater than daily (100 USD)`. */
export function describeConflict({ wider, narrower }: OrderConflict): string {
  return `${wider.interval} (${wider.limitUsd} USD) must be greater than ${narrower.interval} (${narrower.limitUsd} USD)`;
}

/**
 * Plans the requests from the budgets the service holds to the wanted ones: one DELETE per
 * managed interval wanted `null` that has a budget, one PUT per managed interval whose limit
 * differs, in an order where the service accepts every PUT:
 * - each PUT is the first the rule accepts against the budgets held at that moment, in
 *   this preference: lowered limits (narrowest first), new budgets, raised limits (widest
 *   first). Tightening before loosening, so a run stopped part-way has loosened the
 *   workspace's caps as little as the order allows;
 * - a DELETE (always accepted) comes before a PUT only when that PUT breaks against the
 *   budget it deletes; the others come last.
 * The BYOK flag rides on the first PUT; when nothing else needs one, the narrowest budget
 * that stays (a managed one if any) is PUT again with its own limit to carry it.
 *
 * Refuses, before any request: a wanted limit that breaks the rule against the other
 * wanted ones or the unmanaged budgets the service holds; a change no order gets through
 * (only when the service's budgets break the rule already); a BYOK change with no budget
 * to carry it.
 */
export function planBudgets(input: BudgetPlanInput): BudgetPlan {
  const { current, wanted } = input;
  const target: BudgetLimits = { ...current };
  const pending: Pending[] = [];
  for (const interval of BUDGET_INTERVALS) {
    const want = wanted[interval];
    const have = current[interval];
    if (want === undefined || want === have || (want === null && have === undefined)) continue;
    if (want === null) delete target[interval];
    else target[interval] = want;
    pending.push(pendingStep(interval, have, want));
  }

  // Each new limit against every budget of the target; two budgets the change leaves alone
  // are not judged (were they out of order, set by hand, that is no reason to refuse this).
  for (const { step } of pending) {
    const conflict = step.action === "put" ? findOrderConflict(target, step.interval, step.limitUsd) : undefined;
    if (conflict !== undefined) {
      const unmanaged = [conflict.wider.interval, conflict.narrower.interval].filter((interval) => wanted[interval] === undefined);
      return { refusal: { reason: "out-of-order", conflict, unmanaged } };
    }
  }

  pending.sort((a, b) => a.rank - b.rank || a.tiebreak - b.tiebreak);
  const held: BudgetLimits = { ...current };
  const steps: BudgetStep[] = [];
  while (pending.length > 0) {
    const next = nextStep(pending, held);
    if (next === undefined) {
      const blocked = pending.find((waiting) => waiting.step.action === "put")!.step as PutStep;
      return { refusal: { reason: "no-order", conflict: findOrderConflict(held, blocked.interval, blocked.limitUsd)! } };
    }
    const [{ step }] = pending.splice(next, 1) as [Pending];
    if (step.action === "delete") delete held[step.interval];
    else held[step.interval] = step.limitUsd;
    steps.push(step);
  }

  const { wantedByok } = input;
  if (wantedByok === undefined || wantedByok === input.currentByok) return { steps };
  const firstPut = steps.findIndex((step) => step.action === "put");
  if (firstPut !== -1) {
    steps[firstPut] = { ...(steps[firstPut] as PutStep), includeByokInBudgets: wantedByok };
    return { steps };
  }
  const staying = BUDGET_INTERVALS.filter((interval) => target[interval] !== undefined);
  const carrier = staying.find((interval) => wanted[interval] !== undefined) ?? staying[0];
  if (carrier === undefined) return { refusal: { reason: "byok-without-budget" } };
  steps.push({ action: "put", interval: carrier, limitUsd: target[carrier]!, includeByokInBudgets: wantedByok });
  return { steps };
}

type PutStep = Extract<BudgetStep, { action: "put" }>;

/**
 * The index of the step to send next: the first PUT the rule accepts against `held`; else
 * the first DELETE of a budget that a waiting PUT breaks against (it unblocks that PUT);
 * else, with only DELETEs left, the first of them. `undefined` when PUTs wait and no DELETE
 * unblocks any: they block one another, and no order exists.
 */
function nextStep(pending: readonly Pending[], held: BudgetLimits): number | undefined {
  const accepted = pending.findIndex(({ step }) => step.action === "put" && findOrderConflict(held, step.interval, step.limitUsd) === undefined);
  if (accepted !== -1) return accepted;
  for (const { step } of pending) {
    if (step.action !== "put") continue;
    const unblocking = pending.findIndex(
      (other) =>
        other.step.action === "delete" &&
        held[other.step.interval] !== undefined &&
        findOrderConflict({ [other.step.interval]: held[other.step.interval] }, step.interval, step.limitUsd) !== undefined,
    );
    if (unblocking !== -1) return unblocking;
  }
  return pending.every(({ step }) => step.action === "delete") ? 0 : undefined;
}

/** A step waiting in the plan, with its place in the order of preference. */
interface Pending {
  step: BudgetStep;
  /** 0 lowered, 1 created, 2 raised, 3 deleted. */
  rank: number;
  /** Within a rank: narrowest first, but raises widest first. */
  tiebreak: number;
}

function pendingStep(interval: BudgetInterval, have: number | undefined, want: number | null): Pending {
  const width = BUDGET_INTERVALS.indexOf(interval);
  if (want === null) return { step: { action: "delete", interval }, rank: 3, tiebreak: width };
  const step: BudgetStep = { action: "put", interval, limitUsd: want };
  if (have === undefined) return { step, rank: 1, tiebreak: width };
  return want < have ? { step, rank: 0, tiebreak: width } : { step, rank: 2, tiebreak: -width };
}
