import { EmulatorHttpError } from "./http-error";
import type { Organization } from "./state";
import {
  parseBudgetInterval,
  parseBudgetPut,
  parseJsonBody,
  parsePage,
  parseUserIds,
  parseWorkspaceCreate,
  parseWorkspacePatch,
  type UserIdsField,
} from "./validate";

/** Every route the emulator serves, named as fault scripts and the request log name them. */
export const ROUTES = [
  "GET /workspaces",
  "POST /workspaces",
  "GET /workspaces/:id",
  "PATCH /workspaces/:id",
  "DELETE /workspaces/:id",
  "GET /workspaces/:id/members",
  "POST /workspaces/:id/members/add",
  "POST /workspaces/:id/members/remove",
  "GET /organization/members",
  "GET /workspaces/:id/budgets",
  "GET /workspaces/:id/budgets/:interval",
  "PUT /workspaces/:id/budgets/:interval",
  "DELETE /workspaces/:id/budgets/:interval",
  "GET /guardrails/:id",
  "GET /guardrails/:id/assignments/members",
  "POST /guardrails/:id/assignments/members",
  "POST /guardrails/:id/assignments/members/remove",
] as const;

/** One of {@link ROUTES}. */
export type RouteName = (typeof ROUTES)[number];

/** The routes whose body carries a list of user ids, and its field: read by the route and counted by the request log. */
export const USER_IDS_FIELDS: Partial<Record<RouteName, UserIdsField>> = {
  "POST /workspaces/:id/members/add": "user_ids",
  "POST /workspaces/:id/members/remove": "user_ids",
  "POST /guardrails/:id/assignments/members": "member_user_ids",
  "POST /guardrails/:id/assignments/members/remove": "member_user_ids",
};

/** The decoded path parameters of a matched route: `:id` (a workspace or guardrail), `:interval`. */
export type RouteParams = Partial<Record<"id" | "interval", string>>;

/** Where a request goes: a route (with its decoded path parameters), or why none. */
export type RouteMatch =
  | { kind: "route"; route: RouteName; params: RouteParams }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" };

/** The routes' paths after the base path, as segment patterns (`:name` is a parameter). */
const PATTERNS: ReadonlyArray<{ pattern: string; methods: Partial<Record<string, RouteName>> }> = [
  { pattern: "workspaces", methods: { GET: "GET /workspaces", POST: "POST /workspaces" } },
  {
    pattern: "workspaces/:id",
    methods: { GET: "GET /workspaces/:id", PATCH: "PATCH /workspaces/:id", DELETE: "DELETE /workspaces/:id" },
  },
  { pattern: "workspaces/:id/members", methods: { GET: "GET /workspaces/:id/members" } },
  { pattern: "workspaces/:id/members/add", methods: { POST: "POST /workspaces/:id/members/add" } },
  { pattern: "workspaces/:id/members/remove", methods: { POST: "POST /workspaces/:id/members/remove" } },
  { pattern: "organization/members", methods: { GET: "GET /organization/members" } },
  { pattern: "workspaces/:id/budgets", methods: { GET: "GET /workspaces/:id/budgets" } },
  {
    pattern: "workspaces/:id/budgets/:interval",
    methods: {
      GET: "GET /workspaces/:id/budgets/:interval",
      PUT: "PUT /workspaces/:id/budgets/:interval",
      DELETE: "DELETE /workspaces/:id/budgets/:interval",
    },
  },
  { pattern: "guardrails/:id", methods: { GET: "GET /guardrails/:id" } },
  {
    pattern: "guardrails/:id/assignments/members",
    methods: { GET: "GET /guardrails/:id/assignments/members", POST: "POST /guardrails/:id/assignments/members" },
  },
  { pattern: "guardrails/:id/assignments/members/remove", methods: { POST: "POST /guardrails/:id/assignments/members/remove" } },
];

/**
 * Matches a raw request path (no query). The path is split on `/` before each parameter
 * segment is percent-decoded once, so an id such as `..%2Fkeys` stays one segment and is
 * simply a workspace (or guardrail, or interval) that does not exist; dot segments are
 * never resolved.
 */
export function matchRoute(method: string, rawPath: string, basePath: string): RouteMatch {
  if (!rawPath.startsWith(`${basePath}/`)) return { kind: "not-found" };
  const segments = rawPath.slice(basePath.length + 1).split("/");
  for (const { pattern, methods } of PATTERNS) {
    const parts = pattern.split("/");
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = parts.every((part, i) => {
      const segment = segments[i] as string;
      if (!part.startsWith(":")) return part === segment;
      const decoded = decodeSegment(segment);
      if (decoded !== undefined) params[part.slice(1)] = decoded;
      return decoded !== undefined;
    });
    if (!fits) continue;
    const route = methods[method];
    if (!route) return { kind: "method-not-allowed", allow: Object.keys(methods) };
    return { kind: "route", route, params };
  }
  return { kind: "not-found" };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** What a route answers when it succeeds. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** Per-request knobs the routes need from the emulator's options. */
export interface RouteSettings {
  maxUserIdsPerRequest?: number;
  pageSizeCap?: number;
}

/**
 * Runs a matched route against the organization. Refusals are thrown as
 * {@link EmulatorHttpError}; a success returns the status and body to send.
 */
export function answerRoute(
  org: Organization,
  route: RouteName,
  params: RouteParams,
  query: URLSearchParams,
  bodyText: string,
  settings: RouteSettings,
): RouteAnswer {
  // A workspace UUID or slug on the workspace routes, a guardrail UUID on the guardrail ones.
  const id = params.id ?? "";
  const page = (): [offset: number, limit: number] => {
    const { offset, limit } = parsePage(query);
    return [offset, Math.min(limit, settings.pageSizeCap ?? limit)];
  };
  const userIds = () => parseUserIds(parseJsonBody(bodyText), settings.maxUserIdsPerRequest, USER_IDS_FIELDS[route]);
  switch (route) {
    case "GET /workspaces":
      return { status: 200, body: org.listWorkspaces(...page()) };
    case "POST /workspaces":
      return { status: 201, body: { data: org.createWorkspace(parseWorkspaceCreate(parseJsonBody(bodyText))) } };
    case "GET /workspaces/:id":
      return { status: 200, body: { data: org.getWorkspace(id) } };
    case "PATCH /workspaces/:id":
      return { status: 200, body: { data: org.updateWorkspace(id, parseWorkspacePatch(parseJsonBody(bodyText))) } };
    case "DELETE /workspaces/:id":
      org.deleteWorkspace(id);
      return { status: 200, body: { deleted: true } };
    case "GET /workspaces/:id/members":
      return { status: 200, body: org.listMembers(id, ...page()) };
    case "POST /workspaces/:id/members/add":
      return { status: 200, body: org.addMembers(id, userIds()) };
    case "POST /workspaces/:id/members/remove":
      return { status: 200, body: org.removeMembers(id, userIds()) };
    case "GET /organization/members":
      return { status: 200, body: org.listOrganizationMembers(...page()) };
    case "GET /workspaces/:id/budgets":
      return { status: 200, body: org.budgets.list(id) };
    case "GET /workspaces/:id/budgets/:interval":
      return { status: 200, body: org.budgets.get(id, parseBudgetInterval(params.interval)) };
    case "PUT /workspaces/:id/budgets/:interval": {
      const interval = parseBudgetInterval(params.interval);
      return { status: 200, body: org.budgets.put(id, interval, parseBudgetPut(parseJsonBody(bodyText))) };
    }
    case "DELETE /workspaces/:id/budgets/:interval":
      return { status: 200, body: org.budgets.delete(id, parseBudgetInterval(params.interval)) };
    case "GET /guardrails/:id":
      return { status: 200, body: { data: org.guardrails.get(id) } };
    case "GET /guardrails/:id/assignments/members":
      return { status: 200, body: org.guardrails.listAssignments(id, ...page()) };
    case "POST /guardrails/:id/assignments/members":
      return { status: 200, body: org.guardrails.assign(id, userIds()) };
    case "POST /guardrails/:id/assignments/members/remove":
      return { status: 200, body: org.guardrails.unassign(id, userIds()) };
    default: {
      const unreachable: never = route;
      throw new EmulatorHttpError(500, `Unhandled route ${String(unreachable)}`);
    }
  }
}
