import type { BenchResult } from "./bench.js";
import { METRIC_KEYS } from "./metrics.js";
import { CONFIGS, LANGUAGES, type EvalResult, type SeedDeclineResult } from "./run-eval.js";

/** A plain-text table; `align` has one letter per column, "l" or "r" (default: two left, the rest right). */
function table(header: string[], rows: string[][], align = "ll" + "r".repeat(Math.max(0, header.length - 2))): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => (align[i] === "r" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const fixed = (value: number, digits = 3): string => value.toFixed(digits);

export function formatEval(result: EvalResult): string {
  const out: string[] = [];
  const index = result.index;
  out.push(`${result.dataset}: ${result.questions} questions; index ${index.articles} articles / ${index.passages} passages (${index.built ? "built" : "cached"}, ${index.passages_embedded} passages embedded, ${fixed(index.seconds, 1)} s); found threshold id ${result.found_threshold.id} / en ${result.found_threshold.en}${result.forced_lang ? "; language forced from labels" : ""}`);
  out.push("");
  const rows: string[][] = [];
  for (const lang of LANGUAGES) {
    for (const config of CONFIGS) {
      const m = result.configs[config][lang];
      if (!m) continue;
      rows.push([lang, config, String(m.n), ...METRIC_KEYS.map((key) => fixed(m[key]))]);
    }
  }
  out.push(table(["lang", "config", "n", "R@1", "R@3", "R@10", "MRR@10", "nDCG@10", "found"], rows));
  if (result.declined) {
    out.push("", "Unanswerable questions (excluded above); decline = found is false:");
    const declineRows: string[][] = [];
    for (const lang of LANGUAGES) {
      for (const config of CONFIGS) {
        const d = result.declined[config][lang];
        if (d) declineRows.push([lang, config, String(d.n), fixed(d.decline_rate)]);
      }
    }
    out.push(table(["lang", "config", "n", "declined"], declineRows));
  }
  const rate = (value: number | null): string => (value === null ? "—" : fixed(value));
  const answerRows = LANGUAGES.flatMap((lang) => {
    const a = result.answers[lang];
    return a ? [[lang, "", String(a.n), fixed(a.found_rate), fixed(a.direct_rate), rate(a.highlight_has_answer), rate(a.quotes_have_answer), rate(a.top1_passage_has_answer)]] : [];
  });
  if (answerRows.length > 0) {
    out.push("", "Answers as the bot gives them (engine.ask), answerable questions; a hit = an answer string inside the text:");
    out.push(table(["lang", "", "n", "found", "direct", "bold sentence", "any quote", "top-1 passage"], answerRows));
  }
  const unanswerableRows = LANGUAGES.flatMap((lang) => {
    const u = result.unanswerable?.[lang];
    return u ? [[lang, "", String(u.n), fixed(u.declined_rate), fixed(u.not_direct_rate)]] : [];
  });
  if (unanswerableRows.length > 0) out.push("", "Unanswerable questions through engine.ask:", table(["lang", "", "n", "declined", "not direct"], unanswerableRows));
  out.push("");
  const skipped = result.skipped_corpus;
  out.push(`Corpus entries rejected by the cleaner (never retrievable): ${skipped.count} of ${skipped.corpus}${skipped.count ? ` (${skipped.ids.slice(0, 5).join(", ")}${skipped.count > 5 ? ", …" : ""}); questions whose every relevant entry was rejected: ${skipped.unreachable_questions}` : ""}`);
  for (const lang of LANGUAGES) {
    const d = result.language_detection[lang];
    if (d) out.push(`Language detection: ${d.detected_other} of ${d.n} "${lang}" questions detected as the other language`);
  }
  const ms = result.ms_per_question;
  out.push(`Engine code: ${result.code.commit ?? "?"}${result.code.dirty ? " + uncommitted changes" : ""}, fingerprint ${result.code.engine_fingerprint}`);
  out.push(`Per question: embed ${fixed(ms.embed, 1)} ms; search lexical ${fixed(ms.lexical, 1)} ms, dense ${fixed(ms.dense, 1)} ms, hybrid ${fixed(ms.hybrid, 1)} ms. Total ${fixed(result.seconds, 1)} s.`);
  return out.join("\n");
}

export function formatSeedDecline(result: SeedDeclineResult): string {
  const out: string[] = [];
  out.push(`${result.dataset}: ${result.questions} questions asked of the seed knowledge base (all out of scope); found threshold id ${result.found_threshold.id} / en ${result.found_threshold.en}`);
  const rows: string[][] = [];
  for (const lang of LANGUAGES) {
    const d = result.against_seed[lang];
    if (d) rows.push([lang, "", String(d.n), fixed(d.decline_rate)]);
  }
  rows.push(["all", "", String(result.against_seed.all.n), fixed(result.against_seed.all.decline_rate)]);
  out.push("", table(["lang", "", "n", "declined"], rows), "");
  const sanity = result.seed_sanity;
  out.push(`Seed sanity questions: ${sanity.found}/${sanity.n} found, ${sanity.expected_article_first}/${sanity.n} with the expected article first.`);
  for (const failure of sanity.failures) out.push(`  FAIL ${failure.question} → expected ${failure.expected}, got ${failure.got ?? "nothing"}${failure.found ? "" : " (not found)"}`);
  for (const weak of sanity.known_weak) {
    out.push(`  ${weak.passes ? "NOW PASSES (drop its knownWeak flag)" : "known weak"}: ${weak.question} → ${weak.passes ? weak.expected : `got ${weak.got ?? "nothing"}${weak.found ? "" : " (not found)"}; ${weak.why}`}`);
  }
  out.push(`Engine code: ${result.code.commit ?? "?"}${result.code.dirty ? " + uncommitted changes" : ""}, fingerprint ${result.code.engine_fingerprint}. Total ${fixed(result.seconds, 1)} s.`);
  return out.join("\n");
}

export function formatBench(result: BenchResult): string {
  const rows: string[][] = [
    ["articles ingested", String(result.articles), `${result.rejected_articles} rejected by the cleaner`],
    ["passages", String(result.passages), ""],
    ["ingest", `${fixed(result.ingest_passages_per_s, 1)} passages/s`, `${fixed(result.ingest_articles_per_s, 1)} articles/s`],
    ["index build", `${fixed(result.build_s, 1)} s`, `parse ${fixed(result.breakdown_s.parse, 1)} s, embed ${fixed(result.breakdown_s.embed, 1)} s, index+write ${fixed(result.breakdown_s.index_and_write, 1)} s`],
    ["index size", `${(result.index_bytes / 1048576).toFixed(1)} MB`, `${result.index_bytes} bytes`],
    ["peak RSS", `${fixed(result.peak_rss_mb, 0)} MB`, "whole run, ingest included"],
    ["serving RSS", `${fixed(result.serving_rss_mb, 0)} MB`, "cold-start process after its first answer"],
    ["cold start", `${fixed(result.cold_start_s, 2)} s`, `median of ${result.cold_start_runs_s.length}: ${result.cold_start_runs_s.map((s) => fixed(s, 2)).join(", ")}; in the child: modules ${fixed(result.cold_start_child_ms.imported / 1000, 2)} s, ready ${fixed(result.cold_start_child_ms.ready / 1000, 2)} s, first answer ${fixed(result.cold_start_child_ms.first_answer / 1000, 2)} s`],
    ["query p50", `${fixed(result.query_ms.p50, 1)} ms`, `${result.queries} questions (${result.queries_by_lang.id} id, ${result.queries_by_lang.en} en), ${fixed(result.found_rate * 100, 0)}% found`],
    ["query p95", `${fixed(result.query_ms.p95, 1)} ms`, ""],
    ["query p99", `${fixed(result.query_ms.p99, 1)} ms`, ""],
    ["unchanged refresh", `${fixed(result.unchanged_refresh_s, 2)} s`, ""],
  ];
  return [`bench: ${result.machine.cpus} × ${result.machine.cpu_model}, ${fixed(result.machine.memory_gb, 1)} GB, Node ${result.machine.node}; 1-min load average ${fixed(result.machine.loadavg.start, 2)} at start, ${fixed(result.machine.loadavg.end, 2)} at end`, "", table(["measure", "value", "notes"], rows, "lrl"), "", `Engine code: ${result.code.commit ?? "?"}${result.code.dirty ? " + uncommitted changes" : ""}, fingerprint ${result.code.engine_fingerprint}. Total ${fixed(result.seconds, 1)} s.`].join("\n");
}
