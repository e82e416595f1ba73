/**
 * Issue #8, "Preview that names each user": the engine renders `pulumi preview --diff` by
 * diffing stored checked inputs against new ones, arrays by position and maps by key. These
 * tests compute that display diff for the checked inputs `check` really returns, and for
 * the array form it would otherwise return, to show what a reviewer would read.
 */
import { checkInputs } from "../../provider/members/inputs";
import { propertyDiff } from "../support/property-diff";

const padded = (n: number): string => `user_${String(n).padStart(4, "0")}`;
const THOUSAND = Array.from({ length: 1000 }, (_, i) => padded(i));
const WITH_ONE_SWAPPED = [...THOUSAND.filter((id) => id !== "user_0500"), "user_0250x"];

/** What `check` stores for a program that lists `userIds` (and optionally protected users). */
function checked(userIds: string[], protectedUserIds?: string[]): Record<string, unknown> {
  const result = checkInputs({}, { workspaceId: "ml-research", userIds, protectedUserIds, __provider: "serialized-v1" });
  expect(result.failures).toEqual([]);
  return result.inputs;
}

/** The same inputs with the sets as sorted arrays: what check would store without the map form. */
function arrayForm(inputs: Record<string, unknown>): Record<string, unknown> {
  const asArray = (set: unknown): unknown => (set === undefined ? undefined : Object.keys(set as object).sort());
  return { ...inputs, userIds: asArray(inputs.userIds), protectedUserIds: asArray(inputs.protectedUserIds) };
}

describe("the display diff model (test/support/property-diff.ts)", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, ReturnType<typeof propertyDiff>]>([
    ["equal", { a: [1, 2], b: { x: true } }, { a: [1, 2], b: { x: true } }, []],
    ["array grows at the end", { a: [1] }, { a: [1, 2] }, [{ path: "a[1]", kind: "add" }]],
    ["array shrinks at the end", { a: [1, 2] }, { a: [1] }, [{ path: "a[1]", kind: "delete" }]],
    [
      "array insert at the front shifts every position",
      { a: [1, 2] },
      { a: [0, 1, 2] },
      [{ path: "a[0]", kind: "update" }, { path: "a[1]", kind: "update" }, { path: "a[2]", kind: "add" }],
    ],
    [
      "map by key",
      { m: { x: true, y: true } },
      { m: { y: true, z: true } },
      [{ path: "m.x", kind: "delete" }, { path: "m.z", kind: "add" }],
    ],
    ["type change is one update", { a: [1] }, { a: { 1: true } }, [{ path: "a", kind: "update" }]],
    ["top-level property added", {}, { a: 1 }, [{ path: "a", kind: "add" }]],
    ["internal keys hidden", { __provider: "v1" }, { __provider: "v2" }, []],
  ])("%s", (_name, olds, news, expected) => {
    expect(propertyDiff(olds, news)).toEqual(expected);
  });
});

describe("preview of a 1,000-member set (issue #8)", () => {
  it("map-form checked inputs show exactly one + and one -, naming the two users", () => {
    expect(propertyDiff(checked(THOUSAND), checked(WITH_ONE_SWAPPED))).toEqual([
      { path: "userIds.user_0250x", kind: "add" },
      { path: "userIds.user_0500", kind: "delete" },
    ]);
  });

  it("the array form would show hundreds of positional updates and name neither user", () => {
    const entries = propertyDiff(arrayForm(checked(THOUSAND)), arrayForm(checked(WITH_ONE_SWAPPED)));
    // Inserting after index 250 and removing index 500 shifts every position in between.
    expect(entries).toHaveLength(250);
    expect(entries.every((entry) => entry.kind === "update")).toBe(true);
    expect(entries[0]?.path).toBe("userIds[251]");
    expect(entries.some((entry) => entry.path.includes("user_0500") || entry.path.includes("user_0250x"))).toBe(false);
  });

  it("reordering the program's list shows nothing in map form, and changes every position as an array", () => {
    const reversed = [...THOUSAND].reverse();
    expect(propertyDiff(checked(THOUSAND), checked(reversed))).toEqual([]);
    const rawArrays = propertyDiff({ userIds: THOUSAND }, { userIds: reversed });
    expect(rawArrays).toHaveLength(1000);
  });

  it("names a newly protected user the same way", () => {
    expect(propertyDiff(checked(THOUSAND, ["admin"]), checked(THOUSAND, ["admin", "break_glass"]))).toEqual([
      { path: "protectedUserIds.break_glass", kind: "add" },
    ]);
  });

  it("a provider upgrade alone shows nothing", () => {
    const before = checked(THOUSAND);
    expect(propertyDiff(before, { ...before, __provider: "serialized-v2" })).toEqual([]);
  });
});
