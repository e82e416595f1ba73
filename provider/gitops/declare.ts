/**
 * Declaring what a members file says as Pulumi resources: a `Workspace` for each entry with
 * a `workspace:` block, one `WorkspaceMembers` per entry, and a `WorkspaceBudgets` for each
 * entry with a `budgets:` block, all named by the entry's key; and a `GuardrailMembers` for
 * each guardrail of a `guardrails:` block, named `<entry key>/<guardrail UUID>`. The entry's
 * `retainOnDelete:` is set on each.
 */
import * as pulumi from "@pulumi/pulumi";
import { WorkspaceBudgets } from "../budgets/resource";
import { GuardrailMembers } from "../guardrails/resource";
import { WorkspaceMembers } from "../members/resource";
import { Workspace } from "../workspace/resource";
import type { MembersFile, WorkspaceMembersEntry } from "./validate";

/** How {@link declareWorkspaces} and {@link declareMembers} create the resources. */
export interface DeclareMembersOptions {
  /**
   * The workspace each entry's `WorkspaceMembers` points at, for entries without a
   * `workspace:` block; defaults to the entry's `workspaceId`. An entry with the block always
   * points at the workspace it creates.
   */
  workspaceIdFor?: (entry: WorkspaceMembersEntry) => pulumi.Input<string>;
  /**
   * Options for every resource (a provider-wide `protect`, a parent component, ...). A
   * block's `protect: true` protects its `Workspace`, and an entry's `retainOnDelete:` sets
   * that option on its resources, whatever these say.
   */
  resourceOptions?: pulumi.CustomResourceOptions;
}

/** The resources {@link declareWorkspaces} declared, by entry key. */
export interface DeclaredWorkspaces {
  /** One per entry with a `workspace:` block. */
  workspaces: Record<string, Workspace>;
  /** One per entry. */
  members: Record<string, WorkspaceMembers>;
  /** One per entry with a `budgets:` block. */
  budgets: Record<string, WorkspaceBudgets>;
  /** One per guardrail of a `guardrails:` block, by its name: `<entry key>/<guardrail UUID>`. */
  guardrails: Record<string, GuardrailMembers>;
}

/**
 * Declares what the file says: a {@link Workspace} for each entry with a `workspace:` block,
 * one {@link WorkspaceMembers} per entry, and a {@link WorkspaceBudgets} for each entry with
 * a `budgets:` block, all named by the entry's key; and a {@link GuardrailMembers} for each
 * guardrail of a `guardrails:` block, named `<entry key>/<guardrail UUID>`. The members and
 * budgets of a created workspace take its `id` as their `workspaceId`, so they depend on it:
 * created after it, deleted before it, and previewed while its id is still unknown. A
 * guardrail's members depend on the entry's `WorkspaceMembers` (only members can be
 * assigned): assigned after they join, unassigned before they leave.
 */
export function declareWorkspaces(file: MembersFile, options: DeclareMembersOptions = {}): DeclaredWorkspaces {
  const declared: DeclaredWorkspaces = { workspaces: {}, members: {}, budgets: {}, guardrails: {} };
  for (const entry of file.workspaces) {
    const resourceOptions: pulumi.CustomResourceOptions =
      entry.retainOnDelete === undefined ? { ...options.resourceOptions } : { ...options.resourceOptions, retainOnDelete: entry.retainOnDelete };
    let workspaceId: pulumi.Input<string>;
    if (entry.workspace) {
      const workspace = new Workspace(entry.key, entry.workspace.args, {
        ...resourceOptions,
        protect: entry.workspace.protect || resourceOptions.protect,
      });
      declared.workspaces[entry.key] = workspace;
      workspaceId = workspace.id;
    } else {
      workspaceId = options.workspaceIdFor?.(entry) ?? entry.workspaceId;
    }
    const members = new WorkspaceMembers(
      entry.key,
      {
        workspaceId,
        userIds: entry.userIds,
        emails: entry.emails.length > 0 ? entry.emails : undefined,
        exclusive: entry.exclusive,
        protectedUserIds: entry.protectedUserIds.length > 0 ? entry.protectedUserIds : undefined,
        maxRemovals: entry.maxRemovals,
      },
      resourceOptions,
    );
    declared.members[entry.key] = members;
    if (entry.budgets) {
      declared.budgets[entry.key] = new WorkspaceBudgets(entry.key, { ...entry.budgets, workspaceId }, resourceOptions);
    }
    for (const guardrail of entry.guardrails ?? []) {
      const name = `${entry.key}/${guardrail.guardrailId}`;
      declared.guardrails[name] = new GuardrailMembers(
        name,
        { guardrailId: guardrail.guardrailId, userIds: guardrail.userIds, emails: guardrail.emails.length > 0 ? guardrail.emails : undefined },
        pulumi.mergeOptions(resourceOptions, { dependsOn: members }),
      );
    }
  }
  return declared;
}

/**
 * {@link declareWorkspaces}, returning the `WorkspaceMembers` by key (for stack outputs). The
 * workspaces of entries with a `workspace:` block, the budgets of those with a `budgets:`
 * block, and the guardrail members of those with a `guardrails:` block, are declared too.
 */
export function declareMembers(
  file: MembersFile,
  options: DeclareMembersOptions = {},
): Record<string, WorkspaceMembers> {
  return declareWorkspaces(file, options).members;
}
