import * as pulumi from "@pulumi/pulumi";
import * as openrouter from "pulumi-openrouter";

/**
 * The exclusive stack: the workspace holds exactly these users and the protected ones.
 *
 * WARNING: `exclusive: true` REMOVES EVERY OTHER MEMBER of the workspace on `pulumi up`,
 * including people added in the dashboard a minute ago, and `pulumi refresh` reports anyone
 * added by hand as drift to remove. Point it only at a workspace this stack alone manages:
 * never at one that another `WorkspaceMembers` resource (exclusive or not) also manages.
 */
export function exclusive() {
  const config = new pulumi.Config();
  const research = new openrouter.WorkspaceMembers("research", {
    workspaceId: config.get("workspace") ?? "demo-research",
    userIds: ["user_carol", "user_dave"],
    exclusive: true,
    // Break-glass admins: never removed by this stack, listed or not, in any mode.
    protectedUserIds: ["user_grace"],
    // A bad edit (or a workspace full of people nobody listed yet) fails before any
    // change instead of emptying the workspace. Raise it in the pull request that needs more.
    maxRemovals: 2,
  });
  return { workspaceUuid: research.workspaceUuid, members: research.userIds };
}
