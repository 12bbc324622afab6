import { randomBytes } from "node:crypto";
import type { WebhookConfig } from "./webhook.js";
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  Document,
  InlineKeyboardMarkup,
  InlineQueryResult,
  InlineQueryResultsButton,
  LinkPreviewOptions,
  Message,
  MessageEntity,
  ReactionType,
  User,
  UserFromGetMe,
} from "@grammyjs/types";
import type { AnyReplyMarkup } from "./markup.js";
import { ChangeFeed } from "./waiting.js";

/*
 * The in-memory Telegram "world" as seen by one bot: users, chats with their
 * message histories, files, pending queries, and everything the bot did. It
 * holds data only; validation lives in the method handlers.
 */

export interface ChatRecord {
  chat: Chat;
  /** Telegram numbers messages per chat; user and bot messages share the counter. */
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  /** Bot blocked by the user, or removed from the group/channel. */
  blocked: boolean;
  /** Admin bots see every group message, privacy mode or not. */
  botIsAdmin: boolean;
}

export interface StoredMessage {
  /** The message as Telegram would show it now (after edits). */
  message: Message;
  fromBot: boolean;
  deleted: boolean;
  bot?: BotMessage;
}

/** One version of a bot message's content; `versions[0]` is how it was sent. */
export interface BotMessageVersion {
  at: number;
  method: string;
  text: string;
  entities: MessageEntity[];
  html?: string;
  replyMarkup?: AnyReplyMarkup;
}

/**
 * Everything the bot sent with one message. Live: edits and deletion update
 * the same object, and `versions` keeps the history.
 */
export interface BotMessage {
  chatId: number;
  messageId: number;
  /** The method that created it: "sendMessage", "sendDocument", ... */
  method: string;
  /** Current plain text (or caption), after HTML parsing and trimming. */
  text: string;
  /** Current HTML source when parse_mode was HTML. */
  html?: string;
  entities: MessageEntity[];
  replyMarkup?: AnyReplyMarkup;
  replyToMessageId?: number;
  threadId?: number;
  linkPreviewOptions?: LinkPreviewOptions;
  document?: Document;
  sentAt: number;
  editedAt?: number;
  deleted: boolean;
  versions: BotMessageVersion[];
  /** The Bot API `Message` as currently returned by Telegram. */
  message: Message;
  /** Raw parameters of the creating request. */
  params: Record<string, unknown>;
}

/** A message sent "via" an inline result; only editable through inline_message_id. */
export interface InlineMessage {
  inlineMessageId: string;
  resultId: string;
  from: User;
  text: string;
  html?: string;
  entities: MessageEntity[];
  replyMarkup?: InlineKeyboardMarkup;
  versions: BotMessageVersion[];
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  size: number;
  data: Buffer;
  fileName?: string;
  mimeType?: string;
  uploadedBy: "bot" | "user";
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

export interface CallbackQueryRecord {
  id: string;
  from: User;
  data?: string;
  chatId?: number;
  messageId?: number;
  inlineMessageId?: string;
  createdAt: number;
  answer?: CallbackAnswer;
  answeredAt?: number;
}

/** The message a chosen inline result would post, after parsing its message_text. */
export interface RenderedResult {
  id: string;
  text: string;
  entities: MessageEntity[];
  html?: string;
}

export interface InlineAnswer {
  results: InlineQueryResult[];
  /** Parsed input_message_content.message_text of each result that has one. */
  rendered: RenderedResult[];
  cache_time?: number;
  is_personal?: boolean;
  next_offset?: string;
  button?: InlineQueryResultsButton;
}

export interface InlineQueryRecord {
  id: string;
  from: User;
  query: string;
  offset: string;
  createdAt: number;
  answer?: InlineAnswer;
  answeredAt?: number;
}

export interface ChatActionRecord {
  chatId: number;
  action: string;
  threadId?: number;
  at: number;
}

export interface DraftRecord {
  chatId: number;
  draftId: number;
  text: string;
  html?: string;
  entities: MessageEntity[];
  threadId?: number;
  at: number;
}

export interface ReactionRecord {
  chatId: number;
  messageId: number;
  reaction: ReactionType[];
  isBig: boolean;
  at: number;
}

export interface CommandSet {
  scope: BotCommandScope;
  languageCode: string;
  commands: BotCommand[];
}

export class FakeState {
  readonly feed = new ChangeFeed();
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();
  readonly botMessages: BotMessage[] = [];
  readonly inlineMessages = new Map<string, InlineMessage>();
  readonly files = new Map<string, StoredFile>();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  readonly inlineQueries = new Map<string, InlineQueryRecord>();
  readonly chatActions: ChatActionRecord[] = [];
  readonly drafts: DraftRecord[] = [];
  readonly reactions: ReactionRecord[] = [];
  readonly commandSets = new Map<string, CommandSet>();
  /** setMyName, setMyDescription, ... keyed by method family and language. */
  readonly botSettings = new Map<string, unknown>();
  webhook: WebhookConfig | undefined;
  private fileCounter = 0;

  constructor(readonly bot: UserFromGetMe) {}

  /** The bot as it appears in `from` of its messages (getMe-only fields removed). */
  get botAsUser(): User {
    const { id, is_bot, first_name, username } = this.bot;
    return { id, is_bot, first_name, username };
  }

  changed(): void {
    this.feed.notify();
  }

  addUser(user: User): User {
    this.users.set(user.id, user);
    return user;
  }

  addChat(chat: Chat, options: { botIsAdmin?: boolean } = {}): ChatRecord {
    const existing = this.chats.get(chat.id);
    if (existing !== undefined) return existing;
    const record: ChatRecord = {
      chat,
      nextMessageId: 1,
      messages: new Map(),
      blocked: false,
      botIsAdmin: options.botIsAdmin ?? false,
    };
    this.chats.set(chat.id, record);
    return record;
  }

  /** Looks a chat up by numeric id or "@username", like the Bot API's chat_id. */
  findChat(chatId: number | string): ChatRecord | undefined {
    if (typeof chatId === "number") return this.chats.get(chatId);
    const username = chatId.replace(/^@/, "").toLowerCase();
    if (!chatId.startsWith("@")) return undefined;
    for (const record of this.chats.values()) {
      if (record.chat.type !== "private" && record.chat.username?.toLowerCase() === username) return record;
    }
    return undefined;
  }

  nextMessageId(chat: ChatRecord): number {
    return chat.nextMessageId++;
  }

  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    return stored === undefined || stored.deleted ? undefined : stored;
  }

  storeMessage(chat: ChatRecord, message: Message, fromBot: boolean, bot?: BotMessage): StoredMessage {
    const stored: StoredMessage = { message, fromBot, deleted: false, ...(bot === undefined ? {} : { bot }) };
    chat.messages.set(message.message_id, stored);
    if (chat.nextMessageId <= message.message_id) chat.nextMessageId = message.message_id + 1;
    if (bot !== undefined) this.botMessages.push(bot);
    this.changed();
    return stored;
  }

  addFile(input: {
    data: Buffer;
    fileName?: string;
    mimeType?: string;
    uploadedBy: "bot" | "user";
    folder?: string;
    size?: number;
  }): StoredFile {
    const n = this.fileCounter++;
    const extension = /\.([A-Za-z0-9]{1,8})$/.exec(input.fileName ?? "")?.[1] ?? "dat";
    const file: StoredFile = {
      // Real ids are opaque base64url strings of roughly this shape.
      fileId: `BQACAgUAAxkBAAI${randomToken(40)}`,
      fileUniqueId: `AgAD${randomToken(12)}`,
      filePath: `${input.folder ?? "documents"}/file_${n}.${extension}`,
      size: input.size ?? input.data.length,
      data: input.data,
      uploadedBy: input.uploadedBy,
      ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
      ...(input.mimeType === undefined ? {} : { mimeType: input.mimeType }),
    };
    this.files.set(file.fileId, file);
    return file;
  }

  fileByPath(path: string): StoredFile | undefined {
    for (const file of this.files.values()) if (file.filePath === path) return file;
    return undefined;
  }
}

/** Bot API `Message.reply_to_message` never nests another reply. */
export function replySnapshot(message: Message): Message & { reply_to_message: undefined } {
  const { reply_to_message: _dropped, ...rest } = message;
  return rest as Message & { reply_to_message: undefined };
}

export function randomToken(length: number): string {
  return randomBytes(length).toString("base64url").slice(0, length);
}

/** Telegram's query ids and chat_instance values are 64-bit integers as strings. */
export function randomId64(): string {
  return BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()).toString();
}

export function documentOf(file: StoredFile): Document {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    ...(file.fileName === undefined ? {} : { file_name: file.fileName }),
    ...(file.mimeType === undefined ? {} : { mime_type: file.mimeType }),
    file_size: file.size,
  };
}
