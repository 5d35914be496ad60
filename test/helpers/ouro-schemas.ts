/**
 * The shapes Ouro's own client accepts, in our zod, for the objects the bridge reads. Written
 * from the facts in github.com/ourofoundation/ouro-js (src/schema/*.ts; file named on each).
 * Where ouro-js and the server's documentation (shared/ouro-api.md) disagree, the comment says
 * which is followed and why. Objects are not strict: Ouro adds fields freely.
 */
import { z } from 'zod';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a uuid');
const role = z.enum(['admin', 'read', 'write', 'none']); // common.ts RoleSchema
const visibility = z.enum(['public', 'private', 'organization', 'monetized', 'inherit']); // common.ts VisibilitySchema
const assetType = z.enum(['user', 'organization', 'team', 'dataset', 'file', 'service', 'route', 'post', 'quest', 'comment', 'conversation']); // common.ts
const docNode: z.ZodType<unknown> = z.lazy(() =>
  z.object({
    type: z.string(),
    content: z.array(docNode).optional(),
    attrs: z.record(z.string(), z.any()).optional(),
    marks: z.array(z.object({ type: z.string() })).optional(),
    text: z.string().optional(),
  }),
);
/** posts.ts TipTapSchema / ContentSchema: rich text is `{json: doc, text}`. */
export const richText = z.object({ json: z.object({ type: z.literal('doc'), content: z.array(docNode) }), text: z.string() });

/** users.ts ProfileSchema (the fields it requires). */
export const profile = z.object({
  id: uuid,
  user_id: uuid,
  username: z.string().nullish(),
  name: z.string().nullish(),
  avatar_path: z.string().nullish(),
  actor_type: z.enum(['base', 'agent', 'verified']),
  plan_type: z.enum(['free', 'gold']),
  last_active: z.string(),
});
/** users.ts ReadProfileSchema: GET /users/{username}. */
export const readProfile = profile.extend({ isFollowing: z.boolean(), isFollowed: z.boolean(), isSelf: z.boolean() });

/** organizations.ts OrganizationsSchema: `size` is a string. */
export const organization = z.object({ id: uuid, name: z.string(), display_name: z.string().nullish(), size: z.string(), base_role: role.optional() });

const member = z.object({ user_id: uuid, role, added_at: z.string(), user: profile.partial().nullish() });
/**
 * teams.ts ReadTeamSchema. ouro-js requires `members`; the server sends them only when asked
 * (`include_members=true`, shared/ouro-api.md), so here they are optional and, when there,
 * must carry `added_at`. The sandbox follows the server.
 */
export const team = z.object({
  id: uuid,
  org_id: uuid,
  name: z.string(),
  default_role: role,
  visibility,
  memberCount: z.number(),
  members: z.array(member).optional(),
  created_at: z.string(),
});

/** assets.ts AssetSchema: `team` is optional (left out, never null, for global assets); `license_id` a string. */
export const asset = z.object({
  id: uuid,
  user_id: uuid,
  org_id: uuid,
  team_id: uuid,
  team: z.object({ id: uuid }).partial().optional(),
  license_id: z.string(),
  asset_type: assetType,
  name: z.string().nullable(),
  description: richText.nullish(),
  visibility,
  monetization: z.enum(['none', 'pay-to-unlock', 'pay-per-use']),
  metadata: z.record(z.string(), z.any()).nullish(),
  attribution: z.object({ originality: z.enum(['original', 'derivative', 'third-party']).optional() }),
  state: z.enum(['queued', 'in-progress', 'timed-out', 'success', 'error']).or(z.string()),
  source: z.enum(['web', 'api']),
  created_at: z.string(),
  last_updated: z.string(),
});

/** posts.ts PostSchema: `metadata` an object, `content` rich text. */
export const post = asset.extend({ metadata: z.record(z.string(), z.any()), content: richText });

/** conversations.ts ConversationSchema and MessageSchema. */
export const conversation = asset.extend({ metadata: z.object({ members: z.array(z.string()) }) });
export const message = z.object({
  id: uuid,
  conversation_id: uuid,
  turn_id: uuid,
  seq: z.number(),
  user_id: uuid,
  type: z.string(),
  created_at: z.string(),
  last_updated: z.string(),
  viewers: z.array(uuid),
  json: z.object({ type: z.literal('doc'), content: z.array(docNode) }),
  text: z.string(),
  metadata: z.record(z.string(), z.any()).nullish(),
});

/**
 * quests.ts QuestItemBaseSchema says `description: string()`; the server documents rich text
 * for a quest item's description (shared/ouro-api.md §5, "Used by … quest item description",
 * and §4.4's create example), and ouro-py reads `{json, text}`: the server is followed.
 */
export const questItem = z.object({
  id: uuid,
  quest_id: uuid,
  description: richText,
  status: z.enum(['pending', 'in_progress', 'done', 'skipped']),
  sort_order: z.number(),
});
export const quest = asset.extend({
  quest: z.object({ status: z.enum(['draft', 'open', 'closed', 'cancelled']) }).passthrough(),
  items: z.array(questItem).optional(),
});
/** quests.ts EntrySchema. */
export const entry = z.object({
  id: uuid,
  quest_id: uuid,
  user_id: uuid,
  item_id: uuid.nullish(),
  description: richText.nullish(),
  review: richText.nullish(),
  status: z.enum(['submitted', 'accepted', 'rejected']),
  created_at: z.string(),
  updated_at: z.string(),
});
