/**
 * The quest-create modal (pure). `/ouro quest create` with no arguments opens it; its
 * submission becomes the same command text a person could have typed, so the command layer
 * sees one grammar: `quest create "<name>" --item "<text>"… [--continuous]`.
 * `private_metadata` carries where the command was typed, since view_submission has no channel.
 */

import { LIMITS } from './limits.ts';

export const QUEST_MODAL_CALLBACK = 'ouro_quest_create';

export interface ModalOrigin {
  team: string;
  channel: string;
  thread?: string;
  responseUrl?: string;
  /** A command form's command (form-modal.ts), which the answers complete. */
  command?: string;
}

/** A plain_text_input takes up to 3,000 characters; a quest name needs far fewer. */
const NAME_MAX = 200;

/**
 * Where a form's command was typed, as `private_metadata` (Slack: at most 3,000 characters).
 * Always whole JSON: an origin too long to fit drops its response URL (the answer then goes
 * with chat.postMessage or chat.postEphemeral instead), never half of itself.
 */
export function originMetadata(origin: ModalOrigin): string {
  const whole = JSON.stringify(origin);
  if (whole.length <= LIMITS.privateMetadata) return whole;
  const { responseUrl: _dropped, ...rest } = origin;
  return JSON.stringify(rest);
}

/** A modal whose submission becomes a command: the shape both of the bridge's forms share. */
export function commandModal(o: { callback: string; origin: ModalOrigin; title: string; submit: string; blocks: unknown[] }): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: o.callback,
    private_metadata: originMetadata(o.origin),
    title: { type: 'plain_text', text: o.title },
    submit: { type: 'plain_text', text: o.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: o.blocks,
  };
}

export function questCreateModal(origin: ModalOrigin): Record<string, unknown> {
  return commandModal({
    callback: QUEST_MODAL_CALLBACK,
    origin,
    title: 'New Ouro quest',
    submit: 'Create',
    blocks: [
      {
        type: 'input',
        block_id: 'name',
        label: { type: 'plain_text', text: 'Name' },
        element: { type: 'plain_text_input', action_id: 'value', max_length: NAME_MAX },
      },
      {
        type: 'input',
        block_id: 'items',
        optional: true,
        label: { type: 'plain_text', text: 'Items, one per line' },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true },
      },
      {
        type: 'input',
        block_id: 'type',
        label: { type: 'plain_text', text: 'Type' },
        element: {
          type: 'static_select',
          action_id: 'value',
          initial_option: { text: { type: 'plain_text', text: 'Closes when done' }, value: 'closable' },
          options: [
            { text: { type: 'plain_text', text: 'Closes when done' }, value: 'closable' },
            { text: { type: 'plain_text', text: 'Continuous' }, value: 'continuous' },
          ],
        },
      },
    ],
  });
}

type ViewState = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

export type ModalResult = { ok: true; text: string; origin: ModalOrigin | undefined } | { ok: false; errors: Record<string, string> };

/**
 * Quotes a word group for the command grammar (src/commands/parse.ts): a group closes at a
 * quote of its family followed by whitespace, so pick a family that does not occur that way
 * inside; failing both, inner double quotes before a space become ″ (visible, not dropped).
 */
export function quoteArg(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const closesDouble = /["“”„](?=\s|$)/;
  const closesSingle = /['‘’](?=\s|$)/;
  if (!closesDouble.test(t)) return `"${t}"`;
  if (!closesSingle.test(t)) return `'${t}'`;
  return `"${t.replace(/["“”„](?=\s|$)/g, '″')}"`;
}

export function parseOrigin(metadata: string | undefined): ModalOrigin | undefined {
  try {
    const o = JSON.parse(metadata ?? '') as Partial<ModalOrigin>;
    return typeof o.team === 'string' && typeof o.channel === 'string' ? (o as ModalOrigin) : undefined;
  } catch {
    return undefined;
  }
}

export function questCommandFromView(view: { state?: { values?: ViewState }; private_metadata?: string }): ModalResult {
  const values = view.state?.values ?? {};
  const name = (values.name?.value?.value ?? '').trim();
  if (name === '') return { ok: false, errors: { name: 'A quest needs a name.' } };
  const items = (values.items?.value?.value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const continuous = values.type?.value?.selected_option?.value === 'continuous';
  const text = ['quest create', quoteArg(name), ...items.map((i) => `--item ${quoteArg(i)}`), ...(continuous ? ['--continuous'] : [])].join(' ');
  return { ok: true, text, origin: parseOrigin(view.private_metadata) };
}
