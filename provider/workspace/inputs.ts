/**
 * The rules of the `Workspace` resource with no I/O: `check` (zod validation naming the
 * property and value), the engine-facing diff, the PATCH body of an update, and the state
 * and refreshed inputs built from a workspace the service returned.
 *
 * Which inputs the program set is kept in state as `managedFields`: the diff compares only
 * those, and a refresh hands back only those as inputs, so an input left unset never fights
 * the service's default (no perpetual diff). Loaded only at call time inside the plugin, so
 * the zod schemas at module scope never reach the serialized provider.
 */
import { z } from "zod";
import type { Workspace, WorkspaceFields } from "../api/types";
import { checkKeys, type CheckedInputs } from "../core/check";
import { SLUG_PATTERN } from "../core/ids";
import { managedFieldsOf as managedAmong, managedFieldsOfState as managedInState, sameFields } from "../core/managed-fields";
import { INVISIBLE_PATTERN, describe } from "../core/messages";
import { isUnknown } from "../core/unknowns";

/** Every input of a `Workspace`: the fields the service creates a workspace from. */
export const WORKSPACE_INPUTS = [
  "name",
  "slug",
  "description",
  "defaultTextModel",
  "defaultImageModel",
  "defaultProviderSort",
  "ioLoggingSamplingRate",
  "ioLoggingApiKeyIds",
  "isDataDiscountLoggingEnabled",
  "isObservabilityBroadcastEnabled",
  "isObservabilityIoLoggingEnabled",
  "disabledServerTools",
] as const satisfies readonly (keyof WorkspaceFields)[];

/** One input of a `Workspace`. */
export type WorkspaceInput = (typeof WORKSPACE_INPUTS)[number];

// Fails to compile when WorkspaceFields gains a field this list does not have.
type MissingInputs = Exclude<keyof WorkspaceFields, WorkspaceInput>;
const allInputsListed: [MissingInputs] extends [never] ? true : MissingInputs = true;
void allInputsListed;

/** Smallest and largest `ioLoggingSamplingRate` accepted. */
export const SAMPLING_RATE_RANGE = [0.0001, 1] as const;

/** The outputs of a `Workspace`, as stored in state: the service's workspace (without `id`, the resource id) and the managed inputs. */
export type WorkspaceState = Omit<Workspace, "id"> & { managedFields: WorkspaceInput[] };

const visibleText = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .refine((s) => s.trim() !== "", { error: "must not be blank" })
    .refine((s) => !INVISIBLE_PATTERN.test(s), { error: "must not contain control or invisible characters" });

const uniqueEntries = <T>(list: readonly T[]) => new Set(list).size === list.length;

const SCHEMAS: { readonly [Key in WorkspaceInput]: z.ZodType } = {
  name: visibleText("a string"),
  slug: z
    .string({ error: "must be a string" })
    .regex(SLUG_PATTERN, { error: "must be lowercase letters and digits in segments joined by single hyphens, e.g. \"ml-platform\"" }),
  description: z.string({ error: "must be a string or null" }).nullable(),
  defaultTextModel: visibleText("a model id such as \"openai/gpt-4o\", or null").nullable(),
  defaultImageModel: visibleText("a model id, or null").nullable(),
  defaultProviderSort: visibleText("a provider sort such as \"price\", or null").nullable(),
  ioLoggingSamplingRate: z
    .number({ error: "must be a number" })
    .min(SAMPLING_RATE_RANGE[0], { error: `must be from ${SAMPLING_RATE_RANGE[0]} to ${SAMPLING_RATE_RANGE[1]}` })
    .max(SAMPLING_RATE_RANGE[1], { error: `must be from ${SAMPLING_RATE_RANGE[0]} to ${SAMPLING_RATE_RANGE[1]}` }),
  ioLoggingApiKeyIds: z
    .array(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), { error: "must be a list of API key ids (whole numbers), or null" })
    .refine(uniqueEntries, { error: "must not list an API key id twice" })
    .nullable(),
  isDataDiscountLoggingEnabled: z.boolean({ error: "must be true or false" }),
  isObservabilityBroadcastEnabled: z.boolean({ error: "must be true or false" }),
  isObservabilityIoLoggingEnabled: z.boolean({ error: "must be true or false" }),
  disabledServerTools: z
    .array(visibleText("a tool name"), { error: "must be a list of server tool names, or null" })
    .refine(uniqueEntries, { error: "must not list a tool twice" })
    .nullable(),
};

const REQUIRED: readonly WorkspaceInput[] = ["name", "slug"];

/**
 * Validates `news` (the program's inputs as the plugin decoded them) and returns the checked
 * inputs: the inputs that were set, as given. Keys starting with `__` (the runtime's own,
 * such as `__provider`) pass through; any other unknown key is a failure naming it. Preview
 * unknowns pass unchecked and never fail. Never throws.
 */
export function checkWorkspaceInputs(news: unknown): CheckedInputs {
  if (news === null || typeof news !== "object" || Array.isArray(news)) {
    return { inputs: {}, failures: [{ property: "", reason: `the inputs must be an object, got ${describe(news)}` }] };
  }
  const given = news as Record<string, unknown>;
  const { inputs, failures } = checkKeys(given, WORKSPACE_INPUTS);
  for (const key of WORKSPACE_INPUTS) {
    const value = given[key];
    // `undefined` never survives the plugin's Struct; a `null` does, and for a field that
    // cannot be null it means "not set" (a program passing `config.get(...)` through).
    if (value === undefined || (value === null && !acceptsNull(key))) {
      if (REQUIRED.includes(key)) failures.push({ property: key, reason: `${key} is required`, at: [], problem: "is required" });
      continue;
    }
    inputs[key] = value;
    if (isUnknown(value)) continue;
    const result = SCHEMAS[key].safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = (issue?.path ?? []).map((step) => (typeof step === "number" ? step : String(step)));
      const where = `${key}${at.map((step) => `[${step}]`).join("")}`;
      const problem = `${issue?.message ?? "is invalid"}, got ${describe(at.length > 0 ? valueAt(value, at) : value)}`;
      failures.push({ property: key, reason: `${where} ${problem}`, at, problem });
    }
  }
  return { inputs, failures };
}

/** The inputs the program set, from checked inputs (their keys). */
export function managedFieldsOf(inputs: Record<string, unknown>): WorkspaceInput[] {
  return managedAmong(inputs, WORKSPACE_INPUTS);
}

/**
 * The inputs recorded in state as set by the program. State without the record (a resource
 * adopted with `opts.id`, whose state starts empty) manages the two required inputs only.
 */
export function managedFieldsOfState(state: Record<string, unknown>): WorkspaceInput[] {
  return managedInState(state, WORKSPACE_INPUTS, REQUIRED);
}

/** The engine-facing diff result (the shape of `pulumi.dynamic.DiffResult`). */
export interface WorkspaceDiff {
  /** `true` some change, `false` none, `undefined` not knowable before apply (preview unknowns). */
  changes: boolean | undefined;
  /** Always empty: every input, `slug` and `name` included, is changed in place. */
  replaces: string[];
  /** Outputs an update never changes, so a preview keeps them known. */
  stables: string[];
}

/** Outputs no update changes. */
const STABLE_OUTPUTS = ["createdAt", "createdBy"];

/**
 * The diff the engine asks for, from the old *outputs* in state and the new *checked*
 * inputs, with no API call. Compares only the inputs the program sets now; an input it
 * stops setting is an update too (the resource stops managing it and leaves its value
 * alone), so the state's `managedFields` stays true. Lists compare as sets. Never throws.
 */
export function diffWorkspace(olds: Record<string, unknown>, news: Record<string, unknown>): WorkspaceDiff {
  if (WORKSPACE_INPUTS.some((key) => isUnknown(news[key]))) {
    return { changes: undefined, replaces: [], stables: STABLE_OUTPUTS };
  }
  const wanted = managedFieldsOf(news);
  const managed = managedFieldsOfState(olds);
  const changes = !sameFields(wanted, managed) || Object.keys(planPatch(olds, news)).length > 0;
  return { changes, replaces: [], stables: STABLE_OUTPUTS };
}

/** The PATCH body of an update: only the set inputs whose value differs from the state's. */
export function planPatch(olds: Record<string, unknown>, news: Record<string, unknown>): Partial<WorkspaceFields> {
  const patch: Record<string, unknown> = {};
  for (const key of managedFieldsOf(news)) {
    if (!sameValue(olds[key], news[key])) patch[key] = news[key];
  }
  return patch as Partial<WorkspaceFields>;
}

/** The create body from checked inputs: the set inputs only, so the service applies its defaults to the rest. */
export function toCreateFields(inputs: Record<string, unknown>): WorkspaceFields {
  const fields: Record<string, unknown> = {};
  for (const key of managedFieldsOf(inputs)) fields[key] = inputs[key];
  return fields as unknown as WorkspaceFields;
}

/** The outputs stored for `workspace`: every field the service returned except `id`, plus `managedFields`. */
export function toWorkspaceState(workspace: Workspace, managedFields: readonly WorkspaceInput[]): WorkspaceState {
  const { id: _id, ...fields } = workspace;
  // The plugin's Struct cannot hold `undefined`: leave absent fields out.
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { ...(defined as Omit<Workspace, "id">), managedFields: [...managedFields] };
}

/** The inputs a refresh hands back: the service's current value of each managed input, so drift shows in the next preview. */
export function toRefreshedInputs(workspace: Workspace, managedFields: readonly WorkspaceInput[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const key of managedFields) inputs[key] = workspace[key] ?? null;
  return inputs;
}

/**
 * Whether two input values mean the same: absent and `null` are equal, and lists compare
 * as sets (the service may return them in its own order).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const left = a ?? null;
  const right = b ?? null;
  if (Array.isArray(left) && Array.isArray(right)) return sameMembers(left, right);
  return left === right;
}

function sameMembers(a: readonly unknown[], b: readonly unknown[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((item) => set.has(item)) && new Set(b).size === set.size;
}

function acceptsNull(key: WorkspaceInput): boolean {
  return SCHEMAS[key].safeParse(null).success;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
