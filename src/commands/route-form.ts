/**
 * The form for a route named without its parameters (Slack opens it as a modal): one field
 * per declared path/query parameter and body property, then the input asset. Pure. Its
 * submission is `/ouro route <route id> name=value … --input …`, checked like typed words.
 */
import type { CommandForm, FormField } from '../chat/reply.ts';
import type { Route } from '../ouro/index.ts';
import { declaredInput, declaredParams, routeName } from './route-params.ts';

const FIELD_TYPES = new Set<FormField['type']>(['integer', 'number', 'boolean']);

export function routeForm(route: Route): CommandForm {
  const fields: FormField[] = declaredParams(route).map((p) => {
    const type = FIELD_TYPES.has(p.type as FormField['type']) ? (p.type as FormField['type']) : 'text';
    const where = p.where === 'body' ? 'in the body' : `${p.where} parameter`;
    return { name: p.name, label: p.name, hint: [p.description, `${p.type}, ${where}`].filter(Boolean).join(' — '), required: p.required, type };
  });
  const input = declaredInput(route);
  if (input) {
    const ext = input.extensions.length ? ` (${input.extensions.map((e) => `.${e}`).join(', ')})` : '';
    fields.push({
      name: 'input',
      label: `Input ${input.assetType}`,
      hint: `The Ouro ${input.assetType}${ext} to run on: its id, or "the file above" for the newest file shared here.`,
      required: true,
      type: 'text',
      flag: true,
    });
  }
  const about = route.route.description ?? route.name;
  return {
    title: 'Run an Ouro route',
    intro: `**${routeName(route)}**${about ? ` — ${about}` : ''}`,
    submit: 'Run',
    command: `route ${route.id}`,
    fields,
  };
}
