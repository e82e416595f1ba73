/**
 * The engine-facing diff of `WorkspaceMembers`: a move of workspace, then the sets as
 * membership/plan.ts compares them. Pure.
 */
import { workspaceMove } from "../api/workspace-ref";
import { diffMemberSets, type MembersDiff } from "../membership/plan";

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
