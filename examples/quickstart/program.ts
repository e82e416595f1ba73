import * as pulumi from "@pulumi/pulumi";
import * as openrouter from "pulumi-openrouter";

/** The people in the workspace. Edit the list, then `pulumi preview --diff` names who changes. */
export const QUICKSTART_USERS = ["user_alice", "user_carol", "user_dave"];

/**
 * The quickstart stack: the members of one workspace. `userIds` defaults to
 * {@link QUICKSTART_USERS}; the demo passes other lists to show an edit.
 */
export function quickstart(userIds: readonly string[] = QUICKSTART_USERS) {
  const config = new pulumi.Config();
  const platform = new openrouter.WorkspaceMembers("platform", {
    // The emulator's demo organization has this workspace; set your own slug or UUID with
    // `pulumi config set workspace <slug>`.
    workspaceId: config.get("workspace") ?? "demo-platform",
    userIds: [...userIds],
    // Users listed here who are already members are adopted, not re-added; anyone else in
    // the workspace is left alone (exclusive: false, the default).
    maxRemovals: 5,
  });
  return { workspaceUuid: platform.workspaceUuid, members: platform.userIds };
}
