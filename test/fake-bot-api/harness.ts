import { WebhookPusher, type WebhookAttempt } from "./webhook.js";
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from "@grammyjs/types";
import { describeTimeout } from "./diagnostics.js";
import { findEntities } from "./entities.js";
import { TelegramError } from "./errors.js";
import { FaultController } from "./faults.js";
import type {
  BotEditQuery,
  BotMessageQuery,
  ChannelInit,
  ChatHandle,
  DeliveryRecord,
  FakeBotApiOptions,
  GroupInit,
  MessageRef,
  UpdateInput,
  UserDocumentInput,
  UserInit,
  UserMessageInput,
  WaitOptions,
} from "./harness-types.js";
import { callbackDataOf, inlineKeyboardOf } from "./markup.js";
import { guessMimeType } from "./methods/files.js";
import type { HandlerOptions } from "./methods/index.js";
import { isDeliveredToBot } from "./privacy.js";
import { FakeServer, type CallRecord } from "./server.js";
import {
  documentOf,
  FakeState,
  randomId64,
  randomToken,
  replySnapshot,
  type BotMessage,
  type BotMessageVersion,
  type CallbackAnswer,
  type CallbackQueryRecord,
  type ChatActionRecord,
  type ChatRecord,
  type CommandSet,
  type DraftRecord,
  type InlineAnswer,
  type InlineQueryRecord,
  type ReactionRecord,
  type StoredFile,
} from "./state.js";
import { canonicalJson, compact } from "./text.js";
import { UpdateQueue, type UpdateRecord } from "./updates.js";
import { waitUntil } from "./waiting.js";

const MESSAGE_FIELDS = ["message", "edited_message", "channel_post", "edited_channel_post"] as const;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Test harness around the fake Bot API: creates users and chats, plays the
 * user side (messages, button presses, inline queries), and exposes what the
 * bot did for assertions. All waits are event-driven and fail with a summary
 * of what the bot actually did.
 */
export class FakeBotApi {
  readonly token: string;
  readonly bot: UserFromGetMe;
  readonly faults = new FaultController();
  private readonly state: FakeState;
  private readonly queue: UpdateQueue;
  private readonly server: FakeServer;
  private readonly options: Required<Pick<FakeBotApiOptions, "privacyMode" | "defaultTimeoutMs">>;
  private readonly consumedMessages = new WeakSet<BotMessage>();
  private readonly consumedEdits = new WeakSet<BotMessageVersion>();
  private readonly chatInstances = new Map<number, string>();
  private readonly deliveryLog: DeliveryRecord[] = [];
  private readonly webhook: WebhookPusher | undefined;
  private idCounter = 0;

  private constructor(options: FakeBotApiOptions) {
    this.token = options.token ?? "7000000001:AAFakeTokenForEndToEndTests";
    const idFromToken = Number(/^(\d+):/.exec(this.token)?.[1]);
    const username = options.botUsername ?? "FakeTestBot";
    const privacyMode = options.privacyMode ?? true;
    this.bot = {
      id: options.botId ?? (Number.isSafeInteger(idFromToken) ? idFromToken : 7000000001),
      is_bot: true,
      first_name: options.botFirstName ?? (username.replace(/_?bot$/i, "") || username),
      username,
      can_join_groups: true,
      can_read_all_group_messages: !privacyMode,
      supports_inline_queries: options.supportsInlineQueries ?? true,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.options = { privacyMode, defaultTimeoutMs: options.defaultTimeoutMs ?? 5000 };
    this.state = new FakeState(this.bot);
    this.queue = new UpdateQueue(
      this.state.feed,
      options.firstUpdateId ?? 100_000_000 + Math.floor(Math.random() * 800_000_000),
    );
    const handlerOptions: HandlerOptions = {
      formatting: {
        lengthUnit: options.lengthUnit ?? "utf16",
        rejectBareAmpersand: options.rejectBareAmpersand ?? false,
        resolveUser: (id) => this.state.users.get(id),
      },
      queryTtlMs: options.queryTtlMs ?? 15_000,
    };
    this.server = new FakeServer({
      token: this.token,
      state: this.state,
      updates: this.queue,
      faults: this.faults,
      options: handlerOptions,
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    if (options.webhook) this.webhook = new WebhookPusher(this.state, this.queue, options.webhook);
    // An outage also cuts the long poll that is currently held open.
    this.faults.onDown(() => {
      this.queue.failWaiting(new TelegramError(502, "Bad Gateway"));
    });
  }

  /** Starts a fake Bot API on 127.0.0.1 (ephemeral port by default). */
  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(options);
    await api.server.listen(options.host ?? "127.0.0.1", options.port ?? 0);
    return api;
  }

  /** For grammY: `new Bot(api.token, { client: { apiRoot: api.apiRoot } })`. */
  get apiRoot(): string {
    return this.server.apiRoot;
  }

  async stop(): Promise<void> {
    this.webhook?.stop();
    await this.server.stop();
  }

  // ---------------------------------------------------------------- world

  user(init: UserInit): User {
    return this.state.addUser(compact({ ...init, is_bot: init.is_bot ?? false }) as User);
  }

  privateChat(init: UserInit): ChatHandle {
    const user = this.user(init);
    const chat: Chat.PrivateChat = compact({
      id: user.id,
      type: "private" as const,
      first_name: user.first_name,
      last_name: user.last_name,
      username: user.username,
    });
    this.state.addChat(chat);
    return { id: chat.id, chat, user };
  }

  groupChat(init: GroupInit): ChatHandle {
    const type = init.type ?? "supergroup";
    const n = ++this.idCounter;
    let chat: Chat.GroupChat | Chat.SupergroupChat;
    if (type === "group") {
      chat = { id: init.id ?? -(400_000_000 + n), type, title: init.title };
    } else {
      chat = compact({
        id: init.id ?? -(1_001_000_000_000 + n),
        type,
        title: init.title,
        username: init.username,
        is_forum: init.isForum === true ? (true as const) : undefined,
      });
    }
    this.state.addChat(chat, { botIsAdmin: init.botIsAdmin ?? false });
    return { id: chat.id, chat };
  }

  channel(init: ChannelInit): ChatHandle {
    const n = ++this.idCounter;
    const chat: Chat.ChannelChat = compact({
      id: init.id ?? -(1_002_000_000_000 + n),
      type: "channel" as const,
      title: init.title,
      username: init.username,
    });
    // A bot has to be an administrator to be in a channel at all.
    this.state.addChat(chat, { botIsAdmin: true });
    return { id: chat.id, chat };
  }

  /** The user blocks the bot (private) or removes it (groups/channels): sends then fail with 403. */
  setBlocked(chat: ChatHandle | number, blocked = true): void {
    this.chatRecord(typeof chat === "number" ? chat : chat.id).blocked = blocked;
  }

  /** Registers a file (as if a user uploaded it) without sending a message, e.g. for photo/voice content. */
  createFile(input: { content: Buffer | string; fileName?: string; mimeType?: string; size?: number; folder?: string }): StoredFile {
    const data = typeof input.content === "string" ? Buffer.from(input.content) : input.content;
    const mimeType = guessMimeType(input.fileName, input.mimeType);
    return this.state.addFile(
      compact({
        data,
        fileName: input.fileName,
        mimeType,
        uploadedBy: "user" as const,
        folder: input.folder,
        size: input.size,
      }),
    );
  }

  // ---------------------------------------------------------- user side

  /**
   * A user (or a channel, for channel chats) posts a message. It is stored in
   * the chat history and, if Telegram would deliver it to the bot (privacy
   * mode!), queued as an update. Returns the message either way; see
   * `deliveries()` for why something was not delivered.
   */
  async sendUserMessage(input: UserMessageInput): Promise<Message> {
    const record = this.chatRecord(input.chat.id);
    const isChannel = record.chat.type === "channel";
    const from = isChannel ? undefined : this.senderFor(input.chat, input.from);
    const reply = input.replyTo === undefined ? undefined : this.resolveRef(record, input.replyTo);
    const isForum = record.chat.type === "supergroup" && record.chat.is_forum === true;
    const threadId = input.threadId ?? reply?.message_thread_id;
    const content = input.content ?? {};

    const message: Message = compact({
      message_id: this.state.nextMessageId(record),
      from,
      sender_chat: isChannel ? record.chat : undefined,
      chat: record.chat,
      date: input.date ?? nowSeconds(),
      message_thread_id: threadId,
      is_topic_message: threadId !== undefined && isForum ? (true as const) : undefined,
      reply_to_message: reply === undefined ? undefined : replySnapshot(reply),
      ...(input.text === undefined ? {} : textFields(input.text, input.entities)),
      ...content,
      ...(content.caption !== undefined && content.caption_entities === undefined
        ? captionFields(content.caption)
        : {}),
    });
    this.state.storeMessage(record, message, false);
    this.deliver(isChannel ? "channel_post" : "message", message, record, input.privacy ?? true);
    return message;
  }

  /** A user sends a document (stored, downloadable through getFile). */
  async sendUserDocument(input: UserDocumentInput): Promise<Message> {
    const file = this.createFile(
      compact({ content: input.content, fileName: input.fileName, mimeType: input.mimeType, size: input.size }),
    );
    const { fileName: _f, content: _c, mimeType: _m, caption, size: _s, ...rest } = input;
    return this.sendUserMessage({
      ...rest,
      content: compact({ document: documentOf(file), caption }),
    });
  }

  /** A user edits one of their messages: `edited_message` (or `edited_channel_post`). */
  async editUserMessage(input: {
    chat: ChatHandle;
    message: Message | number;
    text: string;
    entities?: MessageEntity[];
    privacy?: boolean;
  }): Promise<Message> {
    const record = this.chatRecord(input.chat.id);
    const id = typeof input.message === "number" ? input.message : input.message.message_id;
    const stored = this.state.findMessage(record.chat.id, id);
    if (stored === undefined || stored.fromBot) {
      throw new Error(`fake-bot-api: no user message ${id} in chat ${record.chat.id} to edit`);
    }
    const { text: _t, entities: _e, ...rest } = stored.message;
    const edited: Message = compact({ ...rest, ...textFields(input.text, input.entities), edit_date: nowSeconds() });
    stored.message = edited;
    this.state.changed();
    const type = record.chat.type === "channel" ? "edited_channel_post" : "edited_message";
    this.deliver(type, edited, record, input.privacy ?? true);
    return edited;
  }

  /**
   * Queues any update (stickers, photos, polls, my_chat_member, messages
   * from bots, ...). Message-like payloads get message_id/date filled in,
   * their chat and sender registered, and go through the privacy filter
   * unless `privacy: false`. Returns undefined when not delivered.
   */
  pushUpdate(input: UpdateInput, options: { privacy?: boolean } = {}): Update | undefined {
    const field = MESSAGE_FIELDS.find((f) => input[f] !== undefined);
    if (field === undefined) return this.queue.push(input as Omit<Update, "update_id">);
    const partial = input[field]!;
    const record = this.state.addChat(partial.chat);
    if (partial.from !== undefined && !this.state.users.has(partial.from.id)) this.state.addUser(partial.from);
    const message = {
      ...partial,
      message_id: partial.message_id ?? this.state.nextMessageId(record),
      date: partial.date ?? nowSeconds(),
    } as Message;
    if (field === "edited_message" || field === "edited_channel_post") {
      message.edit_date ??= nowSeconds();
      const stored = this.state.findMessage(record.chat.id, message.message_id);
      if (stored !== undefined) stored.message = message;
    } else {
      this.state.storeMessage(record, message, false);
    }
    return this.deliver(field, message, record, options.privacy ?? true);
  }

  /**
   * A user taps an inline button. Fails (like a real client could not) when
   * the message no longer shows a button with that callback_data, unless
   * `force`. Returns the callback query id for waitForCallbackAnswer.
   */
  async pressButton(input: {
    chat?: ChatHandle;
    from?: User;
    message: MessageRef;
    callbackData: string;
    force?: boolean;
  }): Promise<string> {
    const chatId = typeof input.message === "number" ? input.chat?.id : chatIdOf(input.message);
    if (chatId === undefined) throw new Error("fake-bot-api: pressButton needs `chat` when `message` is a number");
    const record = this.chatRecord(chatId);
    const messageId = messageIdOf(input.message);
    const stored = this.state.findMessage(chatId, messageId);
    if (stored === undefined || !stored.fromBot) {
      throw new Error(`fake-bot-api: no bot message ${messageId} in chat ${chatId} (deleted?)`);
    }
    const keyboard = inlineKeyboardOf(stored.bot?.replyMarkup);
    if (input.force !== true && !callbackDataOf(keyboard).includes(input.callbackData)) {
      throw new Error(
        `fake-bot-api: message ${messageId} has no button with callback_data ${JSON.stringify(input.callbackData)}; ` +
          `buttons: ${JSON.stringify(callbackDataOf(keyboard))}`,
      );
    }
    const from = this.senderFor(input.chat ?? this.handleOf(record), input.from);
    const query: CallbackQueryRecord = {
      id: randomId64(),
      from,
      data: input.callbackData,
      chatId,
      messageId,
      createdAt: Date.now(),
    };
    this.state.callbackQueries.set(query.id, query);
    this.queue.push({
      callback_query: {
        id: query.id,
        from,
        message: stored.message,
        chat_instance: this.chatInstance(chatId),
        data: input.callbackData,
      },
    } as Omit<Update, "update_id">);
    return query.id;
  }

  async waitForCallbackAnswer(id: string, options: WaitOptions = {}): Promise<CallbackAnswer> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    return waitUntil(
      this.state.feed,
      () => this.state.callbackQueries.get(id)?.answer,
      timeoutMs,
      () => this.timeoutError(`waitForCallbackAnswer(${id})`, timeoutMs, ["answerCallbackQuery"]),
    );
  }

  /** A user types `@bot query`; resolves with the bot's answerInlineQuery. */
  async inlineQuery(input: {
    from: User;
    query: string;
    offset?: string;
    chatType?: "sender" | "private" | "group" | "supergroup" | "channel";
    timeoutMs?: number;
  }): Promise<InlineAnswer> {
    if (!this.bot.supports_inline_queries) throw new Error("fake-bot-api: inline mode is off for this bot");
    if (!this.state.users.has(input.from.id)) this.state.addUser(input.from);
    const record: InlineQueryRecord = {
      id: randomId64(),
      from: input.from,
      query: input.query,
      offset: input.offset ?? "",
      createdAt: Date.now(),
    };
    this.state.inlineQueries.set(record.id, record);
    this.queue.push({
      inline_query: compact({
        id: record.id,
        from: input.from,
        query: input.query,
        offset: record.offset,
        chat_type: input.chatType,
      }),
    });
    const timeoutMs = input.timeoutMs ?? this.options.defaultTimeoutMs;
    return waitUntil(
      this.state.feed,
      () => record.answer,
      timeoutMs,
      () => this.timeoutError(`inlineQuery(${JSON.stringify(input.query)})`, timeoutMs, ["answerInlineQuery"]),
    );
  }

  /**
   * The user picks a result of an answered inline query. Queues
   * `chosen_inline_result`; results with an inline keyboard get an
   * inline_message_id the bot can edit.
   */
  chooseInlineResult(input: { from: User; query: string; resultId: string }): { update: Update; inlineMessageId?: string } {
    const answered = [...this.state.inlineQueries.values()]
      .reverse()
      .find((q) => q.from.id === input.from.id && q.query === input.query && q.answer !== undefined);
    const result = answered?.answer?.results.find((r) => r.id === input.resultId);
    if (answered === undefined || result === undefined) {
      throw new Error(`fake-bot-api: no answered inline result ${input.resultId} for query ${JSON.stringify(input.query)}`);
    }
    const rendered = answered.answer!.rendered.find((r) => r.id === input.resultId);
    const keyboard = "reply_markup" in result ? (result.reply_markup as InlineKeyboardMarkup | undefined) : undefined;
    let inlineMessageId: string | undefined;
    if (keyboard !== undefined) {
      inlineMessageId = randomToken(27);
      const version: BotMessageVersion = compact({
        at: Date.now(),
        method: "answerInlineQuery",
        text: rendered?.text ?? "",
        entities: rendered?.entities ?? [],
        html: rendered?.html,
        replyMarkup: keyboard,
      });
      this.state.inlineMessages.set(
        inlineMessageId,
        compact({
          inlineMessageId,
          resultId: input.resultId,
          from: input.from,
          text: version.text,
          html: version.html,
          entities: version.entities,
          replyMarkup: keyboard,
          versions: [version],
        }),
      );
    }
    const update = this.queue.push({
      chosen_inline_result: compact({
        result_id: input.resultId,
        from: input.from,
        query: input.query,
        inline_message_id: inlineMessageId,
      }),
    });
    return compact({ update, inlineMessageId });
  }

  // ------------------------------------------------------------- waiting

  /**
   * Resolves with the oldest bot message (in send order, deleted ones
   * included) that matches and comes after the last message an earlier
   * waitForBotMessage returned in that chat; waits for one if none exists
   * yet. Messages the bot sent before the wait started count, so replies
   * that beat the test to it are not lost. The record is live.
   */
  async waitForBotMessage(query: BotMessageQuery = {}): Promise<BotMessage> {
    const chatId = query.chat?.id ?? query.chatId;
    const timeoutMs = query.timeoutMs ?? this.options.defaultTimeoutMs;
    const found = await waitUntil(
      this.state.feed,
      () =>
        this.state.botMessages.find(
          (m) =>
            !this.consumedMessages.has(m) &&
            (chatId === undefined || m.chatId === chatId) &&
            (query.predicate === undefined || query.predicate(m)),
        ),
      timeoutMs,
      () =>
        this.timeoutError(
          `waitForBotMessage(${chatId === undefined ? "any chat" : `chat ${chatId}`}${query.predicate ? ", with predicate" : ""})`,
          timeoutMs,
          ["sendMessage", "sendDocument"],
          chatId,
        ),
    );
    // A per-chat cursor: whatever the bot sent in this chat up to the match
    // counts as seen, so a later wait never returns an older, skipped message.
    for (const m of this.state.botMessages) {
      if (m.chatId === found.chatId) this.consumedMessages.add(m);
      if (m === found) break;
    }
    return found;
  }

  /** Marks every bot message sent so far (optionally in one chat) as seen by waitForBotMessage. */
  skipBotMessages(chat?: ChatHandle | number): void {
    const id = typeof chat === "object" ? chat.id : chat;
    for (const m of this.state.botMessages) if (id === undefined || m.chatId === id) this.consumedMessages.add(m);
  }

  /** Like waitForBotMessage, for edits (editMessageText/Caption/ReplyMarkup) of bot messages. */
  async waitForBotEdit(query: BotEditQuery = {}): Promise<{ message: BotMessage; version: BotMessageVersion }> {
    const chatId = query.chat?.id ?? query.chatId;
    const timeoutMs = query.timeoutMs ?? this.options.defaultTimeoutMs;
    const found = await waitUntil(
      this.state.feed,
      () => {
        for (const message of this.state.botMessages) {
          if (chatId !== undefined && message.chatId !== chatId) continue;
          if (query.messageId !== undefined && message.messageId !== query.messageId) continue;
          for (const version of message.versions.slice(1)) {
            if (this.consumedEdits.has(version)) continue;
            if (query.predicate === undefined || query.predicate(message, version)) return { message, version };
          }
        }
        return undefined;
      },
      timeoutMs,
      () =>
        this.timeoutError(
          `waitForBotEdit(${chatId === undefined ? "any chat" : `chat ${chatId}`}${query.messageId === undefined ? "" : `, message ${query.messageId}`})`,
          timeoutMs,
          ["editMessageText", "editMessageReplyMarkup", "editMessageCaption"],
          chatId,
        ),
    );
    this.consumedEdits.add(found.version);
    return found;
  }

  /** Resolves once a request to `method` (matching `predicate`) has been answered. */
  async waitForCall(
    method: string,
    options: WaitOptions & { predicate?: (call: CallRecord) => boolean; since?: number } = {},
  ): Promise<CallRecord> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    const since = options.since ?? 0;
    const lower = method.toLowerCase();
    return waitUntil(
      this.state.feed,
      () =>
        this.server.calls.find(
          (c) =>
            c.method.toLowerCase() === lower &&
            c.at >= since &&
            c.outcome !== "pending" &&
            (options.predicate === undefined || options.predicate(c)),
        ),
      timeoutMs,
      () => this.timeoutError(`waitForCall(${method})`, timeoutMs, [method]),
    );
  }

  /**
   * Resolves when the bot has confirmed the update (a later getUpdates offset
   * acknowledged it), i.e. with grammY's built-in polling it has been fully
   * handled. Without an argument: every update still pending right now.
   */
  async waitForConfirmation(update?: Update | number, options: WaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    const ids =
      update === undefined
        ? this.queue
            .records()
            .filter((r) => r.status === "queued" || r.status === "delivered")
            .map((r) => r.update.update_id)
        : [typeof update === "number" ? update : update.update_id];
    await waitUntil(
      this.state.feed,
      () => {
        const records = this.queue.records().filter((r) => ids.includes(r.update.update_id));
        const dropped = records.find((r) => r.status === "dropped");
        if (dropped !== undefined) {
          throw new Error(`fake-bot-api: update ${dropped.update.update_id} was dropped: ${dropped.droppedReason}`);
        }
        return records.every((r) => r.status === "confirmed") ? true : undefined;
      },
      timeoutMs,
      () => this.timeoutError(`waitForConfirmation(${ids.join(", ")})`, timeoutMs, ["getUpdates"]),
    );
  }

  /** Resolves when a getUpdates long poll is being held open, i.e. the bot is up and idle. */
  async waitForPolling(options: WaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    await waitUntil(
      this.state.feed,
      () => (this.queue.isPolling ? true : undefined),
      timeoutMs,
      () => this.timeoutError("waitForPolling()", timeoutMs, ["getMe", "deleteWebhook", "getUpdates"]),
    );
  }

  // ------------------------------------------------------------ inspect

  /** Every request, in arrival order; `method` filters case-insensitively. */
  calls(method?: string): readonly CallRecord[] {
    if (method === undefined) return [...this.server.calls];
    const lower = method.toLowerCase();
    return this.server.calls.filter((c) => c.method.toLowerCase() === lower);
  }

  /** Requests Telegram refused (4xx/5xx) that were not caused by an injected fault: usually bot bugs. */
  failedCalls(): readonly CallRecord[] {
    return this.server.calls.filter((c) => c.ok === false && c.fault === undefined && c.outcome !== "client-aborted");
  }

  /** Exceptions inside the fake itself; should always be empty. */
  internalErrors(): readonly Error[] {
    return [...this.server.internalErrors];
  }

  botMessages(chatId?: number | ChatHandle): readonly BotMessage[] {
    const id = typeof chatId === "object" ? chatId.id : chatId;
    return this.state.botMessages.filter((m) => id === undefined || m.chatId === id);
  }

  /**
   * Bot messages from position `index` of the send order on (all chats): lets a test that follows thousands of
   * replies (the load test) read only what is new instead of copying the whole list on every poll.
   */
  botMessagesSince(index: number): readonly BotMessage[] {
    return this.state.botMessages.slice(index);
  }

  /** Every message in a chat, user and bot, in order (current versions, deleted ones excluded). */
  chatHistory(chat: number | ChatHandle): readonly Message[] {
    const record = this.chatRecord(typeof chat === "number" ? chat : chat.id);
    return [...record.messages.values()].filter((m) => !m.deleted).map((m) => m.message);
  }

  chatActions(chatId?: number | ChatHandle): readonly ChatActionRecord[] {
    const id = typeof chatId === "object" ? chatId.id : chatId;
    return this.state.chatActions.filter((a) => id === undefined || a.chatId === id);
  }

  drafts(chatId?: number | ChatHandle): readonly DraftRecord[] {
    const id = typeof chatId === "object" ? chatId.id : chatId;
    return this.state.drafts.filter((d) => id === undefined || d.chatId === id);
  }

  reactions(chatId?: number | ChatHandle): readonly ReactionRecord[] {
    const id = typeof chatId === "object" ? chatId.id : chatId;
    return this.state.reactions.filter((r) => id === undefined || r.chatId === id);
  }

  /** Commands set for a scope (default scope) and language (default ""), as getMyCommands would return. */
  commands(query: { scope?: BotCommandScope; languageCode?: string } = {}): BotCommand[] {
    const key = `${canonicalJson(query.scope ?? { type: "default" })}|${query.languageCode ?? ""}`;
    return this.state.commandSets.get(key)?.commands ?? [];
  }

  commandSets(): readonly CommandSet[] {
    return [...this.state.commandSets.values()];
  }

  callbackQueries(): readonly CallbackQueryRecord[] {
    return [...this.state.callbackQueries.values()];
  }

  inlineQueries(): readonly InlineQueryRecord[] {
    return [...this.state.inlineQueries.values()];
  }

  /** Every update ever queued, with its delivery status. */
  updates(): readonly UpdateRecord[] {
    return this.queue.records();
  }

  /** Messages the harness produced and whether privacy mode let them through. */
  deliveries(): readonly DeliveryRecord[] {
    return [...this.deliveryLog];
  }

  file(fileId: string): StoredFile | undefined {
    return this.state.files.get(fileId);
  }

  /** The webhook URL the bot set, if any (called only with the `webhook` option). */
  webhookUrl(): string | undefined {
    return this.state.webhook?.url;
  }

  /** Every webhook POST so far (with the `webhook` option): update, status or error, outcome. */
  webhookAttempts(): readonly WebhookAttempt[] {
    return this.webhook?.attempts ?? [];
  }

  /** Resolves when the bot has set a webhook (and, with the `webhook` option, deliveries start). */
  async waitForWebhook(options: WaitOptions = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    return waitUntil(this.state.feed, () => this.state.webhook?.url, timeoutMs, () => this.timeoutError("waitForWebhook()", timeoutMs, ["setWebhook", "deleteWebhook"]));
  }

  // ------------------------------------------------------------ helpers

  private deliver(
    type: (typeof MESSAGE_FIELDS)[number],
    message: Message,
    record: ChatRecord,
    applyPrivacy: boolean,
  ): Update | undefined {
    const verdict = applyPrivacy
      ? isDeliveredToBot({ message, chat: record, bot: this.bot, privacyMode: this.options.privacyMode })
      : { delivered: true, reason: "privacy filter bypassed" };
    if (!verdict.delivered) {
      this.deliveryLog.push({ message, delivered: false, reason: verdict.reason });
      return undefined;
    }
    const update = this.queue.push({ [type]: message } as Omit<Update, "update_id">);
    this.deliveryLog.push({ message, delivered: true, reason: verdict.reason, update });
    return update;
  }

  private chatRecord(chatId: number): ChatRecord {
    const record = this.state.chats.get(chatId);
    if (record === undefined) {
      throw new Error(`fake-bot-api: unknown chat ${chatId}; create it with privateChat/groupChat/channel first`);
    }
    return record;
  }

  private handleOf(record: ChatRecord): ChatHandle {
    const user = record.chat.type === "private" ? this.state.users.get(record.chat.id) : undefined;
    return user === undefined ? { id: record.chat.id, chat: record.chat } : { id: record.chat.id, chat: record.chat, user };
  }

  private senderFor(chat: ChatHandle, from: User | undefined): User {
    const sender = from ?? chat.user;
    if (sender === undefined) throw new Error(`fake-bot-api: \`from\` is required for messages in chat ${chat.id}`);
    if (!this.state.users.has(sender.id)) this.state.addUser(sender);
    return sender;
  }

  private resolveRef(record: ChatRecord, ref: MessageRef): Message {
    const id = messageIdOf(ref);
    const stored = this.state.findMessage(record.chat.id, id);
    if (stored === undefined) throw new Error(`fake-bot-api: no message ${id} in chat ${record.chat.id} to reply to`);
    return stored.message;
  }

  private chatInstance(chatId: number): string {
    let instance = this.chatInstances.get(chatId);
    if (instance === undefined) {
      instance = `-${randomId64()}`;
      this.chatInstances.set(chatId, instance);
    }
    return instance;
  }

  private timeoutError(what: string, timeoutMs: number, relevant: string[], chatId?: number): Error {
    return describeTimeout({
      what,
      timeoutMs,
      relevantMethods: relevant,
      ...(chatId === undefined ? {} : { chatId }),
      botMessages: this.botMessages(chatId),
      wasReturned: (m) => this.consumedMessages.has(m),
      failedCalls: this.failedCalls(),
      calls: this.server.calls,
      updates: this.queue.records(),
      deliveries: this.deliveryLog,
    });
  }
}

function textFields(text: string, entities: MessageEntity[] | undefined): Pick<Message, "text" | "entities"> {
  const list = entities ?? findEntities(text);
  return list.length > 0 ? { text, entities: list } : { text };
}

function captionFields(caption: string): Pick<Message, "caption_entities"> {
  const list = findEntities(caption);
  return list.length > 0 ? { caption_entities: list } : {};
}

function messageIdOf(ref: MessageRef): number {
  if (typeof ref === "number") return ref;
  return "messageId" in ref ? ref.messageId : ref.message_id;
}

function chatIdOf(ref: Message | BotMessage): number {
  return "chatId" in ref ? ref.chatId : ref.chat.id;
}
