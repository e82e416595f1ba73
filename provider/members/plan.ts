/**
 * The engine-facing diff and the preview's `maxRemovals` guard of `WorkspaceMembers`: the
 * set-membership rules (membership/plan.ts) with the workspace as the target. Pure.
 */
import { workspaceMove } from "../api/workspace-ref";
import { diffMemberSets, removalsOverLimit as setRemovalsOverLimit, type MembersDiff } from "../membership/plan";
import { WORKSPACE_KEY } from "./state";

/**
 * The diff the engine asks for, from the old *outputs* in state and the new *checked*
 * inputs, with no API call (the sets as `diffMemberSets` compares them).
 *
 * `workspaceId` pointing at another workspace replaces the resource, deleting first (so
 * the old one's delete cannot remove members the new one just adopted; see
 * `workspaceMove`); a change between the workspace's slug and its own UUID (known from
 * `workspaceUuid`, or from `workspaceSlug` when the outputs carry it) is an update, as is a
 * change of UUID letter case. An unknown `workspaceId` lists `workspaceId` in `replaces`.
 * Never throws.
 */
export function diffMembers(olds: Record<string, unknown>, news: Record<string, unknown>): MembersDiff {
  const move = workspaceMove(olds, news.workspaceId);
  if (move !== undefined) return move;
  const sets = diffMemberSets(olds, news);
  return sets.changes === false && olds.workspaceId !== news.workspaceId ? { changes: true, replaces: [] } : sets;
}

/** The preview's `maxRemovals` guard (see membership/plan.ts), on the same workspace only. */
export function removalsOverLimit(olds: Record<string, unknown>, news: Record<string, unknown>): { remove: string[]; maxRemovals: number } | undefined {
  return setRemovalsOverLimit(olds, news, WORKSPACE_KEY);
}
