import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RedisServer, startRedis } from "./helpers/redis-server.js";

describe("the test Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  test("starts empty on a loopback port and comes back empty after a restart", async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    await client.set("key", "value");
    expect(await client.get("key")).toBe("value");
    await redis.restart({ hard: true });
    expect(await client.get("key")).toBeNull();
    client.disconnect();
  });
});
