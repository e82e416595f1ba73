/**
 * Lookup functions: read workspaces and their members without managing them (no state).
 * For programs (`getWorkspaceOutput(...)` beside the resources) and for scripts such as
 * GitOps reports (the plain promises).
 *
 * They run in the program's own process, where stack config is readable directly, and load
 * the client (zod, undici) only when first called, so importing the package stays light.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Membership, Workspace } from "../api/types";
import { withClient, type LookupOptions } from "./session";

export type { LookupOptions } from "./session";

/**
 * A workspace as the service returns it (every field, camelCase). Named apart from the
 * `Workspace` resource class, which the package's entry also exports.
 */
export type GetWorkspaceResult = Workspace;

/** The members of one workspace, as {@link getWorkspaceMembers} reads them. */
export interface GetWorkspaceMembersResult {
  /** The workspace id or slug, as given. */
  workspaceId: string;
  /** The workspace's UUID. */
  workspaceUuid: string;
  /** Every member's user id, sorted. */
  userIds: string[];
  /** Every membership, sorted by `userId`. */
  memberships: Membership[];
}

/**
 * Reads one workspace by UUID or slug. A workspace that does not exist is an
 * `OpenRouterApiError` with `status` 404.
 */
export async function getWorkspace(idOrSlug: string, options: LookupOptions = {}): Promise<GetWorkspaceResult> {
  return withClient(options, ({ client }) => client.getWorkspace(idOrSlug));
}

/** Reads every workspace of the organization (all pages), in the service's order. */
export async function listWorkspaces(options: LookupOptions = {}): Promise<GetWorkspaceResult[]> {
  return withClient(options, ({ client }) => client.listWorkspaces());
}

/**
 * Reads every member of one workspace (all pages), by workspace UUID or slug. A workspace
 * that does not exist is an `OpenRouterApiError` with `status` 404.
 */
export async function getWorkspaceMembers(idOrSlug: string, options: LookupOptions = {}): Promise<GetWorkspaceMembersResult> {
  return withClient(options, async ({ client, concurrency }) => {
    // The workspace first: its UUID for the result, and a clear 404 before any listing.
    const workspace = await client.getWorkspace(idOrSlug);
    const memberships = (await client.listMembers(workspace.id, { concurrency })).sort((a, b) =>
      a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0,
    );
    return {
      workspaceId: idOrSlug,
      workspaceUuid: workspace.id,
      userIds: memberships.map((m) => m.userId),
      memberships,
    };
  });
}

/** {@link getWorkspace} for a program: takes an `Input` (for example another resource's output). */
export function getWorkspaceOutput(idOrSlug: pulumi.Input<string>, options: LookupOptions = {}): pulumi.Output<GetWorkspaceResult> {
  return pulumi.output(idOrSlug).apply((id) => getWorkspace(id, options));
}

/** {@link getWorkspaceMembers} for a program: takes an `Input` (for example `workspace.id`). */
export function getWorkspaceMembersOutput(
  idOrSlug: pulumi.Input<string>,
  options: LookupOptions = {},
): pulumi.Output<GetWorkspaceMembersResult> {
  return pulumi.output(idOrSlug).apply((id) => getWorkspaceMembers(id, options));
}
