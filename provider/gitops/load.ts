/**
 * Loading a members file: from a path, from YAML text, from plain data, or from what a
 * stack's config names. Every problem is a `MembersFileError` naming the file, the line and
 * the entry.
 */
import { MembersFileError } from "../core/errors";
import { checkSize, parseYaml } from "./parse";
import { validate, type MembersFile } from "./validate";

/** Where {@link loadMembersFromConfig} looks when `membersFile` is not set. */
const DEFAULT_MEMBERS_FILE = "members.yaml";

/** Reads and validates the members file at `path`; errors name `path` as given. */
export function loadMembersFile(path: string): MembersFile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- node builtin, loaded when used
  const { readFileSync, statSync } = require("node:fs") as typeof import("node:fs");
  let text: string;
  try {
    // A file too large is refused before a byte of it is read.
    const stats = statSync(path);
    if (stats.isFile()) checkSize(stats.size, path);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof MembersFileError) throw error;
    const code = (error as { code?: unknown }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(code ?? error);
    throw new MembersFileError(path, [{ path: "", message: `cannot read the members file: ${why}` }]);
  }
  return parseMembersFile(text, path);
}

/** Parses and validates the YAML text of a members file; `fileName` names it in errors. */
export function parseMembersFile(text: string, fileName: string): MembersFile {
  const { value, lineOf } = parseYaml(text, fileName);
  return validate(value, fileName, lineOf);
}

/**
 * Validates members given as plain data (the root stack's `workspaces` stack config, read
 * with `config.requireObject`) by the same rules as a file; `source` names it in errors.
 */
export function validateMembers(value: unknown, source: string): MembersFile {
  return validate(value, source, () => undefined);
}

/** The part of `pulumi.Config` that {@link loadMembersFromConfig} reads. */
export interface MembersConfig {
  /** The config namespace (the project's name for `new pulumi.Config()`), for errors. */
  readonly name: string;
  get(key: string): string | undefined;
  getObject<T>(key: string): T | undefined;
}

/**
 * The members a stack declares in its config: inline under `workspaces` (an object, set
 * with `pulumi config set --path`), or in the YAML file named by `membersFile`, default
 * `members.yaml` in the working directory (the project's directory under the Pulumi CLI).
 */
export function loadMembersFromConfig(config: MembersConfig): MembersFile {
  const inline = config.getObject<unknown>("workspaces");
  const membersFile = config.get("membersFile");
  if (inline !== undefined && membersFile !== undefined) {
    throw new MembersFileError(`stack config ${config.name}`, [
      { path: "", message: '"workspaces" and "membersFile" are both set; keep one' },
    ]);
  }
  if (inline !== undefined) {
    return validateMembers({ workspaces: inline }, `stack config ${config.name}`);
  }
  if (membersFile === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node builtin, loaded when used
    const { existsSync } = require("node:fs") as typeof import("node:fs");
    if (!existsSync(DEFAULT_MEMBERS_FILE)) {
      throw new MembersFileError(DEFAULT_MEMBERS_FILE, [
        {
          path: "",
          message:
            `no such file in ${process.cwd()}; set "${config.name}:membersFile" to the members file's path, ` +
            `or declare the members inline in "${config.name}:workspaces"`,
        },
      ]);
    }
  }
  return loadMembersFile(membersFile ?? DEFAULT_MEMBERS_FILE);
}
