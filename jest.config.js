/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The examples import the package by name, as users do; in tests that name is the source.
  moduleNameMapper: { "^pulumi-openrouter$": "<rootDir>/provider/index.ts" },
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // The emulator and the plugin are real processes/servers; give slow CI machines room.
  testTimeout: 60000,
  maxWorkers: 2,
};
