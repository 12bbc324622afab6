import type { RefreshReport } from "./refresh.js";

/** The refresh report as a few readable lines (ingest, postinstall, the bot's /reload). */
export function formatReport(report: RefreshReport): string {
  const lines = [
    `added ${report.added.length}, updated ${report.updated.length}, removed ${report.removed.length}, unchanged ${report.unchanged}`,
    `passages embedded ${report.passagesEmbedded}, ${report.seconds.toFixed(2)} s`,
  ];
  if (report.rebuilt) lines.unshift(report.rebuilt.startsWith("missing") ? "first build of the index" : `full rebuild (${report.rebuilt})`);
  for (const [label, ids] of [["added", report.added], ["updated", report.updated], ["removed", report.removed]] as const) {
    if (ids.length > 0 && ids.length <= 20) lines.push(`  ${label}: ${ids.join(", ")}`);
  }
  for (const problem of report.problems) lines.push(`  problem: ${problem.message}`);
  return lines.join("\n");
}
