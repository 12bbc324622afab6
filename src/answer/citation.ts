import { formatDate } from "../knowledge/dates.js";
import type { Language } from "../retrieval/language.js";
import type { Citation } from "./answer.js";

/** "Title — Outlet, 24 September 2019" (the parts that are known). */
export function citationLabel(citation: Pick<Citation, "title" | "source" | "date">, lang: Language): string {
  const details = [citation.source, citation.date ? formatDate(citation.date, lang) : null].filter(Boolean).join(", ");
  return details ? `${citation.title} — ${details}` : citation.title;
}
