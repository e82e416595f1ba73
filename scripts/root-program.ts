/**
 * The program of this repository's own stack (the root `Pulumi.yaml`): the members of the
 * workspaces declared in stack config, inline under `workspaces` or in the YAML file named by
 * `membersFile` (default `members.yaml` at the repository's root). See README "Root stack".
 *
 * It imports the provider's source, not the package by name: from this checkout the name
 * resolves only to the built `lib/`, and the provider's implementation is loaded from there
 * anyway (run `npm run build` first).
 */
import * as pulumi from "@pulumi/pulumi";
import { checkMembersAgainstOrganization, declareMembers, loadMembersFromConfig } from "../provider/index";

// The file's own rules first, then every person it names against the organization (one
// listing; OPENROUTER_VALIDATE_MEMBERS=false skips it), before any resource is declared.
const resources = checkMembersAgainstOrganization(loadMembersFromConfig(new pulumi.Config())).then((file) => declareMembers(file));

/** Per workspace key: the sorted ids of the users this stack manages there. */
export const members: Promise<Record<string, pulumi.Output<string[]>>> = resources.then((declared) =>
  Object.fromEntries(Object.entries(declared).map(([key, resource]) => [key, resource.userIds])),
);
