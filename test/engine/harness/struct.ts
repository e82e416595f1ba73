import { createRequire } from "node:module";
import type * as StructProto from "google-protobuf/google/protobuf/struct_pb";

const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

/**
 * Loads one of `@pulumi/pulumi`'s own dependencies (`google-protobuf`, `@grpc/grpc-js`) from
 * where `@pulumi/pulumi` finds it, through the caller's module registry (jest's, in tests):
 * the harness then shares the very classes Pulumi's generated messages are built from.
 */
export function loadFromPulumi<T>(specifier: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- path resolved above
  return require(pulumiRequire.resolve(specifier)) as T;
}

const { Struct } = loadFromPulumi<typeof StructProto>("google-protobuf/google/protobuf/struct_pb");

/** A resource's property bag as it crosses the wire: JSON-like values only. */
export type PropertyMap = Record<string, unknown>;

/**
 * The string that stands for a value not known yet (an output of another resource during a
 * preview). The engine sends it in place of the value; `@pulumi/pulumi`'s `rpc.unknownValue`.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Key and value that mark an object as a secret on the wire (`rpc.specialSigKey`). */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
/** `rpc.specialSecretSig`. */
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** A secret value in its wire form. */
export interface SecretValue {
  [SIGNATURE_KEY]: typeof SECRET_SIGNATURE;
  value: unknown;
}

/** Wraps `value` as the engine marks a secret (stack config set with `--secret`, `pulumi.secret`). */
export function secret(value: unknown): SecretValue {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** True when `value` is a secret in its wire form. */
export function isSecret(value: unknown): value is SecretValue {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

/**
 * Replaces every secret by its plain value, as the engine does before calling a provider that
 * answered `acceptSecrets: false` (the dynamic-provider plugin always does).
 */
export function revealSecrets(value: unknown): unknown {
  if (isSecret(value)) return revealSecrets(value.value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}

/**
 * Encodes a property bag as a protobuf `Struct`, as the engine would. `undefined` has no wire
 * form: object keys holding it are left out (the Node SDK's serializer drops them before
 * the engine sees them) and array slots become `null`.
 */
export function toStruct(properties: PropertyMap): StructProto.Struct {
  return Struct.fromJavaScript(withoutUndefined(properties) as Record<string, StructProto.JavaScriptValue>);
}

/**
 * Decodes a `Struct` into plain values: what a provider or the engine reads back. Every
 * number comes back as a double, and `null` stays `null`.
 */
export function fromStruct(struct: StructProto.Struct | undefined): PropertyMap {
  return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

/** Sends `properties` through a `Struct` and back: what survives one wire crossing. */
export function roundTrip(properties: PropertyMap): PropertyMap {
  return fromStruct(toStruct(properties));
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : withoutUndefined(v)));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    );
  }
  return value;
}
