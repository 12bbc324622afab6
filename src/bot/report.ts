import type { RefreshReport } from "../index/refresh.js";

/**
 * The refresh report as admin-readable lines. Same content as `formatReport` in src/cli/ingest.ts, which
 * cannot be imported here: that module runs the ingest command as soon as it is loaded.
 */
export function formatRefreshReport(report: RefreshReport): string {
  const lines = [
    `added ${report.added.length}, updated ${report.updated.length}, removed ${report.removed.length}, unchanged ${report.unchanged}`,
    `passages embedded ${report.passagesEmbedded}, ${report.seconds.toFixed(2)} s`,
  ];
  if (report.rebuilt) lines.unshift(`full rebuild (${report.rebuilt})`);
  for (const [label, ids] of [["added", report.added], ["updated", report.updated], ["removed", report.removed]] as const) {
    if (ids.length > 0 && ids.length <= 20) lines.push(`  ${label}: ${ids.join(", ")}`);
  }
  for (const problem of report.problems) lines.push(`  problem: ${problem.message}`);
  return lines.join("\n");
}
