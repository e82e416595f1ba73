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
import { declareMembers, loadMembersFromConfig } from "../provider/index";

const resources = declareMembers(loadMembersFromConfig(new pulumi.Config()));

/** Per workspace key: the sorted ids of the users this stack manages there. */
export const members: Record<string, pulumi.Output<string[]>> = Object.fromEntries(
  Object.entries(resources).map(([key, resource]) => [key, resource.userIds]),
);
