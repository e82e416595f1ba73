/**
 * Loads a provider implementation module at call time.
 *
 * Pulumi serializes each dynamic provider object into the state of every resource and later
 * evaluates that text inside its dynamic-provider plugin process. Whatever the provider's
 * methods reference is serialized with it, so they reference only this function, which
 * `require`s the real code by package name when a method runs: zod schemas, undici pools and
 * configuration never enter the state, and no machine-specific path is ever captured.
 *
 * Where the package is installed (a user's stack, an `npm pack` install), the plugin resolves
 * it through node_modules from its working directory. In this repository's own checkout (its
 * root stack, tests that spawn the plugin here) there is no node_modules/pulumi-openrouter,
 * and code evaluated from a string gets no package self-reference; a require rooted at the
 * working directory's package.json does: when that package is pulumi-openrouter, Node
 * resolves the name through its `exports`.
 *
 * Comments inside the body are kept out on purpose: Pulumi serializes the function's source
 * text, comments included, into the state of every resource.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- resolved at call time, by design */
export function loadImplementation<T>(subpath: "lifecycle" | "workspace-lifecycle"): T {
  const specifier = `pulumi-openrouter/${subpath}`;
  try {
    return require(specifier) as T;
  } catch (error) {
    if (!isNotFound(error, specifier)) throw error;
    const { createRequire } = require("node:module") as typeof import("node:module");
    const { join } = require("node:path") as typeof import("node:path");
    return createRequire(join(process.cwd(), "package.json"))(specifier) as T;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

function isNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(`'${specifier}'`);
}
