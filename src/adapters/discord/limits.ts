/**
 * Every Discord limit the adapter obeys, with where the number is published. The adapter
 * contract test checks each payload sent to Discord against this table.
 *
 * Sources: discord.com/developers/docs (resources/message, resources/webhook,
 * interactions/application-commands, reference#uploading-files) and the OpenAPI spec at
 * github.com/discord/discord-api-spec (specs/openapi.json, schema named in brackets).
 */
export const LIMITS = {
  /** Message content [IncomingWebhookRequestPartial.content]; MessageCreateRequest allows 4,000 only to Nitro users, a bot gets 2,000. */
  content: 2000,
  /** [MessageCreateRequest.embeds] */
  embeds: 10,
  /** The sum of all embed text in a message (docs: resources/message#embed-object-embed-limits). */
  embedTotal: 6000,
  /** [RichEmbed.description] */
  description: 4096,
  /** [RichEmbed.title] */
  title: 256,
  /** [RichEmbed.fields] */
  fields: 25,
  /** [RichEmbedField.name] / [RichEmbedField.value] */
  fieldName: 256,
  fieldValue: 1024,
  /** [ActionRowComponentForMessageRequest.components]; five action rows per message (docs: components). */
  buttonsPerRow: 5,
  rows: 5,
  /** [ButtonComponentForMessageRequest.label] / [ButtonComponentForMessageRequest.custom_id] */
  label: 80,
  customId: 100,
  /** [IncomingWebhookRequestPartial.username]: 1–80, and no "discord" or "clyde" (docs: resources/webhook). */
  webhookUsername: 80,
  /** [CreateTextThreadWithMessageRequest.name] */
  threadName: 100,
  /** Autocomplete: 25 choices [docs: interactions], names [ApplicationCommandOptionStringChoice.name] 1–100; string values 100 (docs). */
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** [MessageCreateRequest.attachments] */
  files: 10,
  /** [MessageAttachmentRequest.description]: alt text of an attachment. */
  attachmentDescription: 1024,
  /**
   * Uploads (docs: reference#uploading-files): a file up to 10 MiB in a server without boosts,
   * and a request up to 25 MiB; beyond either Discord answers 413 (code 40005).
   */
  fileBytes: 10 * 1024 ** 2,
  requestBytes: 25 * 1024 ** 2,
} as const;

/** The largest CSV the bridge attaches: Discord's file limit, less room for the multipart framing. */
export const CSV_MAX_BYTES = LIMITS.fileBytes - 64 * 1024;
