/**
 * A members file is safe to load from a pull request (issue 16, item 7): what a hostile or
 * mistaken file can cost is bounded (size, nesting, aliases, repeated keys, the length of
 * the error), and each limit is explained in the file's terms, never the YAML library's.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MembersFileError } from "../../provider/core/errors";
import { loadMembersFile, parseMembersFile } from "../../provider/gitops/load";
import { MEMBERS_FILE_LIMITS } from "../../provider/gitops/parse";

/** The error `parse` throws, or fails the test when it does not throw. */
function errorOf(parse: () => unknown): MembersFileError {
  try {
    parse();
  } catch (error) {
    if (error instanceof MembersFileError) return error;
    throw error;
  }
  throw new Error("expected a MembersFileError, but the members parsed");
}

/** Words of the YAML library that must never reach a user. */
const LIBRARY_WORDS = /call stack|resource exhaustion|parseAllDocuments|Map keys must be unique|ReferenceError|RangeError/i;

describe("a hostile or mistaken members file", () => {
  it("larger than 1 MiB is refused before it is parsed, by its size", () => {
    const text = `workspaces:\n  platform:\n    users:\n${"      - user_aaaaaaaaaaaaaaaaaaaa\n".repeat(40_000)}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(MEMBERS_FILE_LIMITS.bytes);
    const error = errorOf(() => parseMembersFile(text, "members.yaml"));
    expect(error.message).toMatch(/^members\.yaml: is 1\.\d MiB, more than a members file may be \(1 MiB, about 40,000 user ids\)/);

    const dir = mkdtempSync(join(tmpdir(), "hostile-file-"));
    writeFileSync(join(dir, "members.yaml"), text);
    expect(errorOf(() => loadMembersFile(join(dir, "members.yaml"))).message).toContain("more than a members file may be");
  });

  it.each([
    ["flow lists", `workspaces: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`],
    ["flow mappings", `workspaces: ${"{a: ".repeat(5_000)}b${"}".repeat(5_000)}\n`],
    ["block lists on one line", `workspaces:\n  platform:\n    users:\n      ${"- ".repeat(5_000)}user_a\n`],
  ])("nested thousands deep (%s) is refused at the line where it gets too deep", (_name, text) => {
    const error = errorOf(() => parseMembersFile(text, "members.yaml"));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(/^members\.yaml:\d+: lists and mappings nest more than 20 deep here; a members file needs 5 at most/);
    expect(error.message).not.toMatch(LIBRARY_WORDS);
  });

  it("whose aliases expand a billionfold is refused in the file's terms", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 9; i++) lines.push(`b${i}: &b${i} [${Array(9).fill(i === 1 ? "*a" : `*b${i - 1}`).join(", ")}]`);
    lines.push("workspaces:", "  platform:", "    users: *b9");
    const error = errorOf(() => parseMembersFile(`${lines.join("\n")}\n`, "members.yaml"));
    expect(error.message).toBe(
      "members.yaml: its aliases (*name) copy more than a members file holds: write the lists out, or let fewer entries share one anchor (&name)",
    );
  });

  it("still may share a list through an anchor", () => {
    const text = "workspaces:\n  a:\n    users: &core [user_a, user_b]\n  b:\n    users: *core\n";
    expect(parseMembersFile(text, "members.yaml").workspaces.map((entry) => entry.userIds)).toEqual([
      ["user_a", "user_b"],
      ["user_a", "user_b"],
    ]);
  });

  it("with a workspace declared twice among 20,000 names that key and both lines (one pass, not every pair)", () => {
    const lines = ["workspaces:"];
    for (let i = 0; i < 20_000; i++) lines.push(`  team-${i}: { users: [] }`);
    lines.push("  team-7: { users: [user_a] }");
    const error = errorOf(() => parseMembersFile(`${lines.join("\n")}\n`, "members.yaml"));
    expect(error.message).toBe(
      "members.yaml:20002: workspaces.team-7: this workspace is declared twice (first at line 9): keep one entry with all its users",
    );
  });

  it("with a key given twice inside an entry names the key and both lines", () => {
    const text = "workspaces:\n  platform:\n    users: [user_a]\n    maxRemovals: 1\n    users: [user_b]\n";
    expect(errorOf(() => parseMembersFile(text, "members.yaml")).message).toBe(
      "members.yaml:5: workspaces.platform.users: this key is given twice (first at line 3): keep one",
    );
  });

  it("of two YAML documents says where the second starts and what to do", () => {
    const text = "workspaces:\n  platform:\n    users: [user_a]\n---\nworkspaces:\n  research:\n    users: [user_b]\n";
    const error = errorOf(() => parseMembersFile(text, "members.yaml"));
    expect(error.message).toBe(
      'members.yaml:4: this "---" line starts a second YAML document (the file holds 2): a members file is one document, ' +
        'so remove the line and keep every workspace under the one "workspaces:" key',
    );
    // One document after a leading "---" is an ordinary file.
    expect(parseMembersFile(`---\n${text.split("---\n")[0]}`, "members.yaml").workspaces).toHaveLength(1);
  });

  it("with thousands of problems lists the first 20 and counts the rest", () => {
    const users = Array.from({ length: 5_000 }, (_, i) => `      - ${i}`);
    const error = errorOf(() => parseMembersFile(`workspaces:\n  platform:\n    users:\n${users.join("\n")}\n`, "members.yaml"));
    expect(error.problems).toHaveLength(20);
    expect(error.omitted).toBe(4_980);
    const lines = error.message.split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe("members.yaml:4: workspaces.platform.users[0]: must be a user id or an email (a string), got 0");
    expect(lines[20]).toBe("members.yaml: and 4980 more problems");
  });

  it("with a key a megabyte long shows at most 80 characters of it", () => {
    const key = "k".repeat(1_000_000 - 100);
    const error = errorOf(() => parseMembersFile(`workspaces:\n  ? "${key}"\n  : { users: [] }\n`, "members.yaml"));
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).toContain("(999900 characters)");
  });
});
