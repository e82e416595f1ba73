/**
 * The state of a `WorkspaceBudgets` resource: what its outputs hold, how the lifecycle reads
 * the checked inputs and an old state, the record of what the service confirmed, and how
 * that record becomes the outputs and the inputs a refresh hands back. Pure.
 */
import { BUDGET_INTERVALS, type BudgetAnswer, type BudgetInterval, type WorkspaceBudget, type WorkspaceBudgets } from "../api/types";
import type { WorkspaceRef } from "../api/workspace-ref";
import { managedFieldsOf, managedFieldsOfState } from "../core/managed-fields";
import type { BudgetLimits, WantedBudgets } from "./plan";

/** The inputs besides `workspaceId`, each managed only when the program sets it. */
export const BUDGET_FIELDS = [...BUDGET_INTERVALS, "includeByokInBudgets"] as const;
/** One of {@link BUDGET_FIELDS}. */
export type BudgetField = (typeof BUDGET_FIELDS)[number];

/** One interval's budget in the outputs, exactly as the service returned it. */
export interface BudgetOutput {
  id: string;
  limitUsd: number;
  /** `daily`, `weekly`, `monthly`, or `null` for the lifetime budget (it never resets). */
  resetInterval: string | null;
  createdAt: string;
  updatedAt: string | null;
}

/** The outputs of a `WorkspaceBudgets` resource, as stored in state. */
export interface BudgetsState {
  workspaceId: string;
  workspaceUuid: string;
  /** The workspace's slug, resolved at create: lets diff tell a slug from its own UUID without a call. */
  workspaceSlug?: string;
  daily: BudgetOutput | null;
  weekly: BudgetOutput | null;
  monthly: BudgetOutput | null;
  lifetime: BudgetOutput | null;
  /** The workspace-wide flag as the service last reported it; `null` if it never did. */
  includeByokInBudgets: boolean | null;
  /** The inputs the program sets, in {@link BUDGET_FIELDS} order. */
  managedFields: BudgetField[];
  /**
   * Managed fields whose last PUT or DELETE was sent but neither confirmed nor refuted (the
   * answer was lost, and so was the listing meant to settle it); empty when none. Their
   * outputs hold what was last confirmed; the next update, refresh or destroy settles them.
   */
  unconfirmedFields: BudgetField[];
}

/** The checked inputs as plain values (check has already refused anything malformed). */
export interface Desired {
  workspaceId: string;
  wanted: WantedBudgets;
  wantedByok?: boolean;
  managedFields: BudgetField[];
  /** The serialized provider (`__provider`), which a partial failure's properties must carry. */
  provider: unknown;
}

export function readDesired(inputs: Record<string, unknown>): Desired {
  const wanted: WantedBudgets = {};
  for (const interval of BUDGET_INTERVALS) {
    const value = inputs[interval];
    if (value === null || typeof value === "number") wanted[interval] = value;
  }
  const byok = inputs.includeByokInBudgets;
  return {
    workspaceId: String(inputs.workspaceId),
    wanted,
    ...(typeof byok === "boolean" ? { wantedByok: byok } : {}),
    managedFields: managedFieldsOf(inputs, BUDGET_FIELDS),
    provider: inputs.__provider,
  };
}

/** What an old state says: the managed fields, those unconfirmed, and the BYOK flag. */
export function readRecorded(state: Record<string, unknown>): {
  managedFields: BudgetField[];
  unconfirmedFields: BudgetField[];
  includeByokInBudgets?: boolean;
} {
  const unconfirmed = Array.isArray(state.unconfirmedFields) ? state.unconfirmedFields : [];
  const byok = state.includeByokInBudgets;
  return {
    managedFields: managedFieldsOfState(state, BUDGET_FIELDS, []),
    unconfirmedFields: BUDGET_FIELDS.filter((field) => unconfirmed.includes(field)),
    ...(typeof byok === "boolean" ? { includeByokInBudgets: byok } : {}),
  };
}

/** The interval a budget is for, from its `resetInterval`; `undefined` for one this provider does not know. */
export function intervalOf(budget: Pick<WorkspaceBudget, "resetInterval">): BudgetInterval | undefined {
  if (budget.resetInterval === null) return "lifetime";
  return BUDGET_INTERVALS.find((interval) => interval !== "lifetime" && interval === budget.resetInterval);
}

/**
 * What the service is known to hold: each interval's budget as a listing or an answer
 * returned it, the BYOK flag, and the fields whose last change is unconfirmed. Only what the
 * service confirmed changes it.
 */
export class BudgetRecord {
  readonly #budgets = new Map<BudgetInterval, WorkspaceBudget>();
  #byok: boolean | undefined;
  readonly #unconfirmed = new Set<BudgetField>();

  /** `previousByok`: the flag as last recorded, kept when the listing does not say. */
  constructor(listing: WorkspaceBudgets, previousByok?: boolean) {
    this.#byok = previousByok;
    this.settle(listing);
  }

  /** A listing is the whole truth: it replaces everything and settles every unconfirmed field. */
  settle(listing: WorkspaceBudgets): void {
    this.#budgets.clear();
    for (const budget of listing.budgets) {
      const interval = intervalOf(budget);
      if (interval !== undefined) this.#budgets.set(interval, budget);
    }
    if (listing.includeByokInBudgets !== undefined) this.#byok = listing.includeByokInBudgets;
    this.#unconfirmed.clear();
  }

  /** A PUT's answer. */
  confirmPut(interval: BudgetInterval, answer: BudgetAnswer): void {
    this.#budgets.set(interval, answer.budget);
    if (answer.includeByokInBudgets !== undefined) this.#byok = answer.includeByokInBudgets;
  }

  /** A DELETE's answer. */
  confirmDelete(interval: BudgetInterval): void {
    this.#budgets.delete(interval);
  }

  /** Fields whose change may or may not have happened. */
  markUnconfirmed(fields: readonly BudgetField[]): void {
    for (const field of fields) this.#unconfirmed.add(field);
  }

  /** The limits held, for planning. */
  get limits(): BudgetLimits {
    const limits: BudgetLimits = {};
    for (const [interval, budget] of this.#budgets) limits[interval] = budget.limitUsd;
    return limits;
  }

  get includeByokInBudgets(): boolean | undefined {
    return this.#byok;
  }

  /** The outputs: the record, the workspace and the managed fields. */
  toState(workspaceId: string, target: WorkspaceRef, managedFields: readonly BudgetField[]): BudgetsState {
    const output = (interval: BudgetInterval): BudgetOutput | null => {
      const budget = this.#budgets.get(interval);
      if (budget === undefined) return null;
      return { id: budget.id, limitUsd: budget.limitUsd, resetInterval: budget.resetInterval, createdAt: budget.createdAt, updatedAt: budget.updatedAt };
    };
    return {
      workspaceId,
      workspaceUuid: target.uuid,
      ...(target.slug === undefined ? {} : { workspaceSlug: target.slug }),
      daily: output("daily"),
      weekly: output("weekly"),
      monthly: output("monthly"),
      lifetime: output("lifetime"),
      includeByokInBudgets: this.#byok ?? null,
      managedFields: [...managedFields],
      unconfirmedFields: BUDGET_FIELDS.filter((field) => this.#unconfirmed.has(field)),
    };
  }
}

/**
 * The inputs a refresh hands back: `workspaceId` and the service's current value of each
 * managed field (a limit or `null`), so that drift shows in the next preview.
 */
export function toRefreshedInputs(state: BudgetsState): Record<string, unknown> {
  const inputs: Record<string, unknown> = { workspaceId: state.workspaceId };
  for (const field of state.managedFields) {
    inputs[field] = field === "includeByokInBudgets" ? state.includeByokInBudgets : (state[field]?.limitUsd ?? null);
  }
  return inputs;
}
