/**
 * The OpenRouter wire format (snake_case JSON) and the one place it becomes the provider's
 * camelCase types. Parsing is lenient where the service may grow (unknown keys are dropped,
 * `role` is any string) and strict where the provider relies on a field: a missing or
 * mistyped one is an `OpenRouterResponseError` naming it, never a crash further on.
 *
 * Schemas live at module scope: this module is only ever loaded inside the plugin process
 * (through the lifecycle), never captured in the serialized provider.
 */
import { z } from "zod";
import { OpenRouterResponseError } from "../core/errors";
import type {
  AddMembersResult,
  BudgetAnswer,
  Guardrail,
  GuardrailAssignment,
  Membership,
  OrganizationMember,
  RemoveMembersResult,
  Workspace,
  WorkspaceBudget,
  WorkspaceBudgets,
  WorkspaceFields,
} from "./types";

/** A workspace membership as the service sends it. */
export const WireMember = z.object({
  id: z.string(),
  user_id: z.string().min(1),
  workspace_id: z.string(),
  // Open enum: a role the service adds later must not break refresh.
  role: z.string(),
  created_at: z.string(),
});
/** A workspace membership as the service sends it. */
export type WireMember = z.infer<typeof WireMember>;

/** A workspace as the service sends it; documented nullable fields may also be absent. */
export const WireWorkspace = z.object({
  id: z.string().min(1),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  created_by: z.string().nullish(),
  default_text_model: z.string().nullish(),
  default_image_model: z.string().nullish(),
  default_provider_sort: z.string().nullish(),
  io_logging_sampling_rate: z.number(),
  io_logging_api_key_ids: z.array(z.number()).nullish(),
  is_data_discount_logging_enabled: z.boolean(),
  is_observability_broadcast_enabled: z.boolean(),
  is_observability_io_logging_enabled: z.boolean(),
  disabled_server_tools: z.array(z.string()).nullish(),
  include_byok_in_budgets: z.boolean().optional(),
  default_guardrail_id: z.string().optional(),
});
/** A workspace as the service sends it. */
export type WireWorkspace = z.infer<typeof WireWorkspace>;

const Count = z.number().int().nonnegative();

/** `GET /workspaces/{id}/members`: one page. */
export const WireMemberPage = z.object({ data: z.array(WireMember), total_count: Count });
/** `GET /workspaces`: one page. */
export const WireWorkspacePage = z.object({ data: z.array(WireWorkspace), total_count: Count });
/** `GET|POST|PATCH /workspaces[/{id}]`: one workspace. */
export const WireWorkspaceEnvelope = z.object({ data: WireWorkspace });
/** `POST /workspaces/{id}/members/add`. */
export const WireAddMembersResult = z.object({ added_count: Count, data: z.array(WireMember) });
/** `POST /workspaces/{id}/members/remove`. */
export const WireRemoveMembersResult = z.object({ removed_count: Count });
/** `DELETE /workspaces/{id}`: `deleted` may be absent, but `false` is a failure. */
export const WireDeleteResult = z.object({ deleted: z.boolean().optional() });

/** A member of the organization's directory as the service sends it. */
export const WireOrganizationMember = z.object({
  id: z.string().min(1),
  email: z.string(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  role: z.string(),
});
/** `GET /organization/members`: one page. */
export const WireOrganizationMemberPage = z.object({ data: z.array(WireOrganizationMember), total_count: Count });

/** A workspace budget as the service sends it. */
export const WireBudget = z.object({
  id: z.string().min(1),
  workspace_id: z.string(),
  limit_usd: z.number(),
  reset_interval: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
});
/** `GET /workspaces/{id}/budgets`. */
export const WireBudgetList = z.object({ data: z.array(WireBudget), include_byok_in_budgets: z.boolean().optional() });
/** `GET|PUT /workspaces/{id}/budgets/{interval}`. */
export const WireBudgetEnvelope = z.object({ data: WireBudget, include_byok_in_budgets: z.boolean().optional() });

/** `GET /guardrails/{id}`: the fields member assignments rely on; the rest is dropped. */
export const WireGuardrailEnvelope = z.object({
  data: z.object({ id: z.string().min(1), name: z.string(), workspace_id: z.string().nullish() }),
});
/** A member assignment as the service sends it. */
export const WireAssignment = z.object({
  id: z.string(),
  user_id: z.string().min(1),
  guardrail_id: z.string(),
  assigned_by: z.string().nullish(),
  created_at: z.string(),
});
/** `GET /guardrails/{id}/assignments/members`: one page. */
export const WireAssignmentPage = z.object({ data: z.array(WireAssignment), total_count: Count });
/** `POST /guardrails/{id}/assignments/members`. */
export const WireAssignResult = z.object({ assigned_count: Count });
/** `POST /guardrails/{id}/assignments/members/remove`. */
export const WireUnassignResult = z.object({ unassigned_count: Count });

/** One page of a paginated list, mapped. */
export interface Page<T> {
  items: T[];
  totalCount: number;
}

/**
 * Validates a parsed JSON body against `schema`. A mismatch becomes an
 * `OpenRouterResponseError` whose message names up to three offending fields by path (e.g.
 * `data[3].user_id`); field values are not echoed.
 */
export function parseWire<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  method: string,
  path: string,
): z.infer<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : "";
  return fail(`unexpected response body: ${problems.join("; ")}${more}`, method, path, result.error);
}

/** Maps a wire membership to a `Membership`. */
export function toMembership(wire: WireMember): Membership {
  return {
    id: wire.id,
    userId: wire.user_id,
    workspaceId: wire.workspace_id,
    role: wire.role,
    createdAt: wire.created_at,
  };
}

/** Maps a wire workspace to a `Workspace`; absent nullable fields become `null`. */
export function toWorkspace(wire: WireWorkspace): Workspace {
  return {
    id: wire.id,
    name: wire.name,
    slug: wire.slug,
    description: wire.description ?? null,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at ?? null,
    createdBy: wire.created_by ?? null,
    defaultTextModel: wire.default_text_model ?? null,
    defaultImageModel: wire.default_image_model ?? null,
    defaultProviderSort: wire.default_provider_sort ?? null,
    ioLoggingSamplingRate: wire.io_logging_sampling_rate,
    ioLoggingApiKeyIds: wire.io_logging_api_key_ids ?? null,
    isDataDiscountLoggingEnabled: wire.is_data_discount_logging_enabled,
    isObservabilityBroadcastEnabled: wire.is_observability_broadcast_enabled,
    isObservabilityIoLoggingEnabled: wire.is_observability_io_logging_enabled,
    disabledServerTools: wire.disabled_server_tools ?? null,
    ...(wire.include_byok_in_budgets !== undefined ? { includeByokInBudgets: wire.include_byok_in_budgets } : {}),
    ...(wire.default_guardrail_id !== undefined ? { defaultGuardrailId: wire.default_guardrail_id } : {}),
  };
}

/** Maps a directory entry to an `OrganizationMember`. */
export function toOrganizationMember(wire: z.infer<typeof WireOrganizationMember>): OrganizationMember {
  return { userId: wire.id, email: wire.email, firstName: wire.first_name ?? null, lastName: wire.last_name ?? null, role: wire.role };
}

/** Maps a wire budget to a `WorkspaceBudget`. */
export function toBudget(wire: z.infer<typeof WireBudget>): WorkspaceBudget {
  return {
    id: wire.id,
    workspaceId: wire.workspace_id,
    limitUsd: wire.limit_usd,
    resetInterval: wire.reset_interval ?? null,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at ?? null,
  };
}

/** Maps a budget list with its BYOK flag. */
export function toBudgets(wire: z.infer<typeof WireBudgetList>): WorkspaceBudgets {
  return { budgets: wire.data.map(toBudget), ...withByok(wire.include_byok_in_budgets) };
}

/** Maps one budget's answer with its BYOK flag. */
export function toBudgetAnswer(wire: z.infer<typeof WireBudgetEnvelope>): BudgetAnswer {
  return { budget: toBudget(wire.data), ...withByok(wire.include_byok_in_budgets) };
}

function withByok(flag: boolean | undefined): { includeByokInBudgets?: boolean } {
  return flag === undefined ? {} : { includeByokInBudgets: flag };
}

/** Maps a guardrail. */
export function toGuardrail(wire: z.infer<typeof WireGuardrailEnvelope>["data"]): Guardrail {
  return { id: wire.id, name: wire.name, workspaceId: wire.workspace_id ?? null };
}

/** Maps a member assignment. */
export function toAssignment(wire: z.infer<typeof WireAssignment>): GuardrailAssignment {
  return {
    id: wire.id,
    userId: wire.user_id,
    guardrailId: wire.guardrail_id,
    assignedBy: wire.assigned_by ?? null,
    createdAt: wire.created_at,
  };
}

/** Maps an add answer. */
export function toAddMembersResult(wire: z.infer<typeof WireAddMembersResult>): AddMembersResult {
  return { addedCount: wire.added_count, memberships: wire.data.map(toMembership) };
}

/** Maps a remove answer. */
export function toRemoveMembersResult(wire: z.infer<typeof WireRemoveMembersResult>): RemoveMembersResult {
  return { removedCount: wire.removed_count };
}

const FIELD_NAMES: { readonly [Key in keyof Required<WorkspaceFields>]: string } = {
  name: "name",
  slug: "slug",
  description: "description",
  defaultTextModel: "default_text_model",
  defaultImageModel: "default_image_model",
  defaultProviderSort: "default_provider_sort",
  ioLoggingSamplingRate: "io_logging_sampling_rate",
  ioLoggingApiKeyIds: "io_logging_api_key_ids",
  isDataDiscountLoggingEnabled: "is_data_discount_logging_enabled",
  isObservabilityBroadcastEnabled: "is_observability_broadcast_enabled",
  isObservabilityIoLoggingEnabled: "is_observability_io_logging_enabled",
  disabledServerTools: "disabled_server_tools",
};

/**
 * Maps create/update fields to the wire body. Fields left `undefined` are not sent (a PATCH
 * changes only what it names); `null` is sent as `null` (clears the setting).
 */
export function toWireWorkspaceFields(fields: Partial<WorkspaceFields>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, wireKey] of Object.entries(FIELD_NAMES) as [keyof WorkspaceFields, string][]) {
    if (fields[key] !== undefined) body[wireKey] = fields[key];
  }
  return body;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

function fail(message: string, method: string, path: string, cause: unknown): never {
  throw new OpenRouterResponseError(`${method} ${path}: ${message}`, { method, path, cause });
}
