/**
 * The package's own version, for the `User-Agent` header. Read from `package.json` at load
 * time: the compiled `lib/version.js` and the source `provider/version.ts` both sit one
 * level below the package root, so the same relative path works from either.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- outside rootDir: a JSON import would move lib/
const packageJson = require("../package.json") as { name?: unknown; version?: unknown };

/** The version from `package.json`, e.g. `0.1.0` (`0.0.0` if it is unreadable). */
export const PACKAGE_VERSION: string = typeof packageJson.version === "string" ? packageJson.version : "0.0.0";

/** `User-Agent` sent with every request, e.g. `pulumi-openrouter/0.1.0`. */
export const USER_AGENT = `pulumi-openrouter/${PACKAGE_VERSION}`;
