/** Helpers for tests of members files: YAML text from lines, and the problems a file fails with. */
import { MembersFileError } from "../../provider/core/errors";

/** The lines of a YAML document, each ending in a newline. */
export const yamlLines = (...lines: string[]): string => `${lines.join("\n")}\n`;

/** The lines of the `MembersFileError` that `parse` throws; fails when it parses, or throws anything else. */
export function messageOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof MembersFileError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a MembersFileError, but the members parsed");
}
