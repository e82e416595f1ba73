import { chunk, differences, readIds, toIdMap, toIdSet } from "../../provider/core/sets";
import { UNKNOWN, isUnknown } from "../../provider/core/unknowns";

describe("isUnknown", () => {
  it.each<[string, unknown, boolean]>([
    ["the sentinel itself", UNKNOWN, true],
    ["an array holding it", ["user_a", UNKNOWN], true],
    ["a map holding it as a value", { user_a: UNKNOWN }, true],
    ["deeply nested", { a: [{ b: [UNKNOWN] }] }, true],
    ["a plain string", "user_a", false],
    ["a near miss", `${UNKNOWN} `, false],
    ["a map with the sentinel as a key only", { [UNKNOWN]: true }, false],
    ["null", null, false],
    ["undefined", undefined, false],
    ["a number", 42, false],
  ])("%s", (_name, value, expected) => {
    expect(isUnknown(value)).toBe(expected);
  });

  it("survives cycles and absurd nesting without throwing", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = UNKNOWN;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(isUnknown(cyclic)).toBe(false);
    expect(isUnknown(deep)).toBe(false);
  });
});

describe("toIdSet", () => {
  it.each<[string, unknown, string[]]>([
    ["array form, unsorted with duplicates", ["c", "a", "c", "b"], ["a", "b", "c"]],
    ["map form", { c: true, a: true }, ["a", "c"]],
    ["map entries not true are not members", { a: true, b: false, c: "yes" }, ["a"]],
    ["non-string array entries ignored", ["a", 1, null, "b"], ["a", "b"]],
    ["absent", undefined, []],
    ["null", null, []],
    ["a lone string is not a set", "user_a", []],
    ["empty array", [], []],
    ["empty map", {}, []],
  ])("%s", (_name, value, expected) => {
    expect(toIdSet(value)).toEqual(expected);
  });
});

describe("readIds", () => {
  it.each<[string, unknown, string[], boolean]>([
    ["map form, in its own order", { c: true, a: true }, ["c", "a"], false],
    ["map flags other than true are not members", { a: true, b: false, c: "yes" }, ["a"], false],
    ["a map with an unknown flag", { a: true, b: UNKNOWN }, ["a"], true],
    ["sorted array, as it is", ["a", "b", "c"], ["a", "b", "c"], false],
    ["unsorted array with duplicates, each once", ["c", "a", "c", "b"], ["c", "a", "b"], false],
    ["non-string array entries ignored", ["a", 1, null, "b"], ["a", "b"], false],
    ["an unknown array entry", ["a", UNKNOWN], ["a"], true],
    ["the whole set unknown", UNKNOWN, [], true],
    ["absent", undefined, [], false],
    ["a lone string is not a set", "user_a", [], false],
  ])("%s", (_name, value, ids, unknown) => {
    const set = readIds(value);
    expect(set.ids).toEqual(ids);
    expect(set.unknown).toBe(unknown);
    for (const id of ids) expect(set.has(id)).toBe(true);
    expect(set.has("zzz")).toBe(false);
  });

  it("answers membership of a sorted list (searched, not hashed) exactly as a hash set would", () => {
    // Every length from 0 to 40, probing every member and every gap: before the first,
    // between neighbours, after the last, and a prefix of a member.
    for (let length = 0; length <= 40; length++) {
      const ids = Array.from({ length }, (_, i) => `user_${String(i * 2 + 10).padStart(3, "0")}`);
      const set = readIds(ids);
      const truth = new Set(ids);
      const probes = [...ids, "", "user_", "user_000", "user_999", "zzz", ...ids.map((id) => `${id}a`), ...ids.map((id) => id.slice(0, -1))];
      for (const probe of probes) expect([probe, set.has(probe)]).toEqual([probe, truth.has(probe)]);
    }
  });

  it("answers membership of a keyed map without taking prototype names for ids", () => {
    const set = readIds({ user_a: true });
    expect(set.has("constructor")).toBe(false);
    expect(set.has("toString")).toBe(false);
    expect(set.has("user_a")).toBe(true);
  });
});

describe("differences", () => {
  it("gives what each set lacks of the other, searching a sorted set and hashing any other", () => {
    // A fixed pseudo-random walk over overlapping ranges: every shape of overlap, in both
    // forms of the first set and with the second sorted (searched) or not (hashed).
    let seed = 20261201;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 200; round++) {
      const pick = () => [...new Set(Array.from({ length: next(30) }, () => `user_${String(next(40)).padStart(2, "0")}`))];
      const [a, b] = [pick(), pick()];
      const shuffled = [...b].sort(() => next(3) - 1);
      const expected = { onlyInA: a.filter((id) => !b.includes(id)), onlyInB: b.filter((id) => !a.includes(id)) };
      for (const first of [readIds(a), readIds(toIdMap(a))]) {
        const sortedB = readIds([...b].sort());
        const hashedB = readIds(toIdMapInOrder(shuffled));
        expect([sortedB.sorted, hashedB.sorted]).toEqual([true, false]);
        const searched = differences(first, sortedB);
        expect(searched.onlyInA.sort()).toEqual([...expected.onlyInA].sort());
        expect(searched.onlyInB).toEqual([...expected.onlyInB].sort());
        const hashed = differences(first, hashedB);
        expect(hashed.onlyInA.sort()).toEqual([...expected.onlyInA].sort());
        expect(hashed.onlyInB.sort()).toEqual([...expected.onlyInB].sort());
      }
    }
  });
});

/** The keyed-map form with its keys in the given order (toIdMap sorts them). */
function toIdMapInOrder(ids: string[]): Record<string, true> {
  return Object.fromEntries(ids.map((id) => [id, true]));
}

describe("toIdMap", () => {
  it("keys the ids in sorted order, once each", () => {
    const map = toIdMap(["c", "a", "b", "a"]);
    expect(Object.keys(map)).toEqual(["a", "b", "c"]);
    expect(Object.values(map)).toEqual([true, true, true]);
  });

  it("treats prototype names as ordinary ids", () => {
    const map = toIdMap(["constructor", "toString", "hasOwnProperty"]);
    expect(Object.keys(map)).toEqual(["constructor", "hasOwnProperty", "toString"]);
    expect(map.constructor).toBe(true);
    expect(toIdSet(toIdMap(["constructor"]))).toEqual(["constructor"]);
    expect(toIdSet(toIdMap([]))).toEqual([]);
  });
});

describe("chunk", () => {
  it.each<[string, number[], number, number[][]]>([
    ["empty gives no chunks (never an empty request)", [], 3, []],
    ["exact multiple", [1, 2, 3, 4], 2, [[1, 2], [3, 4]]],
    ["remainder last", [1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]],
    ["size 1", [1, 2], 1, [[1], [2]]],
    ["size larger than items", [1, 2], 100, [[1, 2]]],
  ])("%s", (_name, items, size, expected) => {
    expect(chunk(items, size)).toEqual(expected);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses size %p", (size) => {
    expect(() => chunk([1], size)).toThrow(/chunk size must be a whole number of at least 1/);
  });

  it("splits 250 users into 100, 100 and 50", () => {
    const users = Array.from({ length: 250 }, (_, i) => `user_${i}`);
    expect(chunk(users, 100).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunk(users, 100).flat()).toEqual(users);
  });
});
