/**
 * `check` for `WorkspaceMembers`: the set-membership rules (membership/inputs.ts) with the
 * workspace as the target. No I/O.
 */
import type { CheckedInputs } from "../core/check";
import { workspaceIdProblem } from "../core/ids";
import { SET_INPUTS, checkMemberInputs, type TargetInput } from "../membership/inputs";

export { MAX_SET_SIZE } from "../membership/inputs";

/** The inputs a `WorkspaceMembers` resource accepts. */
export const KNOWN_INPUTS = ["workspaceId", ...SET_INPUTS] as const;

const WORKSPACE: TargetInput = { key: "workspaceId", holds: "the workspace's UUID or slug", problem: workspaceIdProblem };

/** See `checkMemberInputs`; `olds` is not needed: every rule is about the new inputs alone. */
export function checkInputs(_olds: Record<string, unknown>, news: Record<string, unknown>): CheckedInputs {
  return checkMemberInputs(WORKSPACE, news);
}
