/**
 * What an export reads, and nothing more: every workspace of the organization (every page),
 * its directory (every page), and for each workspace exported its members (every page) and
 * its budgets. Only through the client; what the file makes of it is adoption.ts's.
 *
 * The organization's default workspace is never listed: every member of the organization is
 * in it implicitly, so it has no members to declare (and listing it would read the whole
 * directory again). The API marks no workspace as the default one; it is the one with the
 * slug `default`, which every organization starts with (the emulator models it so).
 */
import type { OpenRouterClient } from "../api/client";
import type { Membership, OrganizationMember, Workspace, WorkspaceBudgets } from "../api/types";
import { runBounded } from "../core/bounded";
import { OpenRouterArgumentError } from "../core/errors";
import { isUuid } from "../core/ids";
import { closestName, quote } from "../core/messages";

/** The slug of the organization's default workspace. */
export const DEFAULT_WORKSPACE_SLUG = "default";

/** One workspace as read for the export. */
export interface WorkspaceListing {
  workspace: Workspace;
  /** Every membership, in the service's order. */
  members: Membership[];
  budgets: WorkspaceBudgets;
}

/** What {@link readOrganization} read. */
export interface OrganizationListing {
  /** The default workspace, when the organization has one: what names the organization in the file's header. */
  defaultWorkspace?: Workspace;
  /** Every member of the organization, in the service's order. */
  directory: OrganizationMember[];
  /** The workspaces to export, in the service's order. */
  workspaces: WorkspaceListing[];
}

/** How far a read has come, for a progress line on a large organization. */
export type ExportProgress =
  /** The workspaces and the directory are listed: `workspaces` are to be read, of an organization of `people`. */
  | { kind: "listed"; workspaces: number; people: number }
  /** One more workspace read: `done` of `total`, with its `members`; `memberships` counts them all so far. */
  | { kind: "workspace"; slug: string; done: number; total: number; members: number; memberships: number };

/** What to read, and how. */
export interface ReadOptions {
  /** Slugs or UUIDs of the workspaces to export; default: every one but the default workspace. */
  workspaces?: readonly string[];
  /** Requests in flight at most (the settings' `concurrency`). */
  concurrency: number;
  onProgress?: (progress: ExportProgress) => void;
}

/**
 * Reads the organization, never more than `concurrency` requests at once: the workspace
 * listing and the directory side by side, then each workspace's members and budgets,
 * `concurrency` workspaces at a time and one request at a time within each. A workspace
 * named in `workspaces` that does not exist, or the default workspace, is an
 * `OpenRouterArgumentError` before any workspace is read.
 */
export async function readOrganization(client: OpenRouterClient, options: ReadOptions): Promise<OrganizationListing> {
  const { concurrency, onProgress } = options;
  // Side by side within the bound: the workspaces a page at a time, the directory with the rest.
  const [all, directory] =
    concurrency > 1
      ? await Promise.all([client.listWorkspaces(), client.listOrganizationMembers({ concurrency: concurrency - 1 })])
      : [await client.listWorkspaces(), await client.listOrganizationMembers()];
  const defaultWorkspace = all.find((workspace) => workspace.slug === DEFAULT_WORKSPACE_SLUG);
  const chosen = chooseWorkspaces(all, options.workspaces);
  onProgress?.({ kind: "listed", workspaces: chosen.length, people: directory.length });

  let done = 0;
  let memberships = 0;
  const outcome = await runBounded(chosen, concurrency, async (workspace): Promise<WorkspaceListing> => {
    const members = await client.listMembers(workspace.id);
    const budgets = await client.listBudgets(workspace.id);
    done++;
    memberships += members.length;
    onProgress?.({ kind: "workspace", slug: workspace.slug, done, total: chosen.length, members: members.length, memberships });
    return { workspace, members, budgets };
  });
  if (outcome.errors.length > 0) throw outcome.errors[0];
  return {
    ...(defaultWorkspace === undefined ? {} : { defaultWorkspace }),
    directory,
    workspaces: outcome.results as WorkspaceListing[],
  };
}

/** The workspaces `wanted` names (each once, in the service's order), or all but the default one. */
function chooseWorkspaces(all: readonly Workspace[], wanted: readonly string[] | undefined): Workspace[] {
  const exportable = all.filter((workspace) => workspace.slug !== DEFAULT_WORKSPACE_SLUG);
  if (wanted === undefined) return exportable;
  const chosen = new Set<Workspace>();
  for (const name of wanted) {
    const found = all.find((workspace) => workspace.slug === name || (isUuid(name) && workspace.id.toLowerCase() === name.toLowerCase()));
    if (found === undefined) {
      const near = closestName(name, exportable.map((workspace) => workspace.slug));
      const hint = near === undefined ? "" : ` (did you mean ${quote(near)}?)`;
      throw new OpenRouterArgumentError(`workspace ${quote(name)}: the organization has no such workspace${hint}`);
    }
    if (found.slug === DEFAULT_WORKSPACE_SLUG) {
      throw new OpenRouterArgumentError(
        `workspace ${quote(name)} is the default workspace: every member of the organization is in it, so a members file has nothing to declare there`,
      );
    }
    chosen.add(found);
  }
  return exportable.filter((workspace) => chosen.has(workspace));
}
