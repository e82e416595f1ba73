/**
 * Lookup functions: read workspaces and their members without managing them (no state).
 * For programs (`getWorkspaceOutput(...)` beside the resources) and for scripts such as
 * GitOps reports (the plain promises).
 *
 * They run in the program's own process, where stack config is readable directly, and load
 * the client (zod, undici) only when first called, so importing the package stays light.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Client from "../api/client";
import type * as Connection from "../api/connection";
import type * as SettingsModule from "../api/settings";
import type { Membership, Workspace } from "../api/types";

/** Where a lookup connects; anything left out is resolved like the resources' settings. */
export interface LookupOptions {
  /** API root; default: `openrouter:baseUrl`, then `OPENROUTER_BASE_URL`, then OpenRouter's. */
  baseUrl?: string;
  /** Management key; default: `openrouter:managementKey`, then `OPENROUTER_MANAGEMENT_KEY`, then `OPENROUTER_API_KEY`. */
  managementKey?: string;
}

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

async function withClient<T>(
  options: LookupOptions,
  use: (connection: { client: Client.OpenRouterClient; concurrency: number }) => Promise<T>,
): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see the module comment
  const { resolveSettings, CONFIG_NAMES } = require("../api/settings") as typeof SettingsModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { newClient } = require("../api/connection") as typeof Connection;
  const config = await readStackConfig(CONFIG_NAMES);
  const settings = resolveSettings((key) => config.get(key), process.env, options);
  const client = newClient(settings);
  try {
    return await use({ client, concurrency: settings.concurrency });
  } finally {
    await client.close();
  }
}

/** The `openrouter:` stack config of the running program (empty outside one). */
async function readStackConfig(names: readonly string[]): Promise<Map<string, string>> {
  const config = new pulumi.Config("openrouter");
  const values = new Map<string, string>();
  for (const name of names) {
    const value = name === "managementKey" ? await reveal(config.getSecret(name)) : config.get(name);
    if (value !== undefined) values.set(`openrouter:${name}`, value);
  }
  return values;
}

/** The plain value of a config secret (always known: config is never a preview unknown). */
function reveal(secret: pulumi.Output<string> | undefined): Promise<string | undefined> {
  if (secret === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    secret.apply((value) => {
      resolve(value);
      return value;
    });
  });
}
