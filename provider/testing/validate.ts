import { BUDGET_INTERVALS, type BudgetInterval, type BudgetPut } from "./budgets";
import { EmulatorHttpError } from "./http-error";
import { SLUG_PATTERN, type WorkspaceCreateFields, type WorkspacePatch } from "./workspace-shapes";

/** The largest `limit` the list routes accept; a larger one is a 400, never clamped. */
export const MAX_PAGE_LIMIT = 100;
/** The page size when `limit` is absent. */
export const DEFAULT_PAGE_LIMIT = 50;

const badRequest = (message: string) => new EmulatorHttpError(400, message);
const show = (value: unknown): string => (value === undefined ? "undefined" : JSON.stringify(value));

/** Parses a JSON request body; an empty or non-JSON body is a 400. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw badRequest("Request body is required");
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("Request body is not valid JSON");
  }
}

/** `offset` (default 0) and `limit` (1 to 100, default 50) from a query string. */
export function parsePage(query: URLSearchParams): { offset: number; limit: number } {
  return {
    offset: integerParam(query, "offset", 0, 0, Number.MAX_SAFE_INTEGER),
    limit: integerParam(query, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT),
  };
}

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw badRequest(`${name} must be an integer from ${min} to ${max}, got ${show(raw)}`);
  }
  return value;
}

/**
 * The user ids of a bulk request: `user_ids` (workspace members add/remove) or
 * `member_user_ids` (guardrail assign/unassign), a non-empty array of non-empty strings.
 * Missing or empty is the service's own `<field> is required`.
 */
export function parseUserIds(body: unknown, maxUserIds: number | undefined, field: UserIdsField = "user_ids"): string[] {
  const userIds = isObject(body) ? body[field] : undefined;
  if (userIds === undefined || (Array.isArray(userIds) && userIds.length === 0)) throw badRequest(`${field} is required`);
  if (!Array.isArray(userIds)) throw badRequest(`${field} must be an array of strings, got ${show(userIds)}`);
  userIds.forEach((id: unknown, index) => {
    if (typeof id !== "string" || id.trim() === "") {
      throw badRequest(`${field}[${index}] must be a non-empty string, got ${show(id)}`);
    }
  });
  if (maxUserIds !== undefined && userIds.length > maxUserIds) {
    throw badRequest(`${field} may hold at most ${maxUserIds} entries, got ${userIds.length}`);
  }
  return userIds as string[];
}

/** The body fields that carry a bulk request's user ids. */
export type UserIdsField = "user_ids" | "member_user_ids";

type FieldCheck = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isString: FieldCheck = (v) => typeof v === "string";
const isNullableString: FieldCheck = (v) => v === null || typeof v === "string";
const isBoolean: FieldCheck = (v) => typeof v === "boolean";

/** Field checks by name, with how each field's expected type is named in errors. */
type FieldSpecs = Record<string, { check: FieldCheck; expected: string }>;

/** Every workspace field a create or PATCH may set. */
const WORKSPACE_FIELDS: FieldSpecs = {
  name: { check: (v) => isString(v) && (v as string).trim() !== "", expected: "a non-empty string" },
  slug: { check: (v) => isString(v) && SLUG_PATTERN.test(v as string), expected: "lowercase alphanumeric segments separated by single hyphens" },
  description: { check: isNullableString, expected: "a string or null" },
  default_text_model: { check: isNullableString, expected: "a string or null" },
  default_image_model: { check: isNullableString, expected: "a string or null" },
  default_provider_sort: { check: isNullableString, expected: "a string or null" },
  io_logging_sampling_rate: {
    check: (v) => typeof v === "number" && v >= 0 && v <= 1,
    expected: "a number from 0 to 1",
  },
  io_logging_api_key_ids: {
    check: (v) => v === null || (Array.isArray(v) && v.every((n) => Number.isInteger(n))),
    expected: "an array of integers or null",
  },
  is_data_discount_logging_enabled: { check: isBoolean, expected: "a boolean" },
  is_observability_broadcast_enabled: { check: isBoolean, expected: "a boolean" },
  is_observability_io_logging_enabled: { check: isBoolean, expected: "a boolean" },
  disabled_server_tools: {
    check: (v) => v === null || (Array.isArray(v) && v.every(isString)),
    expected: "an array of strings or null",
  },
};

/**
 * A JSON object body of known fields, each checked, `required` ones present. Unknown fields
 * are refused so a client sending camelCase names finds out.
 */
function parseFields(body: unknown, specs: FieldSpecs, required: readonly string[]): Record<string, unknown> {
  if (!isObject(body)) throw badRequest(`Request body must be a JSON object, got ${show(body)}`);
  for (const name of required) {
    if (body[name] === undefined) throw badRequest(`${name} is required`);
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (!spec) throw badRequest(`Unknown field ${show(name)}`);
    if (!spec.check(value)) throw badRequest(`${name} must be ${spec.expected}, got ${show(value)}`);
    fields[name] = value;
  }
  return fields;
}

/**
 * The fields of a workspace create or PATCH. `include_byok_in_budgets` is the workspace's
 * field but is set only through a budget PUT; a client sending it here learns where it goes.
 */
function parseWorkspaceFields(body: unknown, required: readonly string[]): Record<string, unknown> {
  if (isObject(body) && body.include_byok_in_budgets !== undefined) {
    throw badRequest("include_byok_in_budgets is not accepted here: set it with PUT /workspaces/{id}/budgets/{interval}");
  }
  return parseFields(body, WORKSPACE_FIELDS, required);
}

/** The body of `POST /workspaces`. */
export function parseWorkspaceCreate(body: unknown): WorkspaceCreateFields {
  return parseWorkspaceFields(body, ["name", "slug"]) as WorkspaceCreateFields;
}

/** The body of `PATCH /workspaces/{id}`: any subset of the create fields. */
export function parseWorkspacePatch(body: unknown): WorkspacePatch {
  return parseWorkspaceFields(body, []) as WorkspacePatch;
}

const BUDGET_FIELDS: FieldSpecs = {
  limit_usd: { check: (v) => typeof v === "number" && Number.isFinite(v) && v > 0, expected: "a number greater than 0" },
  include_byok_in_budgets: { check: isBoolean, expected: "a boolean" },
};

/** The body of `PUT /workspaces/{id}/budgets/{interval}`: `limit_usd` above 0, the BYOK flag optional. */
export function parseBudgetPut(body: unknown): BudgetPut {
  return parseFields(body, BUDGET_FIELDS, ["limit_usd"]) as unknown as BudgetPut;
}

/** The `{interval}` of a budget route: one of the four names, else a 400 naming them. */
export function parseBudgetInterval(raw: string | undefined): BudgetInterval {
  if (raw === undefined || !(BUDGET_INTERVALS as readonly string[]).includes(raw)) {
    throw badRequest(`interval must be one of ${BUDGET_INTERVALS.join(", ")}, got ${show(raw)}`);
  }
  return raw as BudgetInterval;
}
