/**
 * The stack config as Pulumi's dynamic-provider plugin hands it to a provider's
 * `configure`: one helper for every test that calls a lifecycle in-process.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A `ConfigureRequest` over a plain map of stack config, e.g. `{ "openrouter:baseUrl": url }`. */
export function stackConfig(values: Readonly<Record<string, string>>): pulumi.dynamic.ConfigureRequest {
  return { config: { get: (key: string) => values[key] } } as unknown as pulumi.dynamic.ConfigureRequest;
}

/**
 * The stack config that points a lifecycle at an emulator, with retries that do not wait,
 * plus `extra` settings.
 */
export function emulatorStackConfig(
  emulator: { url: string; managementKey: string },
  extra: Readonly<Record<string, string>> = {},
): pulumi.dynamic.ConfigureRequest {
  return stackConfig({
    "openrouter:managementKey": emulator.managementKey,
    "openrouter:baseUrl": emulator.url,
    "openrouter:retryBaseDelayMs": "1",
    ...extra,
  });
}
