/**
 * The `/ouro login` modal (pure): one input for an Ouro API key, so the key never lands in a
 * channel. Its submission becomes the command `login <key>`, answered to the person only.
 * `private_metadata` carries where the command was typed (view_submission has no channel).
 */
import { commandModal, parseOrigin, type ModalOrigin } from './modal.ts';

export const LOGIN_MODAL_CALLBACK = 'ouro_login';

/** Ouro keys are 64 hex digits; the bound leaves room for other forms without taking essays. */
const KEY_MAX = 200;

export function loginModal(origin: ModalOrigin): Record<string, unknown> {
  return commandModal({
    callback: LOGIN_MODAL_CALLBACK,
    origin,
    title: 'Link your Ouro account',
    submit: 'Link',
    blocks: [
      {
        type: 'input',
        block_id: 'key',
        label: { type: 'plain_text', text: 'Ouro API key' },
        hint: { type: 'plain_text', text: 'Create one on Ouro under Settings → API keys. The bridge stores it encrypted; /ouro logout deletes it.' },
        element: { type: 'plain_text_input', action_id: 'value', max_length: KEY_MAX },
      },
    ],
  });
}

type ViewState = Record<string, Record<string, { value?: string | null }>>;

export type LoginModalResult = { ok: true; text: string; origin: ModalOrigin | undefined } | { ok: false; errors: Record<string, string> };

export function loginCommandFromView(view: { state?: { values?: ViewState }; private_metadata?: string }): LoginModalResult {
  const key = (view.state?.values?.key?.value?.value ?? '').trim();
  if (key === '') return { ok: false, errors: { key: 'Paste your Ouro API key.' } };
  if (/\s/.test(key)) return { ok: false, errors: { key: 'An Ouro API key is one word with no spaces.' } };
  return { ok: true, text: `login ${key}`, origin: parseOrigin(view.private_metadata) };
}
