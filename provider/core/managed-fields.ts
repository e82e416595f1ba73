/**
 * "Only the inputs the program sets are managed": the model the `Workspace` and
 * `WorkspaceBudgets` resources share. The names of the inputs a program sets are kept in
 * state as `managedFields`; diff compares only those, and a refresh hands back only those,
 * so an input left unset never fights what the service or the dashboard gives it (no
 * perpetual diff), and dropping an input from the program stops managing it without
 * touching its value. Pure, imports nothing.
 */

/** The state key that lists the inputs the program set. */
export const MANAGED_FIELDS_KEY = "managedFields";

/**
 * The inputs among `fields` the program set, in `fields`' order: those present in the
 * checked inputs. `null` counts as set (it clears or deletes); `undefined` never survives
 * the plugin's protobuf `Struct`, so absent and unset are the same.
 */
export function managedFieldsOf<Field extends string>(inputs: Record<string, unknown>, fields: readonly Field[]): Field[] {
  return fields.filter((field) => inputs[field] !== undefined);
}

/**
 * The inputs a state records as set by the program, in `fields`' order. A state without the
 * record (a resource adopted with `opts.id`, whose state starts empty) manages `fallback`.
 */
export function managedFieldsOfState<Field extends string>(
  state: Record<string, unknown>,
  fields: readonly Field[],
  fallback: readonly Field[],
): Field[] {
  const recorded = state[MANAGED_FIELDS_KEY];
  if (!Array.isArray(recorded)) return [...fallback];
  return fields.filter((field) => recorded.includes(field));
}

/** Whether two lists of field names hold the same names (each list names a field once). */
export function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((field) => b.includes(field));
}
