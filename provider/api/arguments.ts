/**
 * The checks of what a client method puts into a request, before anything is sent: path
 * segments that cannot change the route, a budget interval the API knows, and non-empty
 * lists of user ids. A failure is an `OpenRouterArgumentError` naming the argument.
 */
import { OpenRouterArgumentError } from "../core/errors";
import { BUDGET_INTERVALS, type BudgetInterval } from "./types";

/**
 * Percent-encodes one path segment. `encodeURIComponent` leaves `.` alone, and a segment of
 * `.` or `..` (even as `%2E%2E`, which URL parsers and proxies normalise) would move the
 * request to another route, so those are refused.
 */
export function segment(field: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new OpenRouterArgumentError(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (value === "." || value === "..") {
    throw new OpenRouterArgumentError(`${field} ${JSON.stringify(value)} is not an id or slug`);
  }
  return encodeURIComponent(value);
}

/** The path of one budget of a workspace. */
export function budgetPath(idOrSlug: string, interval: BudgetInterval): string {
  if (!(BUDGET_INTERVALS as readonly string[]).includes(interval)) {
    throw new OpenRouterArgumentError(`interval must be one of ${BUDGET_INTERVALS.join(", ")}, got ${JSON.stringify(interval)}`);
  }
  return `/workspaces/${segment("idOrSlug", idOrSlug)}/budgets/${interval}`;
}

/** The user ids of one bulk request: a copy of a non-empty list of non-blank strings. */
export function checkUserIds(userIds: readonly string[], method: string): string[] {
  if (!Array.isArray(userIds)) {
    throw new OpenRouterArgumentError(`${method}: userIds must be an array, got ${typeof userIds}`);
  }
  if (userIds.length === 0) {
    // The service answers 400 "user_ids is required"; an empty chunk is a caller bug.
    throw new OpenRouterArgumentError(`${method}: userIds is empty; send at least one user id per request`);
  }
  userIds.forEach((userId, index) => {
    if (typeof userId !== "string" || userId.trim() === "") {
      throw new OpenRouterArgumentError(`${method}: userIds[${index}] must be a non-empty string, got ${JSON.stringify(userId)}`);
    }
  });
  return [...userIds];
}
