import { describe, expect, it } from 'vitest';
import { FORM_MODAL_CALLBACK, formCommandFromView, formModal } from '../../src/adapters/slack/form-modal.ts';
import type { CommandForm, FormField } from '../../src/chat/reply.ts';
import { routeForm } from '../../src/commands/route-form.ts';
import { tokenize } from '../../src/commands/parse.ts';
import type { Route } from '../../src/ouro/index.ts';

const origin = { team: 'T1', channel: 'C1', responseUrl: 'https://hooks.example/1' };
const field = (name: string, o: Partial<FormField> = {}): FormField => ({ name, label: name, required: false, type: 'text', ...o });
const form = (fields: FormField[], o: Partial<CommandForm> = {}): CommandForm => ({
  title: 'Run an Ouro route',
  submit: 'Run',
  command: 'route R1',
  fields,
  ...o,
});

type Block = { type: string; block_id?: string; optional?: boolean; label?: { text: string }; hint?: { text: string }; element?: Record<string, unknown> };
const blocksOf = (view: Record<string, unknown> | undefined) => (view?.blocks ?? []) as Block[];

/** What Slack sends back: the opened view with `values` filled in. */
function submitted(view: Record<string, unknown>, answers: Record<string, Record<string, unknown>>) {
  const values = Object.fromEntries(Object.entries(answers).map(([id, v]) => [id, { value: v }]));
  return { ...(view as object), state: { values } } as Parameters<typeof formCommandFromView>[0];
}

describe('formModal: a command form as a Slack modal', () => {
  it('one input per field, by type, required ones not optional, the command in the metadata', () => {
    const view = formModal(
      form(
        [
          field('run', { required: true, hint: 'the run id' }),
          field('count', { type: 'integer' }),
          field('t', { type: 'number' }),
          field('dry', { type: 'boolean' }),
          field('input', { flag: true, required: true }),
        ],
        {
          intro: '**alice/x** — does *things*',
        },
      ),
      origin,
    )!;
    expect(view.callback_id).toBe(FORM_MODAL_CALLBACK);
    const blocks = blocksOf(view);
    expect(blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: '*alice/x* — does _things_' } });
    expect(blocks.slice(1).map((b) => [b.block_id, b.element!.type, b.optional])).toEqual([
      ['p:run', 'plain_text_input', false],
      ['p:count', 'number_input', true],
      ['p:t', 'number_input', true],
      ['p:dry', 'static_select', true],
      ['f:input', 'plain_text_input', false],
    ]);
    expect(blocks[2]!.element!.is_decimal_allowed).toBe(false);
    expect(blocks[3]!.element!.is_decimal_allowed).toBe(true);
    expect(blocks[1]!.hint!.text).toBe('the run id');
    expect(JSON.parse(String(view.private_metadata))).toEqual({ ...origin, command: 'route R1' });
  });

  it.each([
    ['no fields', form([])],
    [
      'more fields than a modal holds (100 blocks with the intro)',
      form(
        Array.from({ length: 100 }, (_, i) => field(`p${i}`)),
        { intro: 'x' },
      ),
    ],
    ['a name too long for a block id', form([field('n'.repeat(300))])],
    ['a command too long for private_metadata', form([field('a')], { command: `route ${'x'.repeat(3000)}` })],
  ])('is not made (the usage reply stands) with %s', (_why, f) => {
    expect(formModal(f, origin)).toBeUndefined();
  });

  it('keeps labels, hints and the title within Slack’s limits', () => {
    const view = formModal(form([field('a', { label: 'L'.repeat(5000), hint: 'H'.repeat(5000) })], { title: 'A title far longer than twenty-four' }), origin)!;
    const [b] = blocksOf(view);
    expect(b!.label!.text.length).toBe(2000);
    expect(b!.hint!.text.length).toBe(2000);
    expect((view.title as { text: string }).text.length).toBeLessThanOrEqual(24);
  });
});

describe('formCommandFromView: the answers back into a command', () => {
  const view = formModal(
    form([
      field('run', { required: true }),
      field('count', { type: 'integer' }),
      field('dry', { type: 'boolean' }),
      field('input', { flag: true, required: true }),
    ]),
    origin,
  )!;

  it.each([
    [
      { 'p:run': { value: 'r7' }, 'p:count': { value: '4' }, 'p:dry': { selected_option: { value: 'true' } }, 'f:input': { value: 'the file above' } },
      ['route', 'R1', 'run=r7', 'count=4', 'dry=true', '--input', 'the file above'],
    ],
    [
      { 'p:run': { value: 'two words' }, 'p:count': { value: null }, 'p:dry': { selected_option: null }, 'f:input': { value: 'X' } },
      ['route', 'R1', 'run=two words', '--input', 'X'],
    ],
    [{ 'p:run': { value: 'say "hi" there' }, 'f:input': { value: 'X' } }, ['route', 'R1', 'run=say "hi" there', '--input', 'X']],
  ])('%j → %j', (answers, words) => {
    const r = formCommandFromView(submitted(view, answers));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(tokenize(r.text).map((t) => t.value)).toEqual(words);
    expect(r.origin).toEqual(origin);
  });

  it('refuses an empty required answer on its field, and a form that lost its metadata', () => {
    expect(formCommandFromView(submitted(view, { 'p:run': { value: '  ' }, 'f:input': { value: 'X' } }))).toEqual({
      ok: false,
      errors: { 'p:run': 'This one is required.' },
    });
    const lost = formCommandFromView({ ...submitted(view, { 'p:run': { value: 'r' } }), private_metadata: '{"team":"T1","channel":"C1"}' });
    expect(lost).toMatchObject({ ok: false, errors: { 'p:run': expect.stringContaining('lost track') } });
  });
});

describe('routeForm: a route’s declaration as a form', () => {
  const route = {
    id: 'R1',
    name: 'Screen candidates',
    user: { username: 'alice' },
    route: {
      description: 'Screen a run',
      parameters: [
        { name: 'run', in: 'path', required: true, schema: { type: 'string' }, description: 'Run id' },
        { name: 'count', in: 'query', schema: { type: 'integer' } },
        { name: 'token', in: 'header', schema: { type: 'string' } },
      ],
      request_body: {
        content: { 'application/json': { schema: { type: 'object', required: ['dry'], properties: { dry: { type: 'boolean' }, tags: { type: 'array' } } } } },
      },
      input_assets: { structure: { asset_type: 'file', primary: true, file_extensions: ['cif'] } },
    },
  } as unknown as Route;

  it('one field per path/query parameter and body property, then the input asset', () => {
    const f = routeForm(route);
    expect(f.command).toBe('route R1');
    expect(f.intro).toBe('**alice/screen-candidates** — Screen a run');
    expect(f.fields.map((x) => [x.name, x.type, x.required, x.flag ?? false])).toEqual([
      ['run', 'text', true, false],
      ['count', 'integer', false, false],
      ['dry', 'boolean', true, false],
      ['tags', 'text', false, false],
      ['input', 'text', true, true],
    ]);
    expect(f.fields[0]!.hint).toBe('Run id — string, path parameter');
    expect(f.fields[4]!.hint).toContain('(.cif)');
    expect(f.fields[4]!.hint).toContain('"the file above"');
  });
});
