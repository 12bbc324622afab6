import type { ArticleMetadata } from "./article.js";
import { cleanArticleText } from "./clean.js";
import { normaliseDate } from "./dates.js";
import type { ExtractedDocument } from "./formats/types.js";
import { detectDate, detectSource } from "./metadata.js";

export interface NewsText {
  /** Empty when the source has no title (then no line is taken for one). */
  title: string;
  body: string;
  meta?: ArticleMetadata;
  rawDate?: unknown;
  keepListItems?: boolean;
}

/**
 * A pasted news article or admin-written text: boilerplate cleaned away (clean.ts), outlet and date read from
 * the byline when the file does not name them. No pages or sections: such texts have neither.
 */
export function newsDocument(input: NewsText): ExtractedDocument {
  const { title, body, meta = {}, rawDate } = input;
  const cleaned = cleanArticleText(body, { title, keepListItems: input.keepListItems });
  const source = meta.source ?? detectSource([...cleaned.header, ...cleaned.text.split("\n\n").slice(0, 2), ...cleaned.dropped]);
  const date = normaliseDate(rawDate) ?? detectDate(cleaned.header, cleaned.text);
  return { text: cleaned.text, pages: [], sections: [], metadata: { title, source, date: date ?? undefined, url: meta.url } };
}
