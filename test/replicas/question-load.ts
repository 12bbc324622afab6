import type { BotMessage, ChatHandle, FakeBotApi } from "../fake-bot-api/index.js";
import { SEED_TRAFFIC_QUESTIONS } from "../helpers/seed-traffic.js";
import { until } from "../reliability/helpers.js";

/**
 * Users in groups of five, all at once, each asking its questions one after another with `/ask@bot`, and every
 * reply counted per question (a reply quotes the question's message): how the replica suite loads the bot.
 */
export interface QuestionLoad {
  users: number;
  questions: number;
  /** First user id; loads in one run use distinct users, so per-user rate limits never mix. */
  firstUserId: number;
  groupTitle: string;
  answerTimeoutMs: number;
  /** Called after each question's first reply; a test can act mid-load (kill a replica, stop Redis). */
  onAnswered?: (answered: number, roundTripMs: number) => Promise<void> | void;
}

export interface LoadResult {
  /** `chatId:messageId` of every question, in the order asked. */
  asked: string[];
  /** Replies per question. */
  replies: Map<string, number>;
  /** The first reply to each question. */
  firstReply: Map<string, BotMessage>;
  /** Questions that got more than one reply, counting replies that came after the load ended too. */
  answeredTwice(): string[];
  seconds: number;
}

const GROUP_SIZE = 5;

export async function runQuestionLoad(api: FakeBotApi, botUsername: string, load: QuestionLoad): Promise<LoadResult> {
  const groups: ChatHandle[] = [];
  for (let i = 0; i < Math.ceil(load.users / GROUP_SIZE); i++) groups.push(api.groupChat({ title: `${load.groupTitle} ${i + 1}` }));
  const chats = new Set(groups.map((group) => group.id));
  const replies = new Map<string, number>();
  const firstReply = new Map<string, BotMessage>();
  // Reads only what the fake received since the last look: thousands of replies, polled every few ms.
  let seen = api.botMessagesSince(0).length;
  const collect = (): void => {
    const fresh = api.botMessagesSince(seen);
    seen += fresh.length;
    for (const message of fresh) {
      if (!chats.has(message.chatId) || message.replyToMessageId === undefined) continue;
      const key = `${message.chatId}:${message.replyToMessageId}`;
      replies.set(key, (replies.get(key) ?? 0) + 1);
      if (!firstReply.has(key)) firstReply.set(key, message);
    }
  };
  const asked: string[] = [];
  let answered = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: load.users }, async (_, u) => {
      const user = api.user({ id: load.firstUserId + u, first_name: `Beban${u}`, language_code: u % 3 === 0 ? "en" : "id" });
      const group = groups[Math.floor(u / GROUP_SIZE)]!;
      for (let q = 0; q < load.questions; q++) {
        const question = SEED_TRAFFIC_QUESTIONS[(u * 7 + q * 3) % SEED_TRAFFIC_QUESTIONS.length]!;
        const queuedAt = Date.now();
        const message = await api.sendUserMessage({ chat: group, from: user, text: `/ask@${botUsername} ${question}` });
        const key = `${group.id}:${message.message_id}`;
        asked.push(key);
        const reply = await until(`a reply to ${key}`, () => (collect(), firstReply.get(key)), load.answerTimeoutMs, 5);
        await load.onAnswered?.(++answered, reply.sentAt - queuedAt);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  return {
    asked,
    replies,
    firstReply,
    seconds,
    answeredTwice: () => {
      collect();
      return asked.filter((key) => replies.get(key)! > 1);
    },
  };
}
