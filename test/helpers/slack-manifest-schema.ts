/**
 * The rules of Slack's app manifest schema that our manifest touches, in zod, written from
 * github.com/slackapi/manifest-schema (manifest.schema.json → schemas/manifest.schema.1.0.0.json).
 * Objects are strict because the schema sets `additionalProperties: false` on each of them.
 */
import { z } from 'zod';

/** JSON Schema lengths count code points. */
const str = (min: number, max: number) => z.string().refine((s) => [...s].length >= min && [...s].length <= max, `length must be ${min}–${max}`);
const httpUrl = (max: number) => str(1, max).refine((s) => /^https?:\/\//.test(s), 'must start with http(s)://');
const scope = str(0, 50);

export const slackManifestSchema = z
  .object({
    _metadata: z.object({ major_version: z.literal(1), minor_version: z.number().int() }).strict(),
    display_information: z
      .object({
        name: str(1, 35),
        description: str(1, 140).optional(),
        background_color: z
          .string()
          .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
          .optional(),
        long_description: str(175, 4000).optional(),
      })
      .strict(),
    features: z
      .object({
        bot_user: z.object({ display_name: str(1, 80), always_online: z.boolean().optional() }).strict(),
        slash_commands: z
          .array(
            z
              .object({
                command: str(2, 32).refine((s) => s.startsWith('/')),
                url: httpUrl(3000).optional(),
                description: str(1, 2000),
                usage_hint: str(1, 1000).optional(),
                should_escape: z.boolean().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(50),
        shortcuts: z
          .array(z.object({ name: str(1, 24), type: z.enum(['message', 'global']), callback_id: str(1, 255), description: str(1, 150) }).strict())
          .min(1)
          .max(10)
          .optional(),
        unfurl_domains: z
          .array(str(1, 255).refine((s) => /^(?![.-])([-a-z0-9.])+([a-z0-9])$/.test(s)))
          .min(1)
          .max(5),
      })
      .strict(),
    oauth_config: z.object({ scopes: z.object({ bot: z.array(scope).max(255) }).strict() }).strict(),
    settings: z
      .object({
        event_subscriptions: z.object({ request_url: httpUrl(3500).optional(), bot_events: z.array(str(1, 50)).max(100) }).strict(),
        interactivity: z.object({ is_enabled: z.boolean(), request_url: httpUrl(3500).optional() }).strict(),
        org_deploy_enabled: z.boolean(),
        socket_mode_enabled: z.boolean(),
        token_rotation_enabled: z.boolean(),
      })
      .strict(),
  })
  .strict();
