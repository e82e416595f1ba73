// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The import directions ARCHITECTURE.md states, enforced per folder of provider/: read
 * downwards, gitops uses the resources, the resources use api/ and core/, api/ uses core/,
 * and nothing points back up. A lazy `require` is always paired with an `import type` of
 * the same module, so these rules see it too.
 */
const layer = (folder, forbidden, why) => ({
  files: [`provider/${folder}/**/*.ts`],
  rules: {
    "no-restricted-imports": ["error", { patterns: [{ group: forbidden, message: why }] }],
  },
});

export default tseslint.config(
  { ignores: ["lib/**", "node_modules/**", "examples/*/node_modules/**", "bench/results/**", "coverage/**", ".cache/**", "*.js", "*.mjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  layer("core", ["../*", "../**"], "core/ is the bottom layer: it imports nothing of ours outside core/."),
  layer("testing", ["../*", "../**"], "the emulator stands alone (node builtins only), so it can be shipped and run by itself."),
  layer(
    "api",
    ["../*", "../**", "!../core", "!../core/**", "!../version"],
    "api/ imports only core/ (and the package version).",
  ),
  layer(
    "membership",
    ["../*", "../**", "!../core", "!../core/**", "!../api", "!../api/**"],
    "membership/ is the set-membership engine every such resource shares: it imports api/ and core/ only, never a resource.",
  ),
  layer(
    "members",
    ["../workspace", "../workspace/**", "../budgets", "../budgets/**", "../guardrails", "../guardrails/**", "../lookups", "../lookups/**", "../gitops", "../gitops/**", "../export", "../export/**", "../index"],
    "a resource imports api/ and core/, never another resource, the lookups, the members file or the export.",
  ),
  layer(
    "workspace",
    ["../members", "../members/**", "../guardrails", "../guardrails/**", "../budgets", "../budgets/**", "../lookups", "../lookups/**", "../gitops", "../gitops/**", "../export", "../export/**", "../index"],
    "a resource imports api/ and core/, never another resource, the lookups, the members file or the export.",
  ),
  layer(
    "budgets",
    ["../members", "../members/**", "../guardrails", "../guardrails/**", "../workspace", "../workspace/**", "../lookups", "../lookups/**", "../gitops", "../gitops/**", "../export", "../export/**", "../index"],
    "a resource imports api/ and core/, never another resource, the lookups, the members file or the export.",
  ),
  layer(
    "guardrails",
    ["../members", "../members/**", "../workspace", "../workspace/**", "../budgets", "../budgets/**", "../lookups", "../lookups/**", "../gitops", "../gitops/**", "../export", "../export/**", "../index"],
    "a resource imports membership/, api/ and core/, never another resource, the lookups, the members file or the export.",
  ),
  layer(
    "lookups",
    ["../members", "../members/**", "../guardrails", "../guardrails/**", "../membership", "../membership/**", "../workspace", "../workspace/**", "../budgets", "../budgets/**", "../gitops", "../gitops/**", "../export", "../export/**", "../index"],
    "the lookups import api/ and core/ only.",
  ),
  layer(
    "gitops",
    ["../index", "../lookups/*", "!../lookups/organization", "!../lookups/session", "../export", "../export/**"],
    "nothing imports the package entry or the export; of the lookups, gitops reads only the organization's directory (to check the people a file names).",
  ),
  layer(
    "export",
    ["../*", "../**", "!../api", "!../api/**", "!../core", "!../core/**", "!../budgets", "../budgets/*", "!../budgets/plan", "!../budgets/state"],
    "the export reads through api/ and decides with core/ and the budgets' pure rules (plan.ts, state.ts); it declares no resource and runs no program.",
  ),
  {
    files: ["provider/*.ts"],
    ignores: ["provider/index.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["./*/**", "./index"], message: "the top-level helpers import nothing of ours, so any folder may use them." }] },
      ],
    },
  },
);
