/**
 * What every lookup shares: where it connects (explicit options, then the program's stack
 * config, then the environment, resolved like the resources' settings) and a client made
 * for the one lookup and closed after it. Runs in the program's own process, where stack
 * config is readable directly, and loads the client (zod, undici) only when a lookup is
 * first called, so importing the package stays light.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Client from "../api/client";
import type * as Connection from "../api/connection";
import type * as SettingsModule from "../api/settings";

/** Where a lookup connects; anything left out is resolved like the resources' settings. */
export interface LookupOptions {
  /** API root; default: `openrouter:baseUrl`, then `OPENROUTER_BASE_URL`, then OpenRouter's. */
  baseUrl?: string;
  /** Management key; default: `openrouter:managementKey`, then `OPENROUTER_MANAGEMENT_KEY`, then `OPENROUTER_API_KEY`. */
  managementKey?: string;
}

/**
 * Runs `use` with a client built from `options` and the settings (its listings fetch
 * `concurrency` pages at a time), and closes the client after.
 */
export async function withClient<T>(
  options: LookupOptions,
  use: (connection: { client: Client.OpenRouterClient; concurrency: number }) => Promise<T>,
): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see the module comment
  const { CONFIG_NAMES } = require("../api/settings") as typeof SettingsModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withNewClient } = require("../api/connection") as typeof Connection;
  const config = await readStackConfig(CONFIG_NAMES);
  return withNewClient(options, (key) => config.get(key), ({ client, settings }) => use({ client, concurrency: settings.concurrency }));
}

/** The `openrouter:` stack config of the running program (empty outside one). */
async function readStackConfig(names: readonly string[]): Promise<Map<string, string>> {
  const config = new pulumi.Config("openrouter");
  const values = new Map<string, string>();
  for (const name of names) {
    const value = name === "managementKey" ? await reveal(config.getSecret(name)) : config.get(name);
    if (value !== undefined) values.set(`openrouter:${name}`, value);
  }
  return values;
}

/** The plain value of a config secret (always known: config is never a preview unknown). */
function reveal(secret: pulumi.Output<string> | undefined): Promise<string | undefined> {
  if (secret === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    secret.apply((value) => {
      resolve(value);
      return value;
    });
  });
}
