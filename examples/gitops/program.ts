import * as pulumi from "@pulumi/pulumi";
import * as openrouter from "pulumi-openrouter";

/**
 * The gitops stack: a `Workspace` for each entry of the members file with a `workspace:`
 * block, one `WorkspaceMembers` per entry, a `WorkspaceBudgets` per `budgets:` block, and a
 * `GuardrailMembers` per guardrail of a `guardrails:` block. An invalid file fails the preview with every
 * problem named by file, line and entry, before any resource is registered: first the
 * file's own rules, then every person it names checked against the organization (one
 * listing; `OPENROUTER_VALIDATE_MEMBERS=false` skips it for an offline preview).
 *
 * @param membersFile the YAML file; relative paths resolve from the working directory,
 *   which the Pulumi CLI sets to this project's directory.
 */
export async function gitops(membersFile: string) {
  const file = await openrouter.checkMembersAgainstOrganization(openrouter.loadMembersFile(membersFile));
  const declared = openrouter.declareWorkspaces(file);
  // Per entry: the sorted ids of the users this stack manages there.
  const members: Record<string, pulumi.Output<string[]>> = {};
  for (const [key, resource] of Object.entries(declared.members)) members[key] = resource.userIds;
  // Per entry with a `workspace:` block: the UUID of the workspace this stack created.
  const workspaceIds: Record<string, pulumi.Output<string>> = {};
  for (const [key, workspace] of Object.entries(declared.workspaces)) workspaceIds[key] = workspace.id;
  // Per guardrail (`<entry>/<guardrail UUID>`): the sorted ids of the users this stack assigned there.
  const guardrailMembers: Record<string, pulumi.Output<string[]>> = {};
  for (const [name, resource] of Object.entries(declared.guardrails)) guardrailMembers[name] = resource.userIds;
  return { members, workspaceIds, guardrailMembers };
}
