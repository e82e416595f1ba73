/**
 * The engine-level test harness: plays the Pulumi engine's part for dynamic resources.
 *
 * - `captureRegistrations` runs a real program under `setMocks` and returns what it
 *   registered, `__provider` included (`./capture`).
 * - `startPlugin` spawns `@pulumi/pulumi/cmd/dynamic-provider` as the CLI does and calls it
 *   over gRPC (`./plugin`).
 * - `Engine` sequences those calls as `preview`/`up`/`refresh`/`destroy` and keeps the
 *   state (`./engine`).
 * - `startPluginAgainst` starts it configured for an emulator (`./against-emulator`).
 * - `./struct` holds the wire conventions: `Struct` conversion, unknowns, secrets.
 */
export { startPluginAgainst } from "./against-emulator";
export {
  captureRegistrations,
  captureRegistrationsInProcess,
  registrationNamed,
  type CaptureOptions,
  type ProcessCaptureOptions,
  type Registration,
} from "./capture";
export {
  Engine,
  CheckFailedError,
  type CallRecord,
  type EngineOptions,
  type Operation,
  type ResourceState,
  type Step,
} from "./engine";
export {
  DYNAMIC_PROVIDER_PLUGIN,
  PluginCallError,
  PluginProcess,
  ResourceInitError,
  startPlugin,
  type CheckAnswer,
  type CheckFailure,
  type DiffAnswer,
  type PluginOptions,
} from "./plugin";
export { UNKNOWN, fromStruct, isSecret, revealSecrets, roundTrip, secret, toStruct, type PropertyMap } from "./struct";
