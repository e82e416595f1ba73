/**
 * A members file entry's `budgets:` block: the `WorkspaceBudgets` resource's inputs for the
 * entry's workspace, checked by that resource's own rules (its `check`), so the file refuses
 * exactly what a preview would, at the field's line.
 *
 * ```yaml
 * workspaces:
 *   platform:
 *     users: [user_alice]
 *     budgets: { monthly: 1500, weekly: 400, daily: 120, includeByokInBudgets: true }
 * ```
 */
import type * as BudgetInputs from "../budgets/inputs";
import type { WorkspaceBudgetsArgs } from "../budgets/resource";
import { describe, unknownName } from "../core/messages";
import type { Report, Segments } from "./validate";

/** The inputs a `budgets:` block sets (those it leaves out are not managed). */
export type BudgetsBlock = Omit<WorkspaceBudgetsArgs, "workspaceId">;

/**
 * Checks a `budgets:` block; `workspaceId` is the entry's (already checked). Returns the
 * block's inputs, or `undefined` when a problem was reported.
 */
export function validateBudgetsBlock(raw: unknown, workspaceId: string, at: Segments, report: Report): BudgetsBlock | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    report(at, `must be a mapping of interval (daily, weekly, monthly, lifetime) to a limit in US dollars, got ${describe(raw)}`);
    return undefined;
  }
  // Required here, not at the top: programs whose file sets no budget never load the rules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when used
  const { BUDGET_INPUTS, checkBudgetInputs } = require("../budgets/inputs") as typeof BudgetInputs;
  const allowed = BUDGET_INPUTS.filter((input) => input !== "workspaceId");
  let valid = true;
  const given: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if ((allowed as readonly string[]).includes(field)) {
      given[field] = value;
    } else {
      // workspaceId among them: the entry names the workspace.
      report([...at, field], unknownName("key", field, allowed));
      valid = false;
    }
  }
  const { inputs, failures } = checkBudgetInputs({ ...given, workspaceId });
  for (const failure of failures) {
    if (failure.property === "workspaceId") continue;
    report([...at, failure.property], failure.problem ?? failure.reason);
    valid = false;
  }
  if (!valid) return undefined;
  const { workspaceId: _entryWorkspace, ...block } = inputs;
  return block as BudgetsBlock;
}
