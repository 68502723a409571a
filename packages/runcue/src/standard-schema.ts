/**
 * Params schemas: any Standard Schema (https://standardschema.dev), so zod
 * 3.24+ and 4, valibot, arktype and others validate `submit`'s params. The
 * interface is the spec's own, copied as the spec asks, so runcue depends on
 * no validator's types.
 */
import { messages } from "./errors.js";

/** The Standard Schema interface, version 1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The schema's Standard Schema properties. */
  readonly "~standard": StandardSchemaProps<Input, Output>;
}

/** What a Standard Schema carries under `~standard`. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** The version of the spec: 1. */
  readonly version: 1;
  /** The library that made the schema ("zod", "valibot", ...). */
  readonly vendor: string;
  /** Validates a value: its output, or issues (runcue refuses a promise here). */
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  /** The input and output types, for inference only. */
  readonly types?: StandardTypes<Input, Output> | undefined;
}

/** The schema's types, for inference only. */
export interface StandardTypes<Input, Output> {
  /** What the schema accepts. */
  readonly input: Input;
  /** What validation gives. */
  readonly output: Output;
}

/** A validation's answer: the output, or what is wrong. */
export type StandardResult<Output> = StandardSuccess<Output> | StandardFailure;

/** A value that passed: the schema's output. */
export interface StandardSuccess<Output> {
  /** The validated (and maybe transformed) value. */
  readonly value: Output;
  /** None on success. */
  readonly issues?: undefined;
}

/** A value that failed. */
export interface StandardFailure {
  /** What is wrong, one issue each. */
  readonly issues: ReadonlyArray<StandardIssue>;
}

/** One thing wrong with a value. */
export interface StandardIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where, from the top of the value: keys, or segments holding one. */
  readonly path?: ReadonlyArray<PropertyKey | StandardPathSegment> | undefined;
}

/** A path segment given as an object. */
export interface StandardPathSegment {
  /** The key at this step. */
  readonly key: PropertyKey;
}

/** The output type of a Standard Schema. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer Output> ? Output : unknown;

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const standard = (value as { "~standard"?: { version?: unknown; validate?: unknown } })[
    "~standard"
  ];
  return (
    typeof standard === "object" &&
    standard !== null &&
    standard.version === 1 &&
    typeof standard.validate === "function"
  );
}

/**
 * At `task()`: refuses a schema known to validate asynchronously (valibot's
 * async schemas say so with `async: true`). Others are found out at `submit`.
 */
export function assertSynchronousSchema(task: string, schema: StandardSchemaV1): void {
  if ((schema as { async?: unknown }).async === true) {
    throw new Error(messages.asyncParamsSchema(task, schema["~standard"].vendor));
  }
}

function describePath(path: StandardIssue["path"]): string {
  if (!path || path.length === 0) return "(value)";
  return path
    .map((segment) =>
      String(typeof segment === "object" && segment !== null ? segment.key : segment),
    )
    .join(".");
}

/**
 * Validates `value` synchronously: the validated output, or an Error naming
 * the task and listing the issues. A schema that answers with a promise is
 * refused (nothing is queued then).
 */
export function validateParams(task: string, schema: StandardSchemaV1, value: unknown): unknown {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) {
    // its answer is not waited for; a rejection must not go unhandled
    result.catch(() => {});
    throw new Error(messages.asyncParamsSchema(task, schema["~standard"].vendor));
  }
  if (result.issues) {
    const issues = result.issues
      .map((issue) => `${describePath(issue.path)}: ${issue.message}`)
      .join("; ");
    throw new Error(messages.invalidParams(task, issues));
  }
  return result.value;
}
