import fc from "fast-check";
// The decoder the dynamic-provider plugin uses for inputs (a dependency of @pulumi/pulumi).
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { MAX_ID_LENGTH } from "../../provider/core/ids";
import { describe as describeValue, quote } from "../../provider/core/messages";
import { MAX_SET_SIZE, checkInputs } from "../../provider/members/inputs";
import { UNKNOWN } from "../../provider/core/unknowns";
import { inFreshProcess } from "../support/fresh-process";

const WORKSPACE_UUID = "0b9e4a52-3f0e-4d8e-9c2f-1f7d2a6b8c01";
const valid = { workspaceId: "ml-research", userIds: ["user_b", "user_a"] };

/** The failures of checking `valid` overridden by `changes`. */
const failuresOf = (changes: Record<string, unknown>) => checkInputs({}, { ...valid, ...changes }).failures;

describe("checkInputs: accepted inputs", () => {
  it("returns the sets as keyed maps and an explicit exclusive (ARCHITECTURE.md, checked inputs)", () => {
    const result = checkInputs({}, { ...valid, protectedUserIds: ["admin"], __provider: "serialized" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      __provider: "serialized",
      workspaceId: "ml-research",
      userIds: { user_a: true, user_b: true },
      exclusive: false,
      protectedUserIds: { admin: true },
    });
  });

  it("leaves out what was not set: no maxRemovals, no protectedUserIds", () => {
    const { inputs } = checkInputs({}, { ...valid, maxRemovals: null, protectedUserIds: null });
    expect(Object.keys(inputs).sort()).toEqual(["exclusive", "userIds", "workspaceId"]);
  });

  it("accepts its own map form back (what ignoreChanges feeds from state) unchanged", () => {
    const first = checkInputs({}, { ...valid, exclusive: true, protectedUserIds: ["admin"], maxRemovals: 3 });
    const second = checkInputs(first.inputs, first.inputs);
    expect(second).toEqual(first);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a slug", { workspaceId: "ml-research-2" }],
    ["a UUID", { workspaceId: WORKSPACE_UUID }],
    ["an upper-case UUID", { workspaceId: WORKSPACE_UUID.toUpperCase() }],
    ["an empty set", { userIds: [] }],
    ["an empty map", { userIds: {} }],
    ["exclusive true", { exclusive: true }],
    ["maxRemovals 0", { maxRemovals: 0 }],
    ["maxRemovals 3.0, a double from protobuf", { maxRemovals: 3.0 }],
    ["ids named like prototype members", { userIds: ["constructor", "toString", "hasOwnProperty"] }],
    ["an id of the longest length", { userIds: ["u".repeat(MAX_ID_LENGTH)] }],
    ["an id with inner spaces and unicode", { userIds: ["user ä 1"] }],
  ])("accepts %s", (_name, changes) => {
    expect(failuresOf(changes)).toEqual([]);
  });

  it("keeps maxRemovals as given", () => {
    expect(checkInputs({}, { ...valid, maxRemovals: 10 }).inputs.maxRemovals).toBe(10);
  });

  it("survives the plugin's protobuf round trip with every id intact", () => {
    const { inputs } = checkInputs({}, { ...valid, userIds: ["constructor", "b", "a"], protectedUserIds: ["toString"] });
    const decoded = Struct.fromJavaScript(inputs as never).toJavaScript();
    expect(decoded.userIds).toEqual({ a: true, b: true, constructor: true });
    expect(decoded.protectedUserIds).toEqual({ toString: true });
  });

  it("leaves an empty protectedUserIds out, as a refresh does, so the two never disagree", () => {
    expect(checkInputs({}, { ...valid, protectedUserIds: [] }).inputs).not.toHaveProperty("protectedUserIds");
  });
});

describe("checkInputs: preview unknowns pass", () => {
  it.each<[string, Record<string, unknown>]>([
    ["workspaceId", { workspaceId: UNKNOWN }],
    ["userIds as a whole", { userIds: UNKNOWN }],
    ["one element of userIds", { userIds: ["user_a", UNKNOWN] }],
    ["a map value of userIds", { userIds: { user_a: UNKNOWN } }],
    ["exclusive", { exclusive: UNKNOWN }],
    ["protectedUserIds as a whole", { protectedUserIds: UNKNOWN }],
    ["one element of protectedUserIds", { protectedUserIds: [UNKNOWN, UNKNOWN] }],
    ["maxRemovals", { maxRemovals: UNKNOWN }],
    ["__provider", { __provider: UNKNOWN }],
  ])("%s, untouched", (_name, changes) => {
    const result = checkInputs({}, { ...valid, ...changes });
    expect(result.failures).toEqual([]);
    for (const [key, value] of Object.entries(changes)) expect(result.inputs[key]).toEqual(value);
  });

  it("still checks the known entries beside an unknown one", () => {
    expect(failuresOf({ userIds: [UNKNOWN, "", "a", "a"] })).toEqual([
      { property: "userIds", reason: 'userIds[1] is blank: ""' },
      { property: "userIds", reason: 'userIds[3] repeats "a" (first at userIds[2]); a set lists each user once' },
    ]);
  });
});

describe("checkInputs: failures name the property and the value", () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ["workspaceId missing", { workspaceId: undefined }, "workspaceId", "workspaceId is required: the workspace's UUID or slug"],
    ["workspaceId empty", { workspaceId: "" }, "workspaceId", "workspaceId must not be empty: give the workspace's UUID or slug"],
    ["workspaceId a number", { workspaceId: 42 }, "workspaceId", "workspaceId must be a string (the workspace's UUID or slug), got 42"],
    ["workspaceId padded", { workspaceId: " ml-research" }, "workspaceId", 'workspaceId has leading or trailing whitespace: " ml-research"'],
    ["workspaceId with a newline", { workspaceId: "ml\nresearch" }, "workspaceId", 'workspaceId contains control or invisible characters: "ml\\nresearch"'],
    ["workspaceId with a bidi override", { workspaceId: "ml\u202eresearch" }, "workspaceId", 'workspaceId contains control or invisible characters: "ml\\u202eresearch"'],
    [
      "workspaceId malformed",
      { workspaceId: "ML_Research" },
      "workspaceId",
      'workspaceId "ML_Research" is neither a workspace UUID nor a slug (lowercase letters and digits in segments joined by single hyphens, e.g. "ml-research")',
    ],
    ["workspaceId with a double hyphen", { workspaceId: "ml--research" }, "workspaceId", 'workspaceId "ml--research" is neither'],
    ["workspaceId too long", { workspaceId: "a".repeat(300) }, "workspaceId", "workspaceId is 300 characters long, more than 256"],
    ["userIds missing", { userIds: undefined }, "userIds", "userIds is required: a list of user ids (it may be empty)"],
    ["userIds a string", { userIds: "user_a" }, "userIds", 'userIds must be a list of user ids, got the string "user_a"'],
    ["userIds a number", { userIds: 7 }, "userIds", "userIds must be a list of user ids, got 7"],
    ["a duplicate entry", { userIds: ["a", "b", "a"] }, "userIds", 'userIds[2] repeats "a" (first at userIds[0]); a set lists each user once'],
    ["a blank entry", { userIds: ["a", "  "] }, "userIds", 'userIds[1] is blank: "  "'],
    ["an empty entry", { userIds: [""] }, "userIds", 'userIds[0] is blank: ""'],
    ["a number entry", { userIds: ["a", 5] }, "userIds", "userIds[1] must be a user id string, got 5"],
    ["a null entry", { userIds: [null] }, "userIds", "userIds[0] must be a user id string, got null"],
    ["a nested list entry", { userIds: [["a"]] }, "userIds", "userIds[0] must be a user id string, got a list of 1 entry"],
    ["a padded entry", { userIds: ["user_a "] }, "userIds", 'userIds[0] has leading or trailing whitespace: "user_a "'],
    ["a control character", { userIds: ["user\u0000a"] }, "userIds", 'userIds[0] contains control or invisible characters: "user\\u0000a"'],
    ["a zero-width space", { userIds: ["user\u200ba"] }, "userIds", 'userIds[0] contains control or invisible characters: "user\\u200ba"'],
    ["an id starting with __", { userIds: ["__admin"] }, "userIds", 'userIds[0] starts with "__", which is reserved: "__admin"'],
    ["__proto__ as an id", { userIds: ["__proto__"] }, "userIds", 'userIds[0] starts with "__", which is reserved: "__proto__"'],
    ["an id too long", { userIds: ["u".repeat(MAX_ID_LENGTH + 1)] }, "userIds", "userIds[0] is 257 characters long, more than 256"],
    ["a map value other than true", { userIds: { a: true, b: false } }, "userIds", 'userIds["b"] must be true in the map form { "<userId>": true }, got false'],
    ["a map key starting with __", { userIds: { __x: true } }, "userIds", 'userIds["__x"] starts with "__", which is reserved: "__x"'],
    ["a blank map key", { userIds: { "": true } }, "userIds", 'userIds[""] is blank: ""'],
    ["protectedUserIds duplicate", { protectedUserIds: ["x", "x"] }, "protectedUserIds", 'protectedUserIds[1] repeats "x"'],
    ["protectedUserIds blank", { protectedUserIds: [""] }, "protectedUserIds", 'protectedUserIds[0] is blank: ""'],
    ["protectedUserIds __", { protectedUserIds: ["__x"] }, "protectedUserIds", 'protectedUserIds[0] starts with "__"'],
    ["protectedUserIds a boolean", { protectedUserIds: true }, "protectedUserIds", "protectedUserIds must be a list of user ids, got true"],
    ["exclusive a string", { exclusive: "yes" }, "exclusive", 'exclusive must be true or false, got the string "yes"'],
    ["exclusive a number", { exclusive: 1 }, "exclusive", "exclusive must be true or false, got 1"],
    ["maxRemovals a fraction", { maxRemovals: 2.5 }, "maxRemovals", "maxRemovals must be a whole number of 0 or more, got 2.5"],
    ["maxRemovals negative", { maxRemovals: -1 }, "maxRemovals", "maxRemovals must be a whole number of 0 or more, got -1"],
    ["maxRemovals a string", { maxRemovals: "10" }, "maxRemovals", 'maxRemovals must be a whole number of 0 or more, got the string "10"'],
    ["maxRemovals NaN", { maxRemovals: Number.NaN }, "maxRemovals", "maxRemovals must be a whole number of 0 or more, got NaN"],
    ["maxRemovals infinite", { maxRemovals: Number.POSITIVE_INFINITY }, "maxRemovals", "got Infinity"],
    ["a typo of userIds", { userIDs: ["a"] }, "userIDs", 'unknown input "userIDs": did you mean "userIds"?'],
    ["a typo of exclusive", { exlusive: true }, "exlusive", 'unknown input "exlusive": did you mean "exclusive"?'],
    ["a typo of workspaceId", { workspace_id: "x" }, "workspace_id", 'unknown input "workspace_id": did you mean "workspaceId"?'],
    [
      "an unrelated key",
      { members: ["a"] },
      "members",
      'unknown input "members": the inputs are workspaceId, userIds, emails, exclusive, protectedUserIds, maxRemovals',
    ],
    ["a __proto__ key", JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>, "__proto__", 'unknown input "__proto__"'],
  ])("%s", (_name, changes, property, reason) => {
    const failures = failuresOf(changes);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe(property);
    expect(failures[0]?.reason).toContain(reason);
  });

  it("reports each duplicate once, however often it repeats", () => {
    expect(failuresOf({ userIds: ["a", "a", "a", "a"] })).toEqual([
      { property: "userIds", reason: 'userIds[1] repeats "a" (first at userIds[0]); a set lists each user once' },
    ]);
  });

  it("says where a repeat first stood for the repeats it shows, and counts the rest", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `user_${i}`);
    const failures = failuresOf({ userIds: [...ids, ...ids] });
    expect(failures).toHaveLength(11);
    expect(failures[0]).toEqual({ property: "userIds", reason: 'userIds[50] repeats "user_0" (first at userIds[0]); a set lists each user once' });
    expect(failures[9]?.reason).toBe('userIds[59] repeats "user_9" (first at userIds[9]); a set lists each user once');
    expect(failures[10]).toEqual({ property: "userIds", reason: "userIds has 40 more problems like the above" });
  });

  it("refuses a set larger than the cap without looking at every entry", () => {
    const huge = Array.from({ length: MAX_SET_SIZE + 1 }, () => "");
    expect(failuresOf({ userIds: huge })).toEqual([
      { property: "userIds", reason: "userIds has 100001 entries, more than the 100000 allowed" },
    ]);
  });

  it("checks a set of the largest size allowed in seconds, not minutes", () => {
    const ids = Array.from({ length: MAX_SET_SIZE }, (_, i) => `user_${i}`);
    const started = performance.now();
    const result = checkInputs({}, { ...valid, userIds: ids });
    expect(result.failures).toEqual([]);
    expect(Object.keys(result.inputs.userIds as object)).toHaveLength(MAX_SET_SIZE);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("lists the first ten problems of a property, then counts the rest", () => {
    const failures = failuresOf({ userIds: Array.from({ length: 25 }, () => "") });
    expect(failures).toHaveLength(11);
    expect(failures[9]?.reason).toBe('userIds[9] is blank: ""');
    expect(failures[10]).toEqual({ property: "userIds", reason: "userIds has 15 more problems like the above" });
  });

  it("reports every failing property at once", () => {
    const result = checkInputs({}, { workspaceId: "", userIds: [""], exclusive: "no", maxRemovals: -1, userIDs: [] });
    expect(result.failures.map((failure) => failure.property).sort()).toEqual([
      "exclusive",
      "maxRemovals",
      "userIDs",
      "userIds",
      "workspaceId",
    ]);
  });
});

describe("checkInputs: emails (issue 15)", () => {
  it("returns emails as a keyed map of lower-cased emails, beside userIds", () => {
    const { inputs, failures } = checkInputs({}, { ...valid, emails: ["Bob@Example.com", "alice@example.com"] });
    expect(failures).toEqual([]);
    expect(inputs.emails).toEqual({ "bob@example.com": true, "alice@example.com": true });
    expect(inputs.userIds).toEqual({ user_a: true, user_b: true });
  });

  it("takes emails alone: userIds is then the empty set, as a refresh hands it back", () => {
    const { inputs, failures } = checkInputs({}, { workspaceId: "ml-research", emails: ["alice@example.com"] });
    expect(failures).toEqual([]);
    expect({ ...(inputs.userIds as object) }).toEqual({});
    expect(inputs.emails).toEqual({ "alice@example.com": true });
  });

  it("leaves absent or empty emails out, and accepts its own map form back unchanged", () => {
    expect(checkInputs({}, { ...valid, emails: [] }).inputs).not.toHaveProperty("emails");
    expect(checkInputs({}, { ...valid, emails: null }).inputs).not.toHaveProperty("emails");
    const first = checkInputs({}, { ...valid, emails: ["Alice@Example.com"] });
    expect(checkInputs(first.inputs, first.inputs)).toEqual(first);
  });

  it.each<[string, Record<string, unknown>]>([
    ["emails as a whole", { emails: UNKNOWN }],
    ["one email", { emails: ["alice@example.com", UNKNOWN] }],
  ])("lets a preview unknown in %s pass, untouched", (_name, changes) => {
    const result = checkInputs({}, { ...valid, ...changes });
    expect(result.failures).toEqual([]);
    expect(result.inputs.emails).toEqual(changes.emails);
  });

  it.each<[string, unknown, string]>([
    ["a value with no @", ["alice@example.com", "bob"], 'emails[1] is not an email (no "@" between a name and a domain): "bob"'],
    ["a blank value", [""], 'emails[0] is blank: ""'],
    ["a padded value", [" alice@example.com"], 'emails[0] has leading or trailing whitespace: " alice@example.com"'],
    [
      "a repeat in another letter case",
      ["alice@example.com", "ALICE@example.com"],
      'emails[1] repeats "ALICE@example.com" (first at emails[0]); a set lists each email once, whatever its letter case',
    ],
    ["a number", [7], "emails[0] must be an email string, got 7"],
    ["a string instead of a list", "alice@example.com", 'emails must be a list of emails, got the string "alice@example.com"'],
    ["a map value other than true", { "alice@example.com": false }, 'emails["alice@example.com"] must be true in the map form { "<email>": true }, got false'],
    ["a reserved prefix", ["__x@example.com"], 'emails[0] starts with "__", which is reserved: "__x@example.com"'],
  ])("refuses %s, naming the entry", (_name, emails, reason) => {
    expect(failuresOf({ emails })).toEqual([{ property: "emails", reason }]);
  });

  it("still needs someone: userIds or emails", () => {
    expect(checkInputs({}, { workspaceId: "ml-research" }).failures).toEqual([
      { property: "userIds", reason: "userIds is required: a list of user ids (it may be empty), unless emails names the members" },
    ]);
  });
});

describe("quote and describe", () => {
  it.each<[string, string]>([
    ["user_a", '"user_a"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["tab\there", '"tab\\there"'],
    ["del\u007f", '"del\\u007f"'],
    ["c1\u0085", '"c1\\u0085"'],
    ["rtl\u202e", '"rtl\\u202e"'],
    ["line\u2028sep", '"line\\u2028sep"'],
  ])("quotes %p as %s", (value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it("cuts a long value at 80 characters and says how long it was", () => {
    expect(quote("x".repeat(500))).toBe(`"${"x".repeat(80)}…" (500 characters)`);
  });

  it.each<[unknown, string]>([
    ["a", 'the string "a"'],
    [3, "3"],
    [false, "false"],
    [null, "null"],
    [undefined, "nothing"],
    [[1, 2], "a list of 2 entries"],
    [{ a: 1 }, "an object"],
    [10n, "10"],
    [Symbol("s"), "a symbol"],
  ])("describes %p as %s", (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe("checkInputs never throws", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["a number", 42],
    ["a string", "inputs"],
    ["an array", [1, 2]],
    ["a cyclic object", (() => { const o: Record<string, unknown> = { workspaceId: "a" }; o.userIds = [o]; return o; })()],
    ["a throwing getter", Object.defineProperty({}, "userIds", { enumerable: true, get: () => { throw new Error("boom"); } })],
    ["a hostile proxy", new Proxy({}, { ownKeys: () => { throw new Error("boom"); } })],
  ])("on %s, answering with failures instead", (_name, news) => {
    const result = checkInputs({}, news as Record<string, unknown>);
    expect(result.failures.length).toBeGreaterThan(0);
  });

  it("on 3,000 random inputs, and every failure names a property and gives a short reason", () => {
    const junk = fc.anything({ maxDepth: 2, maxKeys: 5 });
    const id = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("", " ", "__proto__", "__x", "constructor", UNKNOWN, "a\u0000b", "user_a"),
    );
    const idSet = fc.oneof(
      fc.array(fc.oneof(id, junk), { maxLength: 20 }),
      fc.dictionary(id, fc.oneof(fc.constant(true), junk), { maxKeys: 10 }),
      junk,
    );
    const news = fc.record(
      {
        workspaceId: fc.oneof(id, junk),
        userIds: idSet,
        exclusive: fc.oneof(fc.boolean(), junk),
        protectedUserIds: idSet,
        emails: idSet,
        maxRemovals: fc.oneof(fc.integer(), fc.double(), junk),
        userIDs: junk,
        __provider: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(news, junk), (value) => {
        const result = checkInputs({}, value as Record<string, unknown>);
        // A boolean, not expect(): half a million expect() calls would dominate the run time.
        return result.failures.every(
          (failure) =>
            typeof failure.property === "string" &&
            failure.reason.length > 0 &&
            failure.reason.length < 400 &&
            !/[\p{Cc}\p{Cf}]/u.test(failure.reason),
        );
      }),
      { numRuns: 3000 },
    );
  });
});

describe("loading zod", () => {
  it("checks valid inputs without it, and loads it only to word a failure", () => {
    const steps = inFreshProcess([
      'const { checkInputs } = require("./provider/members/inputs.ts");',
      'const valid = checkInputs({}, { workspaceId: "ml-research", userIds: ["user_a"], exclusive: true, protectedUserIds: ["admin"], maxRemovals: 3 });',
      'const before = loaded("zod");',
      'const invalid = checkInputs({}, { workspaceId: "ml-research", userIds: ["user_a"], exclusive: "yes" });',
      'process.stdout.write(JSON.stringify({ valid: valid.failures, before, invalid: invalid.failures, after: loaded("zod") }));',
    ]);
    expect(steps).toEqual({
      valid: [],
      before: false,
      invalid: [{ property: "exclusive", reason: 'exclusive must be true or false, got the string "yes"' }],
      after: true,
    });
  });
});
