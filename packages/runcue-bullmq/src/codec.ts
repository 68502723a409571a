/**
 * How params, results and progress values cross Redis. BullMQ stores job
 * data as JSON, where a Buffer becomes an array of numbers (five times its
 * size) and a typed array a plain object. So every value is written with V8's
 * serializer, the same format `structuredClone` and worker threads use, and
 * carried as one base64 string: typed arrays, Buffers, ArrayBuffers, Maps,
 * Dates and BigInts arrive as what they were, with the same bytes.
 */
import { deserialize, serialize } from "node:v8";

/** A value encoded for Redis: V8's serialization as base64. */
export type Encoded = string;

export function encode(value: unknown): Encoded {
  return serialize(value).toString("base64");
}

export function decode(encoded: Encoded): unknown {
  return deserialize(Buffer.from(encoded, "base64"));
}

/** The bytes an encoded value takes in Redis. */
export function encodedBytes(encoded: Encoded): number {
  return encoded.length;
}

/** An error as it crosses: V8 keeps only an Error's message and stack, so its name and own fields travel beside them. */
interface EncodedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

/** Encodes a handler's error with its name, message, stack and the own fields that can cross. */
export function encodeError(error: unknown): Encoded {
  if (!(error instanceof Error)) {
    return encode({ name: "Error", message: String(error), fields: {} } satisfies EncodedError);
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      serialize(value);
      fields[key] = value;
    } catch {
      // a field that cannot cross is left behind
    }
  }
  const encoded: EncodedError = { name: error.name, message: error.message, fields };
  if (error.stack !== undefined) encoded.stack = error.stack;
  return encode(encoded);
}

/** The error `encodeError` encoded, as runcue's local threads give it: an Error with the same name and fields. */
export function decodeError(encoded: Encoded): Error {
  const { name, message, stack, fields } = decode(encoded) as EncodedError;
  const error = new Error(message);
  Object.defineProperty(error, "name", { value: name, configurable: true, writable: true });
  if (stack !== undefined) error.stack = stack;
  return Object.assign(error, fields);
}
