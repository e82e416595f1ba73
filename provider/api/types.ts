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
