import type { Chat, Message, MessageEntity, Update, User } from "@grammyjs/types";
import type { BotMessage, BotMessageVersion } from "./state.js";
import type { LengthUnit } from "./text.js";
import type { WebhookDeliveryOptions } from "./webhook.js";

/* Options and inputs of the test harness (FakeBotApi). */

export interface FakeBotApiOptions {
  /** Bot token; the numeric prefix becomes the bot id. Default "7000000001:AAFakeTokenForEndToEndTests". */
  token?: string;
  botId?: number;
  /** Default "FakeTestBot". */
  botUsername?: string;
  botFirstName?: string;
  /** BotFather privacy mode; on by default like every new bot. */
  privacyMode?: boolean;
  /** Default true. */
  supportsInlineQueries?: boolean;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /**
   * How the 4096/1024 limits are counted. Default "utf16" (JavaScript's
   * `.length`, never more lenient than Telegram). Real Telegram counts Unicode
   * code points, which "codepoint" reproduces exactly.
   */
  lengthUnit?: LengthUnit;
  /** Reject a bare "&" in HTML (Telegram itself keeps it literally). Default false. */
  rejectBareAmpersand?: boolean;
  /** How long callback/inline queries stay answerable. Default 15 000 ms. */
  queryTtlMs?: number;
  firstUpdateId?: number;
  /** Default timeout of the harness's wait* helpers. Default 5 000 ms. */
  defaultTimeoutMs?: number;
  /** Receives one line per API call, e.g. `console.log`. */
  log?: (line: string) => void;
  /** Deliver updates to the webhook the bot sets (see webhook.ts); without it a webhook is only recorded. */
  webhook?: WebhookDeliveryOptions;
}

/** A chat the harness created; pass it to the send/press helpers. */
export interface ChatHandle {
  readonly id: number;
  readonly chat: Chat;
  /** The user on the other side of a private chat. */
  readonly user?: User;
}

export type UserInit = Omit<User, "is_bot"> & { is_bot?: boolean };

export interface GroupInit {
  id?: number;
  title: string;
  /** Default "supergroup". */
  type?: "group" | "supergroup";
  username?: string;
  isForum?: boolean;
  /** Admin bots receive all messages despite privacy mode. */
  botIsAdmin?: boolean;
}

export interface ChannelInit {
  id?: number;
  title: string;
  username?: string;
}

/** A message to reply to: a Message, a bot message record, or a message_id in the same chat. */
export type MessageRef = Message | BotMessage | number;

export interface UserMessageInput {
  chat: ChatHandle;
  /** Default: the private chat's user. Required in groups. Ignored for channels. */
  from?: User;
  text?: string;
  /** Default: detected like Telegram (commands, mentions, hashtags, URLs, e-mails). */
  entities?: MessageEntity[];
  replyTo?: MessageRef;
  /** Forum topic / thread. */
  threadId?: number;
  /** Any other Message fields: sticker, photo, voice, location, poll, caption, new_chat_members, ... */
  content?: Partial<Message>;
  date?: number;
  /** Apply group privacy filtering (default true). */
  privacy?: boolean;
}

export interface UserDocumentInput extends Omit<UserMessageInput, "text" | "entities" | "content"> {
  fileName: string;
  content: Buffer | string;
  mimeType?: string;
  caption?: string;
  /** Pretend the file has this size (to test "file is too big" without allocating it). */
  size?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface BotMessageQuery extends WaitOptions {
  chat?: ChatHandle;
  chatId?: number;
  predicate?: (message: BotMessage) => boolean;
}

export interface BotEditQuery extends WaitOptions {
  chat?: ChatHandle;
  chatId?: number;
  messageId?: number;
  predicate?: (message: BotMessage, version: BotMessageVersion) => boolean;
}

export interface DeliveryRecord {
  message: Message;
  delivered: boolean;
  reason: string;
  update?: Update;
}

/** Update payload for pushUpdate: message-like fields may omit message_id and date. */
export type MessageInput = Omit<Message, "message_id" | "date"> & { message_id?: number; date?: number };
export type UpdateInput = Omit<
  Partial<Update>,
  "update_id" | "message" | "edited_message" | "channel_post" | "edited_channel_post"
> & {
  message?: MessageInput;
  edited_message?: MessageInput;
  channel_post?: MessageInput;
  edited_channel_post?: MessageInput;
};
