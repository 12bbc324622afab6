import { create, insertMultiple, load, removeMultiple, save, search, type AnyOrama, type RawData } from "@orama/orama";
import { stemmer } from "@orama/stemmers/indonesian";
import { stopwords as indonesianStopwords } from "@orama/stopwords/indonesian";

export interface LexicalDocument {
  id: string;
  title: string;
  text: string;
}

export interface LexicalHit {
  id: string;
  score: number;
}

const schema = { title: "string", text: "string" } as const;

function createDb(): AnyOrama {
  return create({
    schema,
    components: {
      tokenizer: { language: "indonesian", stemming: true, stemmer, stopWords: indonesianStopwords },
    },
  }) as AnyOrama;
}

/**
 * BM25 over passage text and article title, with Orama's Indonesian tokenizer, Snowball stemmer and
 * stopword list. Swappable: the rest of the pipeline sees only add/remove/search/serialize.
 */
export class LexicalIndex {
  private constructor(private readonly db: AnyOrama) {}

  static empty(): LexicalIndex {
    return new LexicalIndex(createDb());
  }

  static deserialize(json: string): LexicalIndex {
    const db = createDb();
    load(db, JSON.parse(json) as RawData);
    return new LexicalIndex(db);
  }

  serialize(): string {
    return JSON.stringify(save(this.db));
  }

  async add(documents: LexicalDocument[]): Promise<void> {
    if (documents.length > 0) await insertMultiple(this.db, documents, 1000);
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length > 0) await removeMultiple(this.db, ids, 1000);
  }

  async search(query: string, limit: number, titleBoost = 1.5): Promise<LexicalHit[]> {
    if (query.trim() === "") return [];
    const result = await search(this.db, { term: query, properties: ["title", "text"], boost: { title: titleBoost }, limit });
    return result.hits.map((hit) => ({ id: String(hit.id), score: hit.score }));
  }

  /** The stemmed, stopword-free terms of a text, exactly as the index sees them. */
  terms(text: string): string[] {
    return this.db.tokenizer.tokenize(text, "indonesian", "text") as string[];
  }
}
