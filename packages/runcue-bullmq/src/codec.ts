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
