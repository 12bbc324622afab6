import type { Language } from "../../retrieval/language.js";
import { dayOf, GAP_RETENTION_DAYS, MAX_GAPS, windowDays, type Gap, type GapKind, type GapStore } from "../gaps.js";
import { questionKey } from "../stats.js";
import type { RedisConnection } from "./redis-connection.js";

const DAY_PREFIX = "tanya:gaps:day:";
const ABOUT = "tanya:gaps:about:";
export const GAPS_DEGRADED = "declined and related-only questions of this time are not recorded for /gaps";
/** A day's counts and a question's details live one day longer than the window /gaps can look back. */
const TTL_SECONDS = (GAP_RETENTION_DAYS + 1) * 24 * 60 * 60;

interface About {
  text: string;
  kind: GapKind;
  lang: Language;
  lastAt: string;
}

/**
 * /gaps shared by replicas: one sorted set of counts per UTC day (ZINCRBY, so concurrent replicas never lose a
 * count; trimmed to the MAX_GAPS most asked of the day) and one small key per question with how it was last
 * answered. Both expire after the retention window, so Redis itself bounds the record in time and size. While
 * Redis is unreachable gaps are dropped, like the statistics.
 */
export class RedisGapStore implements GapStore {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly connection: RedisConnection) {}

  record(question: string, kind: GapKind, lang: Language, at: Date = new Date()): void {
    const asked = questionKey(question);
    if (!asked) return;
    const day = DAY_PREFIX + dayOf(at);
    const about: About = { text: asked.text, kind, lang, lastAt: at.toISOString() };
    const write = this.connection.redis
      .multi()
      .zincrby(day, 1, asked.key)
      .zremrangebyrank(day, 0, -(MAX_GAPS + 1))
      .expire(day, TTL_SECONDS)
      .set(ABOUT + asked.key, JSON.stringify(about), "EX", TTL_SECONDS)
      .exec();
    this.pending = write.catch((error: unknown) => this.connection.health.failed(GAPS_DEGRADED, error));
  }

  async list(options: { days: number; limit: number; now?: Date }): Promise<Gap[]> {
    const days = windowDays(options.now ?? new Date(), options.days);
    const perDay = await Promise.all(days.map((day) => this.connection.redis.zrange(DAY_PREFIX + day, 0, -1, "WITHSCORES")));
    const counts = new Map<string, number>();
    for (const entries of perDay) for (let i = 0; i < entries.length; i += 2) counts.set(entries[i]!, (counts.get(entries[i]!) ?? 0) + Number(entries[i + 1]));
    if (counts.size === 0) return [];
    const keys = [...counts.keys()];
    const abouts = await this.connection.redis.mget(...keys.map((key) => ABOUT + key));
    const gaps: Gap[] = [];
    keys.forEach((key, index) => {
      const about = parseAbout(abouts[index]);
      if (about) gaps.push({ ...about, count: counts.get(key)! });
    });
    return gaps.sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt)).slice(0, options.limit);
  }

  async flush(): Promise<void> {
    await this.pending;
  }
}

function parseAbout(raw: string | null | undefined): About | undefined {
  if (!raw) return undefined;
  try {
    const about = JSON.parse(raw) as Partial<About>;
    if (typeof about.text !== "string" || (about.kind !== "none" && about.kind !== "related") || (about.lang !== "id" && about.lang !== "en") || typeof about.lastAt !== "string") return undefined;
    return { text: about.text, kind: about.kind, lang: about.lang, lastAt: about.lastAt };
  } catch {
    return undefined;
  }
}
