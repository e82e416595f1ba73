/**
 * The `Workspace` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * Loaded only at call time, inside the plugin (see load-implementation.ts), so it may hold
 * zod schemas, an undici pool and the stack config. It is glue: the rules live in
 * inputs.ts, the HTTP in api/client.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { connect, keepStackConfig } from "../api/connection";
import type { Workspace } from "../api/types";
import { ChangeFailedError, OpenRouterNotFoundError, isOpenRouterError, type OpenRouterError } from "../core/errors";
import { quote } from "../core/messages";
import {
  checkWorkspaceInputs,
  diffWorkspace,
  managedFieldsOf,
  managedFieldsOfState,
  planPatch,
  toCreateFields,
  toRefreshedInputs,
  toWorkspaceState,
  type WorkspaceState,
} from "./inputs";

export type { WorkspaceState } from "./inputs";

/** Keeps the stack config for the calls that follow (see connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

/** Validates the inputs; no HTTP. */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkWorkspaceInputs(news);
}

/** Compares the set inputs with the state; no HTTP. Nothing replaces a workspace. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffWorkspace(olds, news);
}

/**
 * `POST /workspaces` with the set inputs; the id is the new workspace's UUID.
 *
 * A create is the one call that cannot simply be sent again: after a lost answer the retry
 * is refused ("slug taken") by the very workspace the first attempt made, which would then
 * exist outside any state, and every later run would be refused the same way. So the slug
 * is looked up first (one GET): when it is free and the POST fails in a way that may have
 * gone through, a workspace found under the slug afterwards is the one this call made, and
 * it is recorded as created.
 */
export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const { client } = connect();
  const fields = toCreateFields(inputs);
  const existing = await findWorkspace(client, fields.slug);
  if (existing !== undefined) {
    const reason = `A workspace with slug ${quote(fields.slug)} already exists (id ${existing.id})`;
    throw new ChangeFailedError(
      `${reason}; nothing was changed. Choose another slug, or manage that workspace's members with WorkspaceMembers.`,
      [reason],
    );
  }
  let workspace: Workspace;
  try {
    workspace = await client.createWorkspace(fields);
  } catch (error) {
    if (!(isOpenRouterError(error) && error.mayHaveApplied === true)) throw error;
    workspace = await settleLostCreate(client, fields.slug, error);
  }
  return { id: workspace.id, outs: toWorkspaceState(workspace, managedFieldsOf(inputs)) };
}

/** After a create that may have gone through: the workspace the (free before) slug names now is the one it made. */
async function settleLostCreate(client: OpenRouterClient, slug: string, createError: OpenRouterError): Promise<Workspace> {
  let made: Workspace | undefined;
  try {
    made = await findWorkspace(client, slug);
  } catch (lookupError) {
    const lookup = lookupError instanceof Error ? lookupError.message : String(lookupError);
    throw new ChangeFailedError(
      `${createError.message}. The workspace may have been created all the same, and looking it up failed too ` +
        `(${lookup}): if a workspace with slug ${quote(slug)} exists now, this run made it; delete it, then run again.`,
      [createError.message, lookup],
    );
  }
  if (made === undefined) throw createError;
  return made;
}

/** The workspace a UUID or slug names, or `undefined` when there is none. */
async function findWorkspace(client: OpenRouterClient, idOrSlug: string): Promise<Workspace | undefined> {
  try {
    return await client.getWorkspace(idOrSlug);
  } catch (error) {
    if (error instanceof OpenRouterNotFoundError) return undefined;
    throw error;
  }
}

/**
 * `PATCH /workspaces/{id}` with only the inputs that changed (a new slug or name included).
 * When nothing the service holds changes (an input the program stopped setting), no
 * request is sent and only `managedFields` moves.
 */
export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const managed = managedFieldsOf(news);
  const patch = planPatch(olds, news);
  if (Object.keys(patch).length === 0) {
    return { outs: { ...stateFields(olds), managedFields: managed } };
  }
  const workspace = await connect().client.updateWorkspace(id, patch);
  return { outs: toWorkspaceState(workspace, managed) };
}

/**
 * `GET /workspaces/{id}`: the outputs are what the service holds now, and the returned
 * inputs carry the managed inputs' current values so that drift shows in the next preview.
 * A workspace that is gone returns an empty id (the resource leaves the state).
 */
export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const workspace = await findWorkspace(connect().client, id);
  if (workspace === undefined) return { id: "" };
  const managed = managedFieldsOfState(props ?? {});
  return { id: workspace.id, props: toWorkspaceState(workspace, managed), inputs: toRefreshedInputs(workspace, managed) };
}

/** `DELETE /workspaces/{id}`; a workspace already gone counts as deleted. */
export async function remove(id: string, _props: Record<string, unknown>): Promise<void> {
  try {
    await connect().client.deleteWorkspace(id);
  } catch (error) {
    if (error instanceof OpenRouterNotFoundError) return;
    throw error;
  }
}

/** The state's own fields, without the runtime's `__provider` (the plugin adds it back). */
function stateFields(olds: Record<string, unknown>): Omit<WorkspaceState, "managedFields"> {
  const fields = Object.fromEntries(Object.entries(olds).filter(([key]) => !key.startsWith("__")));
  return fields as Omit<WorkspaceState, "managedFields">;
}
