/**
 * Bad input (issue #5): `check` and `diff` of the lifecycle, fed 10,000+ generated inputs
 * (wrong types, huge lists, unicode, control characters, nulls, nested junk, keys such as
 * `__proto__`), never throw, never send a request, and every failure names its property.
 *
 * The lifecycle is configured with a live emulator, so a request made by mistake would be
 * in its log: the log must stay empty.
 */
import fc from "fast-check";
import * as lifecycle from "../../provider/members/lifecycle";
import { KNOWN_INPUTS } from "../../provider/members/inputs";
import { UNKNOWN } from "../../provider/core/unknowns";
import { startEmulator, type Emulator } from "../../provider/testing";
import { stackConfig } from "../support/stack-config";

const RUNS = 10_000;

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: "fuzz-check", users: ["user_a"], workspaces: [{ slug: "ws", members: ["user_a"] }] });
  await lifecycle.configure(stackConfig({ "openrouter:managementKey": emulator.managementKey, "openrouter:baseUrl": emulator.url }));
});

afterAll(async () => {
  await emulator.close();
});

const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\n", "\r", "\t", "\u001b", "\u007f", "\u200b", "\u202e", "\u2028", "\ufeff", " ", "_"), maxLength: 6 }),
  fc.constantFrom("", " ", "__proto__", "constructor", "prototype", "toString", "__provider", "..", "%2e%2e", "a/b", "a?b", UNKNOWN, "ml-research", "user_a"),
  fc.string({ minLength: 250, maxLength: 300 }),
);

const scalar = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt().map((n) => Number(n)),
);

// Built once, and drawn rarely: a 100,000-entry set costs ~0.1 s to check and diff.
const HUGE_LIST = Array.from({ length: 100_001 }, (_, i) => `user_${i}`);
const LARGE_SET = Array.from({ length: 1_000 }, (_, i) => `user_${i}`);

const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 30, arbitrary: scalar },
  { weight: 15, arbitrary: fc.array(scalar, { maxLength: 8 }) },
  { weight: 10, arbitrary: fc.array(nastyString, { maxLength: 8 }) },
  { weight: 10, arbitrary: fc.dictionary(nastyString, fc.oneof(fc.constant(true), scalar), { maxKeys: 5 }) },
  { weight: 10, arbitrary: fc.anything({ maxDepth: 4, withNullPrototype: true, withBoxedValues: true, withSparseArray: true }) },
  { weight: 1, arbitrary: fc.constant(HUGE_LIST) },
  { weight: 1, arbitrary: fc.constant(LARGE_SET) },
  { weight: 1, arbitrary: fc.constant([...LARGE_SET, LARGE_SET[17]]) },
);

// Output names too: diff reads the olds as a state, whose names of people may be junk as well.
const KEYS = [...KNOWN_INPUTS, "emailUserIds", "doublyNamedUserIds", "userIDs", "workspace_id", "__proto__", "constructor", "prototype", "__provider", "extra"];

/** An inputs object whose keys include own `__proto__` when drawn (a literal would set the prototype). */
const inputs = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) }), junk), { maxLength: 6 })
  .map((entries) => {
    const record: Record<string, unknown> = {};
    for (const [key, value] of entries) Object.defineProperty(record, key, { value, enumerable: true, configurable: true, writable: true });
    return record;
  });

/** Half the cases start from valid inputs with one or two properties replaced, so deep rules run too. */
const mostlyValid = fc
  .tuple(inputs, fc.boolean())
  .map(([overrides, exclusive]) => ({ workspaceId: "ws", userIds: ["user_a"], exclusive, ...overrides }));

describe("check and diff under fuzzed input (issue #5)", () => {
  it(`never throw, never send a request, and name the property of every failure (${RUNS} cases)`, async () => {
    // What the built-in prototypes hold before the run, to compare with after it.
    const prototypes = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype };
    const ownKeysOf = () => Object.fromEntries(Object.entries(prototypes).map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));
    const keysBefore = ownKeysOf();
    let failuresSeen = 0;
    let protoKeysSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(inputs, mostlyValid), fc.oneof(inputs, mostlyValid), async (news, olds) => {
        const result = await lifecycle.check(olds, news);
        expect(result.inputs).toEqual(expect.any(Object));
        // A "__proto__" key in the inputs is a key like any other, never the result's prototype.
        if (Object.prototype.hasOwnProperty.call(news, "__proto__")) protoKeysSeen++;
        expect([Object.prototype, null]).toContain(Object.getPrototypeOf(result.inputs));
        for (const property of ["userIds", "emails", "protectedUserIds"]) {
          // A set check accepted is a keyed map check built: no key of it may be its prototype.
          const set = result.inputs?.[property];
          const accepted = !(result.failures ?? []).some((failure) => failure.property === property);
          if (accepted && set !== null && typeof set === "object" && !Array.isArray(set)) {
            expect([Object.prototype, null]).toContain(Object.getPrototypeOf(set));
          }
        }
        expect(Array.isArray(result.failures)).toBe(true);
        const ownKeys = Object.keys(news);
        for (const failure of result.failures ?? []) {
          failuresSeen++;
          expect(typeof failure.reason).toBe("string");
          if ((KNOWN_INPUTS as readonly string[]).includes(failure.property)) {
            expect(failure.reason.startsWith(failure.property)).toBe(true);
          } else {
            expect(ownKeys).toContain(failure.property);
            expect(failure.reason).toMatch(/^unknown input "/);
          }
        }
        // What check returns crosses the plugin's Struct as JSON.
        expect(() => JSON.stringify(result)).not.toThrow();
        const answer = await lifecycle.diff("0b9e4a52-3f0e-4d8e-9c2f-1f7d2a6b8c01", olds, result.inputs ?? {});
        expect([true, false, undefined]).toContain(answer.changes);
      }),
      { numRuns: RUNS, seed: 5_2025 },
    );

    expect(failuresSeen).toBeGreaterThan(RUNS);
    expect(emulator.log.entries).toEqual([]);
    expect(emulator.log.maxInFlight).toBe(0);
    // The fuzzer did draw own "__proto__" keys, and no key reached a built-in prototype.
    expect(protoKeysSeen).toBeGreaterThan(0);
    expect(ownKeysOf()).toEqual(keysBefore);
  }, 120_000);

  it("returns a valid input's sets as keyed maps, so the generator's valid half is really valid", async () => {
    const result = await lifecycle.check({}, { workspaceId: "ws", userIds: ["user_a"], exclusive: false });
    expect(result).toEqual({ inputs: { workspaceId: "ws", userIds: { user_a: true }, exclusive: false }, failures: [] });
  });
});
