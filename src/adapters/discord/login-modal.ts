/**
 * The `/ouro login` modal: one text input for an Ouro API key, so the key is never typed
 * into a channel or a visible command option. Its submission becomes the command
 * `login <key>`, answered ephemerally.
 */
import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type ModalSubmitInteraction } from 'discord.js';

export const LOGIN_MODAL_ID = 'ouro_login';
const KEY_INPUT_ID = 'key';
/** Ouro keys are 64 hex digits; the bound leaves room for other forms. */
const KEY_MAX = 200;

export function loginModal(): ModalBuilder {
  const input = new TextInputBuilder()
    .setCustomId(KEY_INPUT_ID)
    .setLabel('Ouro API key (Ouro → Settings → API keys)')
    .setStyle(TextInputStyle.Short)
    .setRequired(true)
    .setMaxLength(KEY_MAX);
  return new ModalBuilder()
    .setCustomId(LOGIN_MODAL_ID)
    .setTitle('Link your Ouro account')
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

/** The command text of a submitted login modal (`login <key>`), or undefined when the input is empty. */
export function loginCommandOf(i: ModalSubmitInteraction): string | undefined {
  const key = i.fields.getTextInputValue(KEY_INPUT_ID).trim();
  return key === '' ? undefined : `login ${key}`;
}
