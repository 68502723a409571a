export type { BlockedSummary } from "./blocked.js";
export type { FailureView } from "./failures.js";
export type { Sample } from "./history.js";
export type { DashboardOptions, DashboardPanel } from "./options.js";
export { type Dashboard, type DashboardUsage, serveDashboard } from "./server.js";
export type { DashboardCue, DashboardState } from "./state.js";
export type { WorkDetail, WorkRow, WorksPage } from "./works.js";
