import type { Work, WorkState } from "runcue";
import { messages } from "./errors.js";

/** One row of the works table. */
export interface WorkRow {
  id: string;
  task: string;
  state: WorkState;
  skipped: boolean;
  attempt: number;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  /** The params as short text (typed arrays by their length only). */
  params: string;
  error?: string;
}

/** A work with everything the page shows when a row is opened. */
export interface WorkDetail extends WorkRow {
  errorStack?: string;
  /** The result as short text. */
  result?: string;
}

/** One page of `list()`. */
export interface WorksPage {
  works: WorkRow[];
  offset: number;
  limit: number;
  hasMore: boolean;
  /** ms the `list()` call took. */
  costMs: number;
}

export interface WorksQuery {
  state: WorkState | undefined;
  task: string | undefined;
  offset: number;
  limit: number;
}

const STATES: readonly WorkState[] = ["pending", "running", "completed", "failed", "cancelled"];
const MAX_LIMIT = 500;

/** Reads `?state=&task=&offset=&limit=`, throwing a message naming the bad parameter. */
export function parseWorksQuery(search: URLSearchParams): WorksQuery {
  const state = search.get("state") || undefined;
  if (state !== undefined && !STATES.includes(state as WorkState)) {
    throw new Error(messages.badQuery("state", state, STATES.join(", ")));
  }
  const whole = (name: string, fallback: number, max: number) => {
    const text = search.get(name);
    if (text === null || text === "") return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new Error(messages.badQuery(name, text, `a whole number from 0 to ${max}`));
    }
    return value;
  };
  return {
    state: state as WorkState | undefined,
    task: search.get("task") || undefined,
    offset: whole("offset", 0, Number.MAX_SAFE_INTEGER),
    limit: whole("limit", 50, MAX_LIMIT),
  };
}

type Lister = (filter: { state?: WorkState; task?: string; limit: number }) => Work[];

/**
 * One page of works in submission order. `list()` has no offset, so the
 * page costs `offset + limit` snapshots: cheap near the start, ~20 ms at
 * offset 100,000 (measured in the dashboard's tests).
 */
export function readWorksPage(list: Lister, query: WorksQuery): WorksPage {
  const started = performance.now();
  const works = list({
    ...(query.state ? { state: query.state } : {}),
    ...(query.task ? { task: query.task } : {}),
    limit: query.offset + query.limit + 1,
  });
  const page = works.slice(query.offset, query.offset + query.limit);
  return {
    works: page.map(toRow),
    offset: query.offset,
    limit: query.limit,
    hasMore: works.length > query.offset + query.limit,
    costMs: performance.now() - started,
  };
}

export function toRow(work: Work): WorkRow {
  const row: WorkRow = {
    id: work.id,
    task: work.task,
    state: work.state,
    skipped: work.skipped,
    attempt: work.attempt,
    createdAt: work.createdAt,
    params: preview(work.params, 160),
  };
  if (work.startedAt !== undefined) row.startedAt = work.startedAt;
  if (work.completedAt !== undefined) row.completedAt = work.completedAt;
  if (work.error !== undefined) row.error = work.error.message;
  return row;
}

export function toDetail(work: Work): WorkDetail {
  const detail: WorkDetail = { ...toRow(work), params: preview(work.params, 4_000) };
  if (work.error?.stack !== undefined) detail.errorStack = work.error.stack;
  if (work.state === "completed" && !work.skipped) detail.result = preview(work.result, 4_000);
  return detail;
}

/** JSON-ish text of any value, cut at `max` characters; binary data by its size only. */
export function preview(value: unknown, max: number): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
        // the value before its toJSON(): a Buffer would otherwise expand to an array of numbers
        const original = key === "" ? value : this[key];
        if (ArrayBuffer.isView(original)) {
          return `<${original.constructor.name} ${original.byteLength} bytes>`;
        }
        if (typeof item === "bigint") return `${item}n`;
        if (item instanceof ArrayBuffer) return `<ArrayBuffer ${item.byteLength} bytes>`;
        if (item instanceof Map) return `<Map ${item.size}>`;
        if (item instanceof Set) return `<Set ${item.size}>`;
        return item;
      }) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
