/**
 * The rules for ids and names that every check shares: the resources' `check` and the
 * GitOps file's validation (which must refuse what the resources would). Pure and free of
 * zod, so the YAML validation can use it without loading zod.
 */

import { INVISIBLE_PATTERN, quote } from "./messages";

/** Longest user id or workspace id accepted. */
export const MAX_ID_LENGTH = 256;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The service's slug rule: lowercase letters and digits in segments joined by single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** True when `value` has the shape of a UUID (any letter case). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Ids made only of these characters, starting with a letter or digit and at most
 * MAX_ID_LENGTH long, break none of the rules below: one regex test accepts the common
 * case, which matters when a check reads 10,000 ids.
 */
const PLAIN_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+:-]{0,255}$/;

/** Why `value` cannot be a user id, or `undefined` when it can. */
export function userIdProblem(value: string): string | undefined {
  if (PLAIN_USER_ID.test(value)) return undefined;
  return setKeyProblem(value);
}

/**
 * What no entry of a set may be, whatever it names: each entry becomes a key of the keyed
 * map `check` returns, and a reviewer must be able to read it.
 */
function setKeyProblem(value: string): string | undefined {
  if (value.trim() === "") return `is blank: ${quote(value)}`;
  if (value.length > MAX_ID_LENGTH) return `is ${value.length} characters long, more than ${MAX_ID_LENGTH}: ${quote(value)}`;
  if (INVISIBLE_PATTERN.test(value)) return `contains control or invisible characters: ${quote(value)}`;
  if (value.trim() !== value) return `has leading or trailing whitespace: ${quote(value)}`;
  // The engine hides keys starting with "__" in previews, and "__proto__" would vanish as a map key.
  if (value.startsWith("__")) return `starts with "__", which is reserved: ${quote(value)}`;
  return undefined;
}

/**
 * Emails made only of these characters, starting with a letter or digit, one `@` with
 * something on each side, at most MAX_ID_LENGTH long, break none of the rules below: one
 * regex test accepts the common case.
 */
const PLAIN_EMAIL = /^(?=.{3,256}$)[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9._-]+$/;

/**
 * Why `value` cannot be an email naming an organization member, or `undefined` when it can.
 * Only the shape is checked (an `@` between two non-empty parts); whether someone has it is
 * the organization's directory's to say.
 */
export function emailProblem(value: string): string | undefined {
  if (PLAIN_EMAIL.test(value)) return undefined;
  const problem = setKeyProblem(value);
  if (problem !== undefined) return problem;
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return `is not an email (no "@" between a name and a domain): ${quote(value)}`;
  if (/\s/.test(value)) return `contains whitespace: ${quote(value)}`;
  return undefined;
}

/** An email as the package compares and stores it: lower-cased (directories treat case as noise). */
export function normalizeEmail(value: string): string {
  return value.toLowerCase();
}

/** Why `value` cannot name a workspace, or `undefined` when it can. */
export function workspaceIdProblem(value: string): string | undefined {
  if (value === "") return "must not be empty: give the workspace's UUID or slug";
  if (value.length > MAX_ID_LENGTH) return `is ${value.length} characters long, more than ${MAX_ID_LENGTH}: ${quote(value)}`;
  if (INVISIBLE_PATTERN.test(value)) return `contains control or invisible characters: ${quote(value)}`;
  if (value.trim() !== value) return `has leading or trailing whitespace: ${quote(value)}`;
  if (isUuid(value) || SLUG_PATTERN.test(value)) return undefined;
  return (
    `${quote(value)} is neither a workspace UUID nor a slug ` +
    "(lowercase letters and digits in segments joined by single hyphens, e.g. \"ml-research\")"
  );
}

/** Why `value` cannot name a guardrail (its UUID), or `undefined` when it can. */
export function guardrailIdProblem(value: string): string | undefined {
  if (value === "") return "must not be empty: give the guardrail's UUID";
  if (isUuid(value)) return undefined;
  const shown = value.length > MAX_ID_LENGTH ? `${quote(value.slice(0, MAX_ID_LENGTH))}...` : quote(value);
  return `${shown} is not a guardrail UUID (such as "0b7f4c1e-2d3a-4f5b-8c6d-7e8f9a0b1c2d")`;
}
