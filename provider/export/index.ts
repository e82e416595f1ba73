/**
 * Exporting the organization as the starting point of a stack: its workspaces, their
 * members and budgets, as a members file (or a program) that adopts them. For scripts,
 * {@link exportOrganization} reads the data and {@link formatMembersFile} or
 * {@link formatProgram} writes it; the `pulumi-openrouter export` command (cli.ts) is the
 * same with flags. Reading is read.ts, what to declare adoption.ts, the words notes.ts.
 */
import { withNewClient } from "../api/connection";
import { toExportedOrganization, type ExportedOrganization } from "./adoption";
import { readOrganization, type ExportProgress } from "./read";

export { formatMembersFile } from "./yaml";
export { formatProgram } from "./program";
export { countExport, type ExportCounts } from "./notes";
export type { ExportedOrganization, ExportedEntry, ExportedBudgets, LeftOutMember, WorkspaceSettings } from "./adoption";
export type { ExportProgress } from "./read";

/** What {@link exportOrganization} reads, and from where. */
export interface ExportOptions {
  /** API root; default `OPENROUTER_BASE_URL`, then OpenRouter's. */
  baseUrl?: string;
  /** Management key; default `OPENROUTER_MANAGEMENT_KEY`, then `OPENROUTER_API_KEY`. */
  managementKey?: string;
  /** Slugs or UUIDs of the workspaces to export; default: every one but the default workspace. */
  workspaces?: readonly string[];
  /** Name everyone by user id, even people the organization's directory gives an email. */
  byUserIds?: boolean;
  /** Called as the reading goes: the workspaces and people listed, then each workspace read. */
  onProgress?: (progress: ExportProgress) => void;
}

/**
 * Reads the organization (every page of every listing; the other settings, such as
 * `OPENROUTER_CONCURRENCY`, from the environment as for the resources) and returns what a
 * file adopting it declares: one entry per workspace but the default one, sorted by slug.
 * A failure is the client's `OpenRouterError`; a workspace in `workspaces` that does not
 * exist, or the default workspace, an `OpenRouterArgumentError`. Nothing is changed.
 */
export async function exportOrganization(options: ExportOptions = {}): Promise<ExportedOrganization> {
  const { baseUrl, managementKey, workspaces, onProgress } = options;
  return withNewClient({ baseUrl, managementKey }, () => undefined, async ({ client, settings }) => {
    const listing = await readOrganization(client, {
      concurrency: settings.concurrency,
      ...(workspaces === undefined ? {} : { workspaces }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return toExportedOrganization(listing, { byUserIds: options.byUserIds ?? false, exportedAt: new Date(), baseUrl: settings.baseUrl });
  });
}
