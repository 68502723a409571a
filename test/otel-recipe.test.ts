/**
 * The OpenTelemetry recipe of runcue's README, run as written against an in-memory exporter: one
 * span per attempt, ended with the result or the error.
 */
import { readFileSync } from "node:fs";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Cue } from "runcue";
import { afterAll, beforeAll, expect, test } from "vitest";

const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  await import("./fixtures/otel-recipe.ts");
});

afterAll(() => trace.disable());

test("the fixture is the README's recipe, line for line", () => {
  const readme = readFileSync(new URL("../packages/runcue/README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("### Recipe: OpenTelemetry spans"));
  const block = section.slice(section.indexOf("```ts\n") + 6, section.indexOf("```\n", 6));
  const fixture = readFileSync(new URL("./fixtures/otel-recipe.ts", import.meta.url), "utf8");
  expect(fixture.slice(fixture.indexOf("\n") + 1)).toBe(block);
});

test("each attempt becomes a span: completed, retried, failed for good", async () => {
  const cue = new Cue({ threads: 1 });
  let calls = 0;
  cue.task("fetch", { run: async () => "page" });
  cue.task("flaky", {
    retry: { attempts: 2, backoff: { initial: 1 } },
    run: async () => {
      calls++;
      if (calls === 1) throw new Error("transient");
      return "ok";
    },
  });
  cue.task("broken", {
    run: async () => {
      throw new Error("for good");
    },
  });
  cue.start();
  const fetched = cue.submit("fetch");
  const flaky = cue.submit("flaky");
  const broken = cue.submit("broken");
  await cue.idle();
  await cue.stop();

  const spans = exporter.getFinishedSpans();
  const summary = spans
    .map((span) => ({
      name: span.name,
      id: span.attributes["runcue.work.id"],
      attempt: span.attributes["runcue.work.attempt"],
      error: span.status.code === SpanStatusCode.ERROR ? span.status.message : undefined,
      willRetry: span.attributes["runcue.will_retry"],
    }))
    .sort((a, b) => `${a.id}#${a.attempt}`.localeCompare(`${b.id}#${b.attempt}`));
  expect(summary).toEqual(
    [
      { name: "runcue fetch", id: fetched, attempt: 1, error: undefined, willRetry: undefined },
      { name: "runcue flaky", id: flaky, attempt: 1, error: "transient", willRetry: true },
      { name: "runcue flaky", id: flaky, attempt: 2, error: undefined, willRetry: undefined },
      { name: "runcue broken", id: broken, attempt: 1, error: "for good", willRetry: false },
    ].sort((a, b) => `${a.id}#${a.attempt}`.localeCompare(`${b.id}#${b.attempt}`)),
  );
  for (const span of spans) {
    expect(span.attributes["runcue.wait_ms"]).toBeGreaterThanOrEqual(0);
    expect(span.ended).toBe(true);
  }
  const completed = spans.find((span) => span.name === "runcue fetch")!;
  expect(completed.attributes["runcue.run_ms"]).toBeGreaterThanOrEqual(0);
  const failed = spans.find((span) => span.name === "runcue broken")!;
  expect(failed.events.map((event) => event.name)).toEqual(["exception"]);
});
