import { EmulatorHttpError } from "./http-error";
import type { RandomSource } from "./random";
import type { WorkspaceIndex, WorkspaceRecord } from "./state";

/** The budget intervals, narrowest first. */
export const BUDGET_INTERVALS = ["daily", "weekly", "monthly", "lifetime"] as const;

/** One of {@link BUDGET_INTERVALS}: a workspace has at most one budget for each. */
export type BudgetInterval = (typeof BUDGET_INTERVALS)[number];

/** A workspace budget as the emulator sends it. */
export interface WireBudget {
  id: string;
  workspace_id: string;
  limit_usd: number;
  /** The interval's name, or `null` for the lifetime budget (it never resets). */
  reset_interval: Exclude<BudgetInterval, "lifetime"> | null;
  created_at: string;
  updated_at: string;
}

/** The budget answers carry the workspace-wide BYOK flag beside their data. */
export interface BudgetAnswer<T> {
  data: T;
  include_byok_in_budgets: boolean;
}

/** The body of `PUT /workspaces/{id}/budgets/{interval}`, validated. */
export interface BudgetPut {
  limit_usd: number;
  include_byok_in_budgets?: boolean;
}

/** How PUT and DELETE treat the default workspace's budgets: `allow` them or `refuse` with 403. */
export type DefaultWorkspaceBudgetsMode = "allow" | "refuse";

/** Two budgets out of order: the `wider` interval's limit is not above the `narrower` one's. */
export interface BudgetOrderConflict {
  wider: { interval: BudgetInterval; limitUsd: number };
  narrower: { interval: BudgetInterval; limitUsd: number };
}

/** The rule, as the refusal states it. */
export const BUDGET_ORDER_RULE = "Budget limits must strictly decrease as the interval narrows (lifetime > monthly > weekly > daily)";

/**
 * Pure: the budget that setting `interval` to `limitUsd` would put out of order with, among
 * the `limits` present (the interval's own current limit is replaced, so not compared), or
 * `undefined` when the order holds. Nearest intervals are compared first: in an ordered set
 * the nearest one on each side is the tightest bound, so it is the one worth naming.
 */
export function findOrderConflict(
  limits: ReadonlyMap<BudgetInterval, number>,
  interval: BudgetInterval,
  limitUsd: number,
): BudgetOrderConflict | undefined {
  const at = BUDGET_INTERVALS.indexOf(interval);
  const self = { interval, limitUsd };
  for (let i = at - 1; i >= 0; i--) {
    const narrower = BUDGET_INTERVALS[i] as BudgetInterval;
    const limit = limits.get(narrower);
    if (limit !== undefined && !(limitUsd > limit)) return { wider: self, narrower: { interval: narrower, limitUsd: limit } };
  }
  for (let i = at + 1; i < BUDGET_INTERVALS.length; i++) {
    const wider = BUDGET_INTERVALS[i] as BudgetInterval;
    const limit = limits.get(wider);
    if (limit !== undefined && !(limit > limitUsd)) return { wider: { interval: wider, limitUsd: limit }, narrower: self };
  }
  return undefined;
}

/** The refusal's message: the rule, then both budgets with their limits. */
export function describeOrderConflict({ wider, narrower }: BudgetOrderConflict): string {
  return `${BUDGET_ORDER_RULE}: ${wider.interval} limit_usd ${wider.limitUsd} must be greater than ${narrower.interval} limit_usd ${narrower.limitUsd}`;
}

/**
 * Workspace budgets: the route rules and the changes made by hand. A workspace's budgets
 * live in its record, so deleting the workspace deletes them; `include_byok_in_budgets` is
 * the workspace's own field, one flag for every interval.
 */
export class WorkspaceBudgets {
  /** How PUT and DELETE treat the default workspace; changeable at runtime. */
  defaultWorkspace: DefaultWorkspaceBudgetsMode = "allow";

  constructor(
    private readonly workspaces: WorkspaceIndex,
    private readonly random: RandomSource,
    private readonly now: () => Date,
  ) {}

  // ---- routes ------------------------------------------------------------------------

  /** `GET .../budgets`: every budget, narrowest interval first. */
  list(idOrSlug: string): BudgetAnswer<WireBudget[]> {
    return this.answer(this.workspaces.requireWorkspace(idOrSlug), (record) => listBudgets(record));
  }

  /** `GET .../budgets/{interval}`: 404 when the workspace has no budget for it. */
  get(idOrSlug: string, interval: BudgetInterval): BudgetAnswer<WireBudget> {
    return this.answer(this.workspaces.requireWorkspace(idOrSlug), (record) => {
      const budget = record.budgets.get(interval);
      if (!budget) throw new EmulatorHttpError(404, "Budget not found");
      return { ...budget };
    });
  }

  /**
   * `PUT .../budgets/{interval}`: creates or updates, refusing (400, nothing changed) a limit
   * out of order with the workspace's other budgets. The BYOK flag changes only when given.
   */
  put(idOrSlug: string, interval: BudgetInterval, body: BudgetPut): BudgetAnswer<WireBudget> {
    const record = this.changeable(idOrSlug);
    const conflict = findOrderConflict(limitsOf(record), interval, body.limit_usd);
    if (conflict) throw new EmulatorHttpError(400, describeOrderConflict(conflict));
    const budget = this.write(record, interval, body.limit_usd);
    if (body.include_byok_in_budgets !== undefined) setIncludeByok(record, body.include_byok_in_budgets);
    return this.answer(record, () => budget);
  }

  /** `DELETE .../budgets/{interval}`: done whether or not there was one. */
  delete(idOrSlug: string, interval: BudgetInterval): { deleted: true } {
    this.changeable(idOrSlug).budgets.delete(interval);
    return { deleted: true };
  }

  // ---- out of band: changes made by hand, bypassing the ordering rule ------------------

  /** Sets a budget whatever the others hold, so a test can build a state the API would refuse. */
  setByHand(idOrSlug: string, interval: BudgetInterval, limitUsd: number): WireBudget {
    checkIntervalByHand(interval);
    if (!(Number.isFinite(limitUsd) && limitUsd > 0)) throw new Error(`A budget's limit must be a number above 0, got ${limitUsd}`);
    return this.write(this.workspaces.workspaceByHand(idOrSlug), interval, limitUsd);
  }

  deleteByHand(idOrSlug: string, interval: BudgetInterval): void {
    checkIntervalByHand(interval);
    this.workspaces.workspaceByHand(idOrSlug).budgets.delete(interval);
  }

  listByHand(idOrSlug: string): WireBudget[] {
    return listBudgets(this.workspaces.workspaceByHand(idOrSlug));
  }

  findByHand(idOrSlug: string, interval: BudgetInterval): WireBudget | undefined {
    checkIntervalByHand(interval);
    const budget = this.workspaces.workspaceByHand(idOrSlug).budgets.get(interval);
    return budget && { ...budget };
  }

  setIncludeByokByHand(idOrSlug: string, include: boolean): void {
    setIncludeByok(this.workspaces.workspaceByHand(idOrSlug), include);
  }

  // ---- internals ----------------------------------------------------------------------

  private changeable(idOrSlug: string): WorkspaceRecord {
    const record = this.workspaces.requireWorkspace(idOrSlug);
    if (record.isDefault && this.defaultWorkspace === "refuse") {
      throw new EmulatorHttpError(403, "Cannot modify budgets of the default workspace");
    }
    return record;
  }

  private write(record: WorkspaceRecord, interval: BudgetInterval, limitUsd: number): WireBudget {
    const at = this.now().toISOString();
    const existing = record.budgets.get(interval);
    const budget: WireBudget = existing
      ? { ...existing, limit_usd: limitUsd, updated_at: at }
      : {
          id: this.random.uuid(),
          workspace_id: record.data.id,
          limit_usd: limitUsd,
          reset_interval: interval === "lifetime" ? null : interval,
          created_at: at,
          updated_at: at,
        };
    record.budgets.set(interval, budget);
    return { ...budget };
  }

  private answer<T>(record: WorkspaceRecord, data: (record: WorkspaceRecord) => T): BudgetAnswer<T> {
    return { data: data(record), include_byok_in_budgets: record.data.include_byok_in_budgets };
  }
}

const limitsOf = (record: WorkspaceRecord): Map<BudgetInterval, number> =>
  new Map([...record.budgets].map(([interval, budget]) => [interval, budget.limit_usd]));

const listBudgets = (record: WorkspaceRecord): WireBudget[] =>
  BUDGET_INTERVALS.flatMap((interval) => {
    const budget = record.budgets.get(interval);
    return budget ? [{ ...budget }] : [];
  });

function setIncludeByok(record: WorkspaceRecord, include: boolean): void {
  record.data = { ...record.data, include_byok_in_budgets: include };
}

function checkIntervalByHand(interval: string): void {
  if (!(BUDGET_INTERVALS as readonly string[]).includes(interval)) {
    throw new Error(`Budget interval must be one of ${BUDGET_INTERVALS.join(", ")}, got ${JSON.stringify(interval)}`);
  }
}
