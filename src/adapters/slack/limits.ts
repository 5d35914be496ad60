/**
 * Every Slack limit the adapter obeys, with where the number is published. The adapter
 * contract test checks each payload sent to Slack against this table.
 */
export const LIMITS = {
  // Block Kit (docs.slack.dev/reference/block-kit/blocks and …/block-elements)
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  elementsPerActions: 25,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  // chat.postMessage (docs.slack.dev/reference/methods/chat.postMessage): `text` is cut beyond 40,000 characters.
  messageText: 40_000,
  // chat.postMessage `username` with chat:write.customize: Slack's display-name limit (80 characters).
  username: 80,
  // files.getUploadURLExternal (docs.slack.dev/reference/methods/files.getUploadURLExternal): a file may be up to 1 GB.
  fileBytes: 1024 ** 3,
  // views.open (docs.slack.dev/reference/surfaces/views): private_metadata up to 3,000 characters,
  // a modal's title, submit and close texts up to 24, at most 100 blocks.
  privateMetadata: 3000,
  viewTitle: 24,
  viewBlocks: 100,
  // Input block (docs.slack.dev/reference/block-kit/blocks/input-block): label and hint up to
  // 2,000 characters, block_id up to 255; plain_text_input max_length up to 3,000.
  inputLabel: 2000,
  inputHint: 2000,
  blockId: 255,
  plainTextInput: 3000,
  // App manifest schema (github.com/slackapi/manifest-schema, manifest.schema.1.0.0.json):
  // display_information.name 1–35, features.bot_user.display_name 1–80, slash command URL ≤ 3,000,
  // event_subscriptions / interactivity request_url ≤ 3,500.
  appName: 35,
  botDisplayName: 80,
  commandUrl: 3000,
  requestUrl: 3500,
} as const;

/**
 * The largest CSV the bridge uploads to Slack. Slack takes 1 GB, but the file is built in
 * memory and a person cannot open a bigger one in a spreadsheet anyway (Excel stops at
 * 1,048,576 rows); 50 MiB holds several hundred thousand ordinary rows.
 */
export const CSV_MAX_BYTES = 50 * 1024 ** 2;
