/**
 * Params schemas: any Standard Schema (https://standardschema.dev), so zod
 * 3.24+ and 4, valibot, arktype and others validate `submit`'s params. The
 * interface is the spec's own, copied as the spec asks, so runcue depends on
 * no validator's types.
 */
import { messages } from "./errors.js";

/** The Standard Schema interface, version 1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
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
