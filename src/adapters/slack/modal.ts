/**
 * The quest-create modal (pure). `/ouro quest create` with no arguments opens it; its
 * submission becomes the same command text a person could have typed, so the command layer
 * sees one grammar: `quest create "<name>" --item "<text>"… [--continuous]`.
 * `private_metadata` carries where the command was typed, since view_submission has no channel.
 */

export const QUEST_MODAL_CALLBACK = 'ouro_quest_create';

export interface ModalOrigin {
  team: string;
  channel: string;
  thread?: string;
  responseUrl?: string;
}

/** Slack limits: private_metadata ≤ 3,000 chars; a plain_text_input ≤ 3,000 chars. */
const NAME_MAX = 200;

export function questCreateModal(origin: ModalOrigin): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: QUEST_MODAL_CALLBACK,
    private_metadata: JSON.stringify(origin).slice(0, 3000),
    title: { type: 'plain_text', text: 'New Ouro quest' },
    submit: { type: 'plain_text', text: 'Create' },
    close: { type: 'plain_text', text: 'Cancel' },
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
  };
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
