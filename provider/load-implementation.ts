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
 * working directory does: when that directory is pulumi-openrouter's, Node resolves the name
 * through its `exports`. (Were something else missing, a dependency say, the second attempt
 * fails the same way and its error is the one reported.)
 *
 * Comments inside the body are kept out, and the body is short, on purpose: Pulumi
 * serializes the function's source text into the state of every resource (and the bench
 * holds that text to 4 KiB).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- resolved at call time, by design */
export function loadImplementation<T>(subpath: "lifecycle" | "workspace-lifecycle" | "budgets-lifecycle" | "guardrails-lifecycle"): T {
  const name = `pulumi-openrouter/${subpath}`;
  try {
    return require(name) as T;
  } catch (error) {
    if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    return (require("module") as typeof import("node:module")).createRequire(`${process.cwd()}/`)(name) as T;
  }
}
