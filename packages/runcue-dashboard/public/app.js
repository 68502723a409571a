// The dashboard page: reads /api/config once, then /api/events (server-sent
// events, one coalesced update per interval), and /api/works for the table.
// Nothing here grows with the number of works: the server counts and pages.

const $ = (selector) => document.querySelector(selector);
const STATES = ["pending", "running", "completed", "skipped", "failed", "cancelled"];
const REASONS = [
  "not_ready",
  "service_full",
  "threads_busy",
  "delayed",
  "queued",
  "not_started",
  "unknown_task",
];

let config;
let latest;
let chart;
const series = [[], [], [], []];
const panels = new Map();
const tasksSeen = new Set();
const works = { offset: 0 };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function bar(value, limit, label) {
  const share = limit > 0 ? Math.min(1, value / limit) : 0;
  const fill = element("span");
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  return element(
    "div",
    { class: `bar${limit > 0 && value >= limit ? " full" : ""}` },
    fill,
    element("em", { text: label }),
  );
}

const number = (value) => (value ?? 0).toLocaleString("en-US");
function duration(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

// ── token ─────────────────────────────────────────────────────────────
function token() {
  return sessionStorage.getItem("runcue-dashboard-token") ?? "";
}
function readTokenFromHash() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem("runcue-dashboard-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

// ── counts, services, blocked, threads ───────────────────────────────
function renderCounts(stats, sample) {
  const box = $("#counts");
  box.replaceChildren(
    ...STATES.map((state) =>
      element(
        "div",
        { class: `count ${state}`, "data-count": state },
        element("div", { class: "label", text: state }),
        element("div", { class: "value", text: number(stats[state]) }),
      ),
    ),
    element(
      "div",
      { class: "count", "data-count": "throughput" },
      element("div", { class: "label", text: "completed / s" }),
      element("div", { class: "value", text: number(sample?.completedPerSecond ?? 0) }),
    ),
  );
}

function nextStartText(service) {
  if (service.concurrent !== undefined && service.running >= service.concurrent) {
    return "when a running work ends";
  }
  const nextIn = service.rate?.nextStartIn ?? service.nextStartIn;
  if (typeof nextIn === "number") return nextIn <= 0 ? "now" : `in ${duration(nextIn)}`;
  if (
    service.rate &&
    typeof service.rate.used === "number" &&
    service.rate.used >= service.rate.limit
  ) {
    return "when the window frees";
  }
  return "now";
}

function renderServices(stats) {
  const rows = Object.entries(stats.services ?? {}).map(([name, service]) => {
    const limit = service.concurrent;
    const running =
      limit === undefined
        ? element("span", { text: `${number(service.running)} running (no limit)` })
        : bar(service.running, limit, `${service.running} / ${limit}`);
    let rate = element("span", { class: "note", text: "no rate limit" });
    if (service.rate) {
      const used = service.rate.used;
      const label = `${used === undefined ? "?" : used} / ${service.rate.limit} per ${duration(service.rate.interval)}`;
      rate = bar(used ?? 0, service.rate.limit, label);
    }
    return element(
      "tr",
      { "data-service": name },
      element("td", { text: name }),
      element("td", {}, running),
      element("td", {}, rate),
      element("td", { class: "next-start", text: nextStartText(service) }),
    );
  });
  if (rows.length === 0)
    rows.push(
      element("tr", {}, element("td", { colspan: "4", class: "note", text: "No services." })),
    );
  $("#services tbody").replaceChildren(...rows);
}

function renderBlocked(state) {
  const counts = state.blocked ?? {};
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const reasons = [
    ...REASONS.filter((reason) => counts[reason]),
    ...Object.keys(counts).filter((reason) => !REASONS.includes(reason)),
  ];
  const box = $("#blocked");
  if (reasons.length === 0) {
    box.replaceChildren(
      element("p", { class: "note", text: state.stats.pending ? "Counting…" : "Nothing pending." }),
    );
  } else {
    box.replaceChildren(
      ...reasons.map((reason) =>
        element(
          "div",
          { class: "reason", "data-reason": reason },
          element("strong", { text: reason }),
          bar(counts[reason], total, number(counts[reason])),
          state.blockedInfo?.examples?.[reason]
            ? element("small", { text: state.blockedInfo.examples[reason] })
            : null,
        ),
      ),
    );
  }
  const info = state.blockedInfo;
  $("#blocked-info").textContent = info?.at
    ? `debugBlocked() as of ${duration(Math.max(0, state.time - info.at))} ago, took ${info.costMs.toFixed(1)} ms` +
      (info.nextIn > state.interval
        ? `; asked again in ${duration(info.nextIn)} (kept under 1% of the main thread)`
        : "")
    : "";
}

function renderPools(stats) {
  const pools = [];
  const named = stats.pools ?? {};
  if (!("local" in named) && stats.threads) pools.push(["local", stats.threads]);
  pools.push(...Object.entries(named));
  const box = $("#pools");
  box.replaceChildren(
    ...pools.map(([name, pool]) => {
      const block = element(
        "div",
        { class: "pool", "data-pool": name },
        element(
          "div",
          { class: "reason" },
          element("strong", { text: name }),
          bar(pool.busy, pool.size, `${pool.busy} / ${pool.size} busy`),
        ),
      );
      for (const worker of pool.workers ?? []) {
        block.append(
          element(
            "div",
            { class: "reason worker", "data-worker": worker.id },
            element("span", { text: `${worker.host ?? worker.id}`, title: worker.id }),
            bar(worker.busy, worker.threads, `${worker.busy} / ${worker.threads} busy`),
          ),
        );
      }
      return block;
    }),
  );
}

// ── chart ─────────────────────────────────────────────────────────────
function addSample(sample) {
  if (!sample) return;
  const time = sample.time / 1000;
  const last = series[0].at(-1);
  if (last !== undefined && time <= last) return;
  series[0].push(time);
  series[1].push(sample.completedPerSecond);
  series[2].push(sample.failedPerSecond);
  series[3].push(sample.running);
  if (series[0].length > 600) for (const column of series) column.shift();
}

function renderChart() {
  const box = $("#chart");
  if (!chart) {
    if (typeof uPlot !== "function") return;
    chart = new uPlot(
      {
        width: Math.max(300, box.clientWidth),
        height: 220,
        series: [
          {},
          { label: "completed / s", stroke: "#1a9e5c", width: 2, fill: "rgba(26,158,92,0.08)" },
          { label: "failed / s", stroke: "#d13b3b", width: 2 },
          { label: "running", stroke: "#3563e9", width: 1, dash: [4, 4], scale: "running" },
        ],
        axes: [{}, { label: "per second" }, { side: 1, scale: "running", grid: { show: false } }],
        scales: { x: { time: true } },
      },
      series,
      box,
    );
    new ResizeObserver(() =>
      chart.setSize({ width: Math.max(300, box.clientWidth), height: 220 }),
    ).observe(box);
  } else {
    chart.setData(series);
  }
}

// ── failures ──────────────────────────────────────────────────────────
let failuresKey = "";
function renderFailures(failures) {
  const key = failures.map((failure) => failure.id).join(",");
  if (key === failuresKey) return;
  failuresKey = key;
  const box = $("#failures");
  if (failures.length === 0)
    return box.replaceChildren(element("p", { class: "note", text: "None." }));
  box.replaceChildren(
    ...failures.map((failure) =>
      element(
        "details",
        { class: "failure", "data-work": failure.id },
        element(
          "summary",
          {},
          element("strong", { text: `${failure.id} ` }),
          element("span", { text: `${failure.task} (attempt ${failure.attempt}) ` }),
          element("span", { class: "error", text: `${failure.name}: ${failure.message}` }),
          element("span", { class: "note", text: ` ${new Date(failure.at).toLocaleTimeString()}` }),
        ),
        element("pre", { text: failure.stack ?? failure.message }),
      ),
    ),
  );
}

// ── panels ────────────────────────────────────────────────────────────
async function mountPanels() {
  for (const panel of config.panels) {
    const body = element("div", { class: "panel-body" });
    const section = element(
      "section",
      { class: "card", id: `panel-${panel.id}`, "data-panel": panel.id },
      element("h2", { text: panel.title }),
      body,
    );
    $("#panels").before(section);
    try {
      const module = await import(`/panels/${panel.id}/module.js`);
      const base = `/panels/${panel.id}/files/`;
      const context = { id: panel.id, file: (name) => fetch(base + encodeURIComponent(name)) };
      panels.set(panel.id, module.default(body, context));
      if (latest) panels.get(panel.id)?.update?.(latest.panels?.[panel.id], latest);
    } catch (error) {
      body.textContent = `This panel failed to load: ${error.message}`;
    }
  }
}

// ── works table ───────────────────────────────────────────────────────
let worksTimer;
async function loadWorks() {
  clearTimeout(worksTimer);
  if (document.visibilityState === "hidden") {
    // a tab in the background asks for nothing; it reads the page again when shown
    document.addEventListener("visibilitychange", loadWorks, { once: true });
    return;
  }
  const limit = Number($("#filter-limit").value);
  const query = new URLSearchParams({ offset: String(works.offset), limit: String(limit) });
  if ($("#filter-state").value) query.set("state", $("#filter-state").value);
  if ($("#filter-task").value.trim()) query.set("task", $("#filter-task").value.trim());
  try {
    const response = await fetch(`/api/works?${query}`);
    const page = await response.json();
    if (!response.ok) throw new Error(page.error);
    renderWorks(page);
  } catch (error) {
    showMessage(`Works: ${error.message}`, true);
  }
  // the visible page is read again every 2 s: one list() call, whatever the page's viewers do
  worksTimer = setTimeout(loadWorks, 2000);
}

function renderWorks(page) {
  const rows = page.works.map((work) => {
    tasksSeen.add(work.task);
    const waited = (work.startedAt ?? work.completedAt ?? Date.now()) - work.createdAt;
    const ran =
      work.startedAt !== undefined ? (work.completedAt ?? Date.now()) - work.startedAt : undefined;
    const state = work.skipped ? "skipped" : work.state;
    const actions = element("td");
    if (work.state === "pending" || work.state === "running") {
      const button = element("button", {
        type: "button",
        class: "cancel",
        "data-cancel": work.id,
        text: "Cancel",
      });
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        cancel(work.id);
      });
      actions.append(button);
    }
    const row = element(
      "tr",
      { "data-work": work.id },
      element("td", { text: work.id }),
      element("td", { text: work.task }),
      element("td", {}, element("span", { class: `state ${work.state}`, text: state })),
      element("td", { text: String(work.attempt) }),
      element("td", { text: duration(waited) }),
      element("td", { text: ran === undefined ? "" : duration(ran) }),
      element("td", {
        class: "params",
        text: work.error ? `${work.params} — ${work.error}` : work.params,
        title: work.params,
      }),
      actions,
    );
    row.addEventListener("click", () => showWork(work.id));
    return row;
  });
  if (rows.length === 0)
    rows.push(
      element("tr", {}, element("td", { colspan: "8", class: "note", text: "No works match." })),
    );
  $("#works tbody").replaceChildren(...rows);
  $("#page-info").textContent = page.works.length
    ? `${number(page.offset + 1)}–${number(page.offset + page.works.length)}`
    : "";
  $("#prev").disabled = page.offset === 0;
  $("#next").disabled = !page.hasMore;
  $("#tasks").replaceChildren(
    ...[...tasksSeen].sort().map((task) => element("option", { value: task })),
  );
}

async function showWork(id) {
  const response = await fetch(`/api/works/${encodeURIComponent(id)}`);
  const detail = await response.json();
  const box = $("#work-detail");
  box.hidden = false;
  box.textContent = response.ok ? JSON.stringify(detail, null, 2) : detail.error;
}

function showMessage(text, isError) {
  const box = $("#action-message");
  box.hidden = false;
  box.textContent = text;
  box.className = `message${isError ? " error" : ""}`;
}

async function cancel(id) {
  const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
  const response = await fetch(`/api/works/${encodeURIComponent(id)}/cancel`, {
    method: "POST",
    headers,
  });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    showMessage(
      body.cancelled
        ? `Cancelled ${id}.`
        : `${id} was not cancelled: it had already finished (${body.state}).`,
      !body.cancelled,
    );
  } else {
    showMessage(
      `${body.error ?? `Cancel refused (HTTP ${response.status})`} [HTTP ${response.status}]`,
      true,
    );
  }
  loadWorks();
}

// ── live updates ──────────────────────────────────────────────────────
function apply(state) {
  latest = state;
  if (state.history) {
    for (const column of series) column.length = 0;
    for (const sample of state.history) addSample(sample);
  } else addSample(state.sample);
  renderCounts(state.stats, state.sample);
  renderServices(state.stats);
  renderBlocked(state);
  renderPools(state.stats);
  renderChart();
  renderFailures(state.failures ?? []);
  for (const [id, panel] of panels) panel?.update?.(state.panels?.[id], state);
  const status = $("#status");
  status.className = "status";
  status.textContent = `updated ${new Date(state.time).toLocaleTimeString()}`;
  status.dataset.time = String(state.time);
}

function connect() {
  const events = new EventSource("/api/events");
  events.onmessage = (event) => apply(JSON.parse(event.data));
  events.onerror = () => {
    const status = $("#status");
    status.className = "status down";
    status.textContent = "disconnected: retrying…";
  };
}

async function main() {
  readTokenFromHash();
  config = await (await fetch("/api/config")).json();
  document.title = `${config.title} · runcue dashboard`;
  $("#title").textContent = config.title;
  const mode = $("#mode");
  mode.textContent = config.readOnly ? "read-only" : "cancel allowed with the token";
  mode.className = config.readOnly ? "badge" : "badge write";
  if (!config.readOnly) {
    const form = $("#token-form");
    form.hidden = false;
    $("#token").value = token();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem("runcue-dashboard-token", $("#token").value);
      showMessage("Token set for this tab.", false);
    });
  }
  for (const id of ["#filter-state", "#filter-limit"])
    $(id).addEventListener("change", () => {
      works.offset = 0;
      loadWorks();
    });
  $("#works-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    works.offset = 0;
    loadWorks();
  });
  $("#filter-task").addEventListener("change", () => {
    works.offset = 0;
    loadWorks();
  });
  $("#prev").addEventListener("click", () => {
    works.offset = Math.max(0, works.offset - Number($("#filter-limit").value));
    loadWorks();
  });
  $("#next").addEventListener("click", () => {
    works.offset += Number($("#filter-limit").value);
    loadWorks();
  });
  await mountPanels();
  connect();
  loadWorks();
}

main();
