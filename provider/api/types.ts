/**
 * The provider's own camelCase view of the OpenRouter objects. The wire shapes (snake_case)
 * and their mapping to these live only in `wire.ts`.
 */

/** One user's membership of one workspace. */
export interface Membership {
  /** The membership's id (UUID). */
  id: string;
  /** The user's id, e.g. `user_abc123`. */
  userId: string;
  /** The workspace's UUID. */
  workspaceId: string;
  /** `"admin"`, `"member"`, or any role the service adds later. */
  role: string;
  /** ISO 8601 time the membership was created. */
  createdAt: string;
}

/** A workspace as the service returns it. */
export interface Workspace {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  createdAt: string;
  updatedAt: string | null;
  createdBy: string | null;
  defaultTextModel: string | null;
  defaultImageModel: string | null;
  defaultProviderSort: string | null;
  ioLoggingSamplingRate: number;
  ioLoggingApiKeyIds: number[] | null;
  isDataDiscountLoggingEnabled: boolean;
  isObservabilityBroadcastEnabled: boolean;
  isObservabilityIoLoggingEnabled: boolean;
  disabledServerTools: string[] | null;
  includeByokInBudgets?: boolean;
  defaultGuardrailId?: string;
}

/** The fields a workspace is created with; a PATCH sends any subset of them. */
export interface WorkspaceFields {
  name: string;
  slug: string;
  description?: string | null;
  defaultTextModel?: string | null;
  defaultImageModel?: string | null;
  defaultProviderSort?: string | null;
  ioLoggingSamplingRate?: number;
  ioLoggingApiKeyIds?: number[] | null;
  isDataDiscountLoggingEnabled?: boolean;
  isObservabilityBroadcastEnabled?: boolean;
  isObservabilityIoLoggingEnabled?: boolean;
  disabledServerTools?: string[] | null;
}

/** The answer to a bulk add: only the memberships the service returned are facts. */
export interface AddMembersResult {
  addedCount: number;
  memberships: Membership[];
}

/** The answer to a bulk remove. */
export interface RemoveMembersResult {
  removedCount: number;
}

/** A member of the organization, as its directory lists them. */
export interface OrganizationMember {
  /** The user id that `userIds` take, e.g. `user_2dHF...`. */
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  /** `org:admin`, `org:member`, or any role the service adds later. */
  role: string;
}

/** The intervals a workspace may have a budget for. */
export const BUDGET_INTERVALS = ["daily", "weekly", "monthly", "lifetime"] as const;
/** One of {@link BUDGET_INTERVALS}. */
export type BudgetInterval = (typeof BUDGET_INTERVALS)[number];

/** A workspace's budget for one interval. */
export interface WorkspaceBudget {
  id: string;
  workspaceId: string;
  /** The limit in US dollars. */
  limitUsd: number;
  /** `daily`, `weekly`, `monthly`, or `null` for the lifetime budget (it never resets). */
  resetInterval: string | null;
  createdAt: string;
  updatedAt: string | null;
}

/** The budgets of a workspace and its workspace-wide BYOK flag (absent when the service leaves it out). */
export interface WorkspaceBudgets {
  budgets: WorkspaceBudget[];
  includeByokInBudgets?: boolean;
}

/** The answer to a budget's PUT or GET: the budget and the workspace-wide BYOK flag. */
export interface BudgetAnswer {
  budget: WorkspaceBudget;
  includeByokInBudgets?: boolean;
}

/** A guardrail, as far as member assignments need it. */
export interface Guardrail {
  id: string;
  name: string;
  /** The workspace it belongs to, or `null` for a legacy guardrail with none. */
  workspaceId: string | null;
}

/** One member assigned directly to a guardrail. */
export interface GuardrailAssignment {
  id: string;
  userId: string;
  guardrailId: string;
  /** Who assigned them, when the service says (`null` for an assignment made with a management key). */
  assignedBy: string | null;
  createdAt: string;
}
