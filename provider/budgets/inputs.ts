/**
 * `check` and `diff` for `WorkspaceBudgets`, with no I/O. Check names the property and the
 * value in every failure, and refuses limits out of order among those set, naming both;
 * the checked inputs are the inputs as given, so that the set ones are the managed ones.
 * Plain tests only (no zod): the members file checks its `budgets:` blocks with this too,
 * and programs that never fail a check never load zod.
 */
import { workspaceMove } from "../api/workspace-ref";
import { BUDGET_INTERVALS } from "../api/types";
import { checkKeys, type CheckFailure, type CheckedInputs } from "../core/check";
import { workspaceIdProblem } from "../core/ids";
import { sameFields } from "../core/managed-fields";
import { describe } from "../core/messages";
import { isUnknown } from "../core/unknowns";
import { BUDGET_ORDER_RULE, describeConflict, orderConflicts, type BudgetLimits } from "./plan";
import { BUDGET_FIELDS, readDesired, readRecorded } from "./state";

/** The inputs a `WorkspaceBudgets` resource accepts. */
export const BUDGET_INPUTS = ["workspaceId", ...BUDGET_FIELDS] as const;

/**
 * Validates `news` (the program's inputs as the plugin decoded them) and returns the checked
 * inputs: each input that was set, as given (`null` included: it deletes that budget). Keys
 * starting with `__` pass through; any other unknown key is a failure naming it. Preview
 * unknowns pass unchecked and never fail. Never throws.
 */
export function checkBudgetInputs(news: unknown): CheckedInputs {
  if (news === null || typeof news !== "object" || Array.isArray(news)) {
    return { inputs: {}, failures: [{ property: "", reason: `the inputs must be an object, got ${describe(news)}` }] };
  }
  const given = news as Record<string, unknown>;
  const { inputs, failures } = checkKeys(given, BUDGET_INPUTS);

  const workspaceId = given.workspaceId;
  if (workspaceId === undefined || workspaceId === null) {
    failures.push(failure("workspaceId", "is required: the workspace's UUID or slug"));
  } else {
    inputs.workspaceId = workspaceId;
    if (!isUnknown(workspaceId)) {
      const problem = typeof workspaceId === "string" ? workspaceIdProblem(workspaceId) : `must be a string (the workspace's UUID or slug), got ${describe(workspaceId)}`;
      if (problem !== undefined) failures.push(failure("workspaceId", problem));
    }
  }

  const limits: BudgetLimits = {};
  for (const interval of BUDGET_INTERVALS) {
    const value = given[interval];
    if (value === undefined) continue;
    inputs[interval] = value;
    if (value === null || isUnknown(value)) continue;
    if (typeof value === "number" && Number.isFinite(value) && value > 0) limits[interval] = value;
    else failures.push(failure(interval, `must be a limit in US dollars above 0, or null to delete the ${interval} budget, got ${describe(value)}`));
  }
  for (const conflict of orderConflicts(limits)) {
    failures.push(failure(conflict.narrower.interval, `is out of order: ${describeConflict(conflict)}; ${BUDGET_ORDER_RULE}`));
  }

  // A null flag means "not set", as for any input that cannot be cleared.
  const byok = given.includeByokInBudgets;
  if (byok !== undefined && byok !== null) {
    inputs.includeByokInBudgets = byok;
    if (!isUnknown(byok) && typeof byok !== "boolean") failures.push(failure("includeByokInBudgets", `must be true or false, got ${describe(byok)}`));
    if (BUDGET_INTERVALS.every((interval) => given[interval] === null)) {
      failures.push(failure("includeByokInBudgets", "is set with a budget, but every interval is null: keep at least one budget, or leave the flag out"));
    }
  }
  return { inputs, failures };
}

/** The engine-facing diff result (the shape of `pulumi.dynamic.DiffResult`). */
export interface BudgetsDiff {
  /** `true` some change, `false` none, `undefined` not knowable before apply (preview unknowns). */
  changes: boolean | undefined;
  /** `workspaceId` when it points at another workspace. */
  replaces: string[];
  /** Set with `replaces`: the old resource's budgets go before the new one's come. */
  deleteBeforeReplace?: boolean;
}

/**
 * The diff the engine asks for, from the old *outputs* in state and the new *checked*
 * inputs, with no API call. Compares only the fields the program sets now, each with what
 * the outputs hold (an interval's `limitUsd`, or `null` for no budget); a field it starts or
 * stops setting is an update too (no request then, only `managedFields` moves). Fields
 * recorded as unconfirmed make a change whatever the inputs: the next `up` settles them.
 *
 * `workspaceId` pointing at another workspace replaces the resource, deleting first (so the
 * old one's delete cannot remove budgets the new one just set; see `workspaceMove`); a
 * switch between the workspace's slug and its own UUID is an update. Never throws.
 */
export function diffBudgets(olds: Record<string, unknown>, news: Record<string, unknown>): BudgetsDiff {
  const move = workspaceMove(olds, news.workspaceId);
  if (move !== undefined) return move;
  if (BUDGET_FIELDS.some((field) => isUnknown(news[field]))) return { changes: undefined, replaces: [] };
  const desired = readDesired(news);
  const recorded = readRecorded(olds);
  const valueChanged = desired.managedFields.some((field) => {
    if (field === "includeByokInBudgets") return desired.wantedByok !== (olds.includeByokInBudgets ?? undefined);
    return desired.wanted[field] !== limitOf(olds[field]);
  });
  const changes =
    olds.workspaceId !== news.workspaceId ||
    !sameFields(desired.managedFields, recorded.managedFields) ||
    recorded.unconfirmedFields.length > 0 ||
    valueChanged;
  return { changes, replaces: [] };
}

/** An interval's limit in the outputs, `null` for no budget. */
function limitOf(output: unknown): number | null {
  if (output === null || typeof output !== "object") return null;
  const limit = (output as { limitUsd?: unknown }).limitUsd;
  return typeof limit === "number" ? limit : null;
}

function failure(property: string, problem: string): CheckFailure {
  return { property, reason: `${property} ${problem}`, at: [], problem };
}
