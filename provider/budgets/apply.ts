/**
 * Sending a budget plan: its steps one after another (each may depend on the one before,
 * so the first failure stops the rest), every confirmed answer entered in the record, and
 * a lost answer settled by one listing. Knows nothing of Pulumi; the lifecycle hands it the
 * workspace's routes.
 */
import type { BudgetAnswer, BudgetInterval, WorkspaceBudgets } from "../api/types";
import { isOpenRouterError } from "../core/errors";
import type { BudgetStep } from "./plan";
import type { BudgetField, BudgetRecord } from "./state";

/** The budget routes of one workspace. */
export interface BudgetRoutes {
  put(interval: BudgetInterval, budget: { limitUsd: number; includeByokInBudgets?: boolean }): Promise<BudgetAnswer>;
  delete(interval: BudgetInterval): Promise<void>;
  list(): Promise<WorkspaceBudgets>;
}

/** What sending a plan did. */
export interface BudgetOutcome {
  /** Steps the service confirmed. */
  done: number;
  /**
   * The step that failed and why, if one did (the steps after it were not sent), and whether
   * it may have changed something all the same.
   */
  failure?: { step: BudgetStep; error: unknown; mayHaveApplied: boolean };
  /** Fields whose change is still unknown (the failed step's answer was lost, and the listing too). */
  unconfirmed: BudgetField[];
}

/**
 * Sends `steps` in order through `routes`, entering each answer in `record`. A failed step
 * that may have applied (its answer lost, or an attempt before the final refusal went
 * through) is settled by one listing, which becomes the record; if that listing fails too,
 * the step's fields are marked unconfirmed.
 */
export async function sendSteps(routes: BudgetRoutes, steps: readonly BudgetStep[], record: BudgetRecord): Promise<BudgetOutcome> {
  let done = 0;
  for (const step of steps) {
    try {
      if (step.action === "delete") {
        await routes.delete(step.interval);
        record.confirmDelete(step.interval);
      } else {
        const { limitUsd, includeByokInBudgets } = step;
        const answer = await routes.put(step.interval, { limitUsd, ...(includeByokInBudgets === undefined ? {} : { includeByokInBudgets }) });
        record.confirmPut(step.interval, answer);
      }
      done++;
    } catch (error) {
      const mayHaveApplied = isOpenRouterError(error) && error.mayHaveApplied === true;
      const failure = { step, error, mayHaveApplied };
      if (!mayHaveApplied) return { done, failure, unconfirmed: [] };
      try {
        record.settle(await routes.list());
        return { done, failure, unconfirmed: [] };
      } catch {
        const fields = fieldsOf(step);
        record.markUnconfirmed(fields);
        return { done, failure, unconfirmed: fields };
      }
    }
  }
  return { done, unconfirmed: [] };
}

/** The fields a step changes. */
export function fieldsOf(step: BudgetStep): BudgetField[] {
  return step.action === "put" && step.includeByokInBudgets !== undefined ? [step.interval, "includeByokInBudgets"] : [step.interval];
}
