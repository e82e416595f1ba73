/**
 * The `WorkspaceBudgets` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * Loaded only at call time, inside the plugin (see load-implementation.ts). It is glue: what
 * is valid is checked in inputs.ts, the order of the requests is planned in plan.ts, they
 * are sent by apply.ts, the record and the outputs are state.ts; the stack config and the
 * client come from api/connection.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { connect, keepStackConfig } from "../api/connection";
import type { BudgetInterval } from "../api/types";
import { resolveWorkspace, stateTarget, type WorkspaceRef } from "../api/workspace-ref";
import { BudgetOrderError, ChangeFailedError, OpenRouterNotFoundError, PartialFailureError } from "../core/errors";
import { quote } from "../core/messages";
import { sendSteps, type BudgetRoutes } from "./apply";
import { checkBudgetInputs, diffBudgets } from "./inputs";
import { BUDGET_ORDER_RULE, describeConflict, planBudgets, type BudgetRefusal, type BudgetStep } from "./plan";
import { BudgetRecord, readDesired, readRecorded, toRefreshedInputs, type BudgetsState, type Desired } from "./state";

export type { BudgetsState } from "./state";

/** Keeps the stack config for the calls that follow (see api/connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

// check and diff: no HTTP, ever.

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkBudgetInputs(news);
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffBudgets(olds, news);
}

/** Resolves the workspace (a 404 fails before any change), lists its budgets, and sends the plan. */
export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const desired = readDesired(inputs);
  const { client } = connect();
  const workspace = await resolveWorkspace(client, desired.workspaceId);
  const target = { uuid: workspace.id, slug: workspace.slug };
  return { id: workspace.id, outs: await reconcile(client, "create", target, desired) };
}

/** Lists the budgets (the plan starts from what the service holds, which also settles unconfirmed fields) and sends the plan. */
export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const previousByok = readRecorded(olds).includeByokInBudgets;
  return { outs: await reconcile(connect().client, "update", stateTarget(id, olds), readDesired(news), previousByok) };
}

/**
 * Plans from one listing and sends the steps. On a failure part-way, throws a
 * `PartialFailureError` whose properties record exactly what the service confirmed (a
 * create that changed nothing throws a plain `ChangeFailedError`: there is nothing to record).
 */
async function reconcile(
  client: OpenRouterClient,
  operation: "create" | "update",
  target: WorkspaceRef,
  desired: Desired,
  previousByok?: boolean,
): Promise<BudgetsState> {
  const routes = budgetRoutes(client, target.uuid);
  const record = new BudgetRecord(await routes.list(), previousByok);
  const plan = planBudgets({ current: record.limits, wanted: desired.wanted, currentByok: record.includeByokInBudgets, wantedByok: desired.wantedByok });
  if ("refusal" in plan) throw refusalError(plan.refusal, desired.workspaceId);

  const outcome = await sendSteps(routes, plan.steps, record);
  const outs = record.toState(desired.workspaceId, target, desired.managedFields);
  if (outcome.failure === undefined) return outs;

  const { step, error, mayHaveApplied } = outcome.failure;
  const reason = error instanceof Error ? error.message : String(error);
  const unknownFate =
    outcome.unconfirmed.length > 0 ? "; whether it applied is unknown (the listing meant to tell failed too), so the next run settles it first" : "";
  const message =
    `${operation === "create" ? "Setting" : "Updating"} the budgets of workspace ${quote(desired.workspaceId)} did not finish: ` +
    `${describeStep(step)} failed: ${reason}${unknownFate}. ${outcome.done} of ${plan.steps.length} changes went through before it; ` +
    "the state records what the service confirmed, so running the update again finishes the rest.";
  if (operation === "create" && outcome.done === 0 && !mayHaveApplied) throw new ChangeFailedError(message, [reason]);
  throw new PartialFailureError(message, target.uuid, { ...outs, __provider: desired.provider }, outcome.unconfirmed);
}

/** Lists the budgets: the outputs are what the service holds, the inputs the managed fields' current values. A workspace gone leaves the state. */
export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const state = props ?? {};
  const target = stateTarget(id, state);
  const listing = await unlessWorkspaceGone(() => budgetRoutes(connect().client, target.uuid).list());
  if (listing === GONE) return { id: "" };
  const recorded = readRecorded(state);
  const workspaceId = typeof state.workspaceId === "string" ? state.workspaceId : target.uuid;
  const outs = new BudgetRecord(listing, recorded.includeByokInBudgets).toState(workspaceId, target, recorded.managedFields);
  return { id: target.uuid, props: outs, inputs: toRefreshedInputs(outs) };
}

/**
 * Deletes the managed intervals that have a budget or whose last change is unconfirmed
 * (`delete` is a keyword); the BYOK flag stays as it is (it has no "unset"). A DELETE is
 * always accepted whatever the other budgets hold, and deleting none is a success, so they
 * need no listing and no order. A workspace gone counts as done.
 */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const state = props ?? {};
  const { managedFields, unconfirmedFields } = readRecorded(state);
  const intervals = managedFields.filter(
    (field): field is BudgetInterval =>
      field !== "includeByokInBudgets" && ((state[field] !== null && state[field] !== undefined) || unconfirmedFields.includes(field)),
  );
  const routes = budgetRoutes(connect().client, stateTarget(id, state).uuid);
  const deleted: BudgetInterval[] = [];
  for (const interval of intervals) {
    try {
      // A workspace gone took its budgets with it.
      if ((await unlessWorkspaceGone(() => routes.delete(interval))) === GONE) return;
      deleted.push(interval);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const left = intervals.filter((other) => !deleted.includes(other));
      throw new ChangeFailedError(
        `Deleting the budgets of workspace ${quote(String(state.workspaceId ?? id))} did not finish: DELETE ${interval} failed: ${reason}. ` +
          `Deleted: ${deleted.join(", ") || "none"}; left: ${left.join(", ")}. Run the destroy again; budgets already gone count as done.`,
        [reason],
      );
    }
  }
}

const GONE = Symbol("workspace gone");

/**
 * Runs a call on the workspace's budget routes; a 404 (the workspace is gone) gives
 * {@link GONE}. The one place the budgets decide that a workspace is gone.
 */
async function unlessWorkspaceGone<T>(call: () => Promise<T>): Promise<T | typeof GONE> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OpenRouterNotFoundError) return GONE;
    throw error;
  }
}

/** The budget routes of one workspace, as apply.ts sends a plan through them. */
function budgetRoutes(client: OpenRouterClient, workspaceUuid: string): BudgetRoutes {
  return {
    put: (interval, budget) => client.putBudget(workspaceUuid, interval, budget),
    delete: (interval) => client.deleteBudget(workspaceUuid, interval),
    list: () => client.listBudgets(workspaceUuid),
  };
}

function refusalError(refusal: BudgetRefusal, workspaceId: string): Error {
  const where = `The budgets of workspace ${quote(workspaceId)}`;
  switch (refusal.reason) {
    case "out-of-order": {
      const unmanaged = refusal.unmanaged.map((interval) => `${interval} is not managed here and stays as the service holds it`);
      const hint = unmanaged.length > 0 ? ` (${unmanaged.join("; ")}: set it too, or change the limits)` : "";
      return new BudgetOrderError(
        `${where} would be out of order: ${describeConflict(refusal.conflict)}${hint}; ${BUDGET_ORDER_RULE}. Nothing was changed.`,
        refusal.conflict,
      );
    }
    case "no-order":
      return new BudgetOrderError(
        `${where} are out of order at the service already (${describeConflict(refusal.conflict)}), so no order of the changes ` +
          `keeps the rule (${BUDGET_ORDER_RULE}). Nothing was changed: put them in order in the dashboard, then run again.`,
        refusal.conflict,
      );
    case "byok-without-budget":
      return new ChangeFailedError(
        `${where}: includeByokInBudgets is set with a budget, and the workspace would have none. Nothing was changed: keep or set one budget, or leave includeByokInBudgets out.`,
        ["includeByokInBudgets needs a budget"],
      );
  }
}

function describeStep(step: BudgetStep): string {
  if (step.action === "delete") return `DELETE ${step.interval}`;
  const byok = step.includeByokInBudgets === undefined ? "" : `, includeByokInBudgets ${step.includeByokInBudgets}`;
  return `PUT ${step.interval} ${step.limitUsd} USD${byok}`;
}
