import { EmulatorHttpError } from "./http-error";
import { SLUG_PATTERN, type WorkspaceCreateFields, type WorkspacePatch } from "./state";

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
 * `user_ids` of a bulk add or remove: a non-empty array of non-empty strings. Missing or
 * empty is the service's own `user_ids is required`.
 */
export function parseUserIds(body: unknown, maxUserIds: number | undefined): string[] {
  const userIds = isObject(body) ? body.user_ids : undefined;
  if (userIds === undefined || (Array.isArray(userIds) && userIds.length === 0)) throw badRequest("user_ids is required");
  if (!Array.isArray(userIds)) throw badRequest(`user_ids must be an array of strings, got ${show(userIds)}`);
  userIds.forEach((id: unknown, index) => {
    if (typeof id !== "string" || id.trim() === "") {
      throw badRequest(`user_ids[${index}] must be a non-empty string, got ${show(id)}`);
    }
  });
  if (maxUserIds !== undefined && userIds.length > maxUserIds) {
    throw badRequest(`user_ids may hold at most ${maxUserIds} entries, got ${userIds.length}`);
  }
  return userIds as string[];
}

type FieldCheck = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isString: FieldCheck = (v) => typeof v === "string";
const isNullableString: FieldCheck = (v) => v === null || typeof v === "string";
const isBoolean: FieldCheck = (v) => typeof v === "boolean";

/** Every settable workspace field, with its check and how its expected type is named in errors. */
const WORKSPACE_FIELDS: Record<string, { check: FieldCheck; expected: string }> = {
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
  include_byok_in_budgets: { check: isBoolean, expected: "a boolean" },
};

/**
 * The fields of a workspace PATCH (`required` empty) or create (`name` and `slug`
 * required). Unknown fields are refused so a client sending camelCase names finds out.
 */
function parseWorkspaceFields(body: unknown, required: readonly string[]): Record<string, unknown> {
  if (!isObject(body)) throw badRequest(`Request body must be a JSON object, got ${show(body)}`);
  for (const name of required) {
    if (body[name] === undefined) throw badRequest(`${name} is required`);
  }
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const spec = WORKSPACE_FIELDS[name];
    if (!spec) throw badRequest(`Unknown field ${show(name)}`);
    if (!spec.check(value)) throw badRequest(`${name} must be ${spec.expected}, got ${show(value)}`);
    fields[name] = value;
  }
  return fields;
}

/** The body of `POST /workspaces`. */
export function parseWorkspaceCreate(body: unknown): WorkspaceCreateFields {
  return parseWorkspaceFields(body, ["name", "slug"]) as WorkspaceCreateFields;
}

/** The body of `PATCH /workspaces/{id}`: any subset of the create fields. */
export function parseWorkspacePatch(body: unknown): WorkspacePatch {
  return parseWorkspaceFields(body, []) as WorkspacePatch;
}
