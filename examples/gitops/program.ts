import * as pulumi from "@pulumi/pulumi";
import * as openrouter from "pulumi-openrouter";

/**
 * The gitops stack: one `WorkspaceMembers` per workspace in the members file. An invalid
 * file fails the preview with every problem named by file, line and entry, before any
 * resource is registered.
 *
 * @param membersFile the YAML file; relative paths resolve from the working directory,
 *   which the Pulumi CLI sets to this project's directory.
 */
export function gitops(membersFile: string) {
  const file = openrouter.loadMembersFile(membersFile);
  const resources = openrouter.declareMembers(file);
  // One stack output per workspace: the sorted ids of the users this stack manages there.
  const members: Record<string, pulumi.Output<string[]>> = {};
  for (const [key, resource] of Object.entries(resources)) members[key] = resource.userIds;
  return { members };
}
