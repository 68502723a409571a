import type { DashboardState } from "../src/index.js";

/** Reads server-sent events from `url` until `signal` aborts; each data line parsed as JSON. */
export async function readEvents(
  url: string,
  onState: (state: DashboardState) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        for (const line of block.split("\n")) {
          if (line.startsWith("data: ")) onState(JSON.parse(line.slice(6)) as DashboardState);
        }
        end = buffered.indexOf("\n\n");
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** Resolves once `predicate` holds, checking at each SSE update of the dashboard at `base`. */
export async function waitForState(
  base: string,
  predicate: (state: DashboardState) => boolean,
  timeout = 20_000,
): Promise<DashboardState> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error("timed out")), timeout);
  let found: DashboardState | undefined;
  await readEvents(
    `${base}api/events`,
    (state) => {
      if (!found && predicate(state)) {
        found = state;
        controller.abort();
      }
    },
    controller.signal,
  );
  clearTimeout(timer);
  if (!found) throw new Error("the awaited dashboard state never came");
  return found;
}

export async function getJson<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as T };
}
