/**
 * What every resource's `check` shares: Pulumi's check shapes (imported as types, never
 * re-declared), and the first pass over the inputs' keys. Pure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { unknownName } from "./messages";

/**
 * One check failure: Pulumi's `{ property, reason }`, which is all the engine shows, plus
 * the failure as data for callers that place it themselves (the GitOps file names the line
 * of `disabledServerTools[1]`): `at`, the indices inside the property, and `problem`, the
 * reason without the property's name in front.
 */
export interface CheckFailure extends pulumi.dynamic.CheckFailure {
  at?: (string | number)[];
  problem?: string;
}

/** The answer of a `check`: the checked inputs and every failure. */
export interface CheckedInputs {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

/**
 * The first pass of a check over the given keys: the runtime's own keys (`__provider`, any
 * `__` key) pass through untouched into `inputs`, and every other key outside `known` is a
 * failure that names it and suggests the input it most likely misspells.
 */
export function checkKeys(given: Record<string, unknown>, known: readonly string[]): CheckedInputs {
  const inputs: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(given)) {
    // "__proto__" would set the result's prototype instead of a key; nobody means it as an input.
    if (key.startsWith("__") && key !== "__proto__") inputs[key] = given[key];
    else if (!known.includes(key)) failures.push({ property: key, reason: unknownName("input", key, known) });
  }
  return { inputs, failures };
}
