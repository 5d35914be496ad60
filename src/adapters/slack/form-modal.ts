/**
 * A reply's command form (src/chat/reply.ts `CommandForm`) as a Slack modal, and its
 * submission back into the command text a person could have typed (pure). Integers and
 * numbers are `number_input`s and booleans a true/false select, so Slack itself refuses a
 * wrong type; everything else the command checks as it would typed words. `private_metadata`
 * carries where the command was typed and the command the answers complete.
 */
import type { CommandForm, FormField } from '../../chat/reply.ts';
import { truncate } from '../../text/cut.ts';
import { LIMITS } from './limits.ts';
import { commandModal, type ModalOrigin, originMetadata, parseOrigin, quoteArg } from './modal.ts';
import { toSlack } from './to-slack.ts';

export const FORM_MODAL_CALLBACK = 'ouro_command_form';

/** Block ids name the field and how it is sent: `p:<name>` → `name=value`, `f:<name>` → `--name value`. */
const blockId = (f: FormField) => `${f.flag ? 'f' : 'p'}:${f.name}`;

function element(f: FormField): Record<string, unknown> {
  switch (f.type) {
    case 'integer':
    case 'number':
      return { type: 'number_input', action_id: 'value', is_decimal_allowed: f.type === 'number' };
    case 'boolean':
      return {
        type: 'static_select',
        action_id: 'value',
        options: ['true', 'false'].map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
      };
    default:
      return { type: 'plain_text_input', action_id: 'value', max_length: LIMITS.plainTextInput };
  }
}

/** The modal, or undefined when the form cannot be one within Slack's limits (the reply is shown instead). */
export function formModal(form: CommandForm, origin: ModalOrigin): Record<string, unknown> | undefined {
  const withCommand = { ...origin, command: form.command };
  const intro = form.intro ? [{ type: 'section', text: { type: 'mrkdwn', text: truncate(toSlack(form.intro), LIMITS.sectionText) } }] : [];
  if (!form.fields.length || intro.length + form.fields.length > LIMITS.viewBlocks) return undefined;
  if (form.fields.some((f) => blockId(f).length > LIMITS.blockId)) return undefined;
  // The command must fit in the metadata (only the response URL may be dropped to fit).
  if (originMetadata(withCommand).length > LIMITS.privateMetadata) return undefined;
  const blocks = form.fields.map((f) => ({
    type: 'input',
    block_id: blockId(f),
    optional: !f.required,
    label: { type: 'plain_text', text: truncate(f.label, LIMITS.inputLabel) },
    ...(f.hint ? { hint: { type: 'plain_text', text: truncate(f.hint, LIMITS.inputHint) } } : {}),
    element: element(f),
  }));
  return commandModal({
    callback: FORM_MODAL_CALLBACK,
    origin: withCommand,
    title: truncate(form.title, LIMITS.viewTitle),
    submit: truncate(form.submit, LIMITS.viewTitle),
    blocks: [...intro, ...blocks],
  });
}

function parseMeta(metadata: string | undefined): (ModalOrigin & { command: string }) | undefined {
  const o = parseOrigin(metadata);
  return o && typeof o.command === 'string' && o.command ? (o as ModalOrigin & { command: string }) : undefined;
}

type ViewValue = { type?: string; value?: string | null; selected_option?: { value?: string } | null };

export type FormModalResult = { ok: true; text: string; origin: ModalOrigin } | { ok: false; errors: Record<string, string> };

export function formCommandFromView(view: {
  state?: { values?: Record<string, Record<string, ViewValue>> };
  blocks?: { block_id?: string; type?: string; optional?: boolean }[];
  private_metadata?: string;
}): FormModalResult {
  const values = view.state?.values ?? {};
  const inputs = (view.blocks ?? []).filter((b) => b.type === 'input' && b.block_id);
  const origin = parseMeta(view.private_metadata);
  if (!origin) {
    const first = inputs[0]?.block_id ?? Object.keys(values)[0] ?? 'value';
    return { ok: false, errors: { [first]: 'This form lost track of its channel and command; run the command again.' } };
  }
  const words = [origin.command];
  const errors: Record<string, string> = {};
  for (const b of inputs) {
    const id = b.block_id!;
    const v = values[id]?.value;
    const answer = (v?.selected_option?.value ?? v?.value ?? '').trim();
    if (!answer) {
      if (b.optional === false) errors[id] = 'This one is required.';
      continue;
    }
    const name = id.slice(2);
    words.push(id.startsWith('f:') ? `--${name} ${quoteArg(answer)}` : quoteArg(`${name}=${answer}`));
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const { command: _command, ...where } = origin;
  return { ok: true, text: words.join(' '), origin: where };
}
