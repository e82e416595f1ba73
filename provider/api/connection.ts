/**
 * Where a provider call gets its settings and client. The dynamic-provider plugin hands the
 * stack config over once, through `configure` (inside the plugin `new pulumi.Config()` is
 * empty); both lifecycles keep it here and share one client, whose keep-alive pool then
 * serves every call of the process. Lookups, in the program's own process, and the export
 * (a command, outside any program) build a client per use with {@link withNewClient}, so
 * every client is made from settings the same way.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "./client";
import { resolveSettings, type ConfigLookup, type ProgramOptions, type Settings } from "./settings";

let stackConfig: ConfigLookup = () => undefined;
let cached: { client: OpenRouterClient; identity: string; key: string } | undefined;

/** Keeps the stack config `configure` received, for the calls that follow. */
export function keepStackConfig(req: pulumi.dynamic.ConfigureRequest): void {
  const config = req.config;
  stackConfig = (key) => {
    const value: unknown = config.get(key);
    return typeof value === "string" ? value : undefined;
  };
}

/** Settings and a client for one call; the client is reused while the settings stay the same. */
export function connect(): { settings: Settings; client: OpenRouterClient } {
  const settings = resolveSettings(stackConfig);
  // Settings are enumerable but for the key, so this names everything the client is built from.
  const identity = JSON.stringify(settings);
  if (cached?.identity !== identity || cached.key !== settings.managementKey) {
    void cached?.client.close();
    cached = { client: newClient(settings), identity, key: settings.managementKey };
  }
  return { settings, client: cached.client };
}

/**
 * Runs `use` with a client made for it, and closes the client after. The settings come from
 * `options` (given in code) first, then `config` (a program's stack config; nothing outside
 * one), then the environment, as every setting does.
 */
export async function withNewClient<T>(
  options: ProgramOptions,
  config: ConfigLookup,
  use: (connection: { settings: Settings; client: OpenRouterClient }) => Promise<T>,
): Promise<T> {
  const settings = resolveSettings(config, process.env, options);
  const client = newClient(settings);
  try {
    return await use({ settings, client });
  } finally {
    await client.close();
  }
}

/**
 * A client built from resolved settings. The client module (and undici with it) loads on the
 * first call that needs HTTP: check and diff, a preview's only calls, never pay for it.
 */
export function newClient(settings: Settings): OpenRouterClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  const { OpenRouterClient: Client } = require("./client") as typeof import("./client");
  const timeout = settings.timeoutMs;
  return new Client({
    baseUrl: settings.baseUrl,
    managementKey: settings.managementKey,
    retry: settings.retry,
    connections: Math.max(8, settings.concurrency * 2),
    sources: settings.sources,
    ...(timeout === undefined ? {} : { timeouts: { headersMs: timeout, bodyMs: timeout } }),
  });
}
