import * as pulumi from "@pulumi/pulumi";
import * as openrouter from "pulumi-openrouter";

/**
 * The guardrails stack: the members of one workspace, and which of them work under one of
 * its guardrails. The guardrail's UUID comes from stack config
 * (`pulumi config set guardrail <uuid>`): the dashboard shows it on the guardrail's page.
 *
 * A member has at most one direct guardrail per workspace: assigning someone here moves
 * them off any other guardrail of the workspace. List each person under one guardrail.
 */
export function guardrails() {
  const config = new pulumi.Config();
  const platform = new openrouter.WorkspaceMembers("platform", {
    workspaceId: config.get("workspace") ?? "demo-platform",
    userIds: ["user_alice", "user_carol"],
    maxRemovals: 5,
  });
  const production = new openrouter.GuardrailMembers(
    "production-guardrail",
    {
      guardrailId: config.require("guardrail"),
      userIds: ["user_alice"],
      emails: ["carol.lindqvist@example.com"],
      maxRemovals: 2,
    },
    // Only members of the guardrail's workspace can be assigned: carol joins it first.
    { dependsOn: [platform] },
  );
  return { members: platform.userIds, guardrailMembers: production.userIds, guardrailWorkspace: production.workspaceId };
}
