// GET /macros: the catalogue behind the dashboard's macro picker ("{ }" button, typing "{").
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { KeyRole } from '../../auth/api-key.table.ts';
import { macrosReadableBy, ROLES } from '../../auth/field-visibility.ts';
import { requireRole } from '../../auth/principal.ts';
import { MACRO_GROUPS, MACROS } from '../../macros/macro-catalogue.ts';
import type { AppContext } from '../../server/app-context.ts';

const MacroSchema = Type.Object({
  name: Type.String({ description: 'Canonical name, e.g. payout' }),
  aliases: Type.Array(Type.String(), { description: 'Other names that resolve to the same value' }),
  description: Type.String(),
  example: Type.String({ description: 'A realistic value, as used by test conversions' }),
  group: Type.Union(MACRO_GROUPS.map((group) => Type.Literal(group))),
});

const MacroListSchema = Type.Object({ data: Type.Array(MacroSchema) });
type MacroList = Static<typeof MacroListSchema>;

// The catalogue is static, so each role's response body is built once. A publisher key is offered
// only the macros its own postbacks may carry (auth/field-visibility.ts).
const bodyFor = Object.fromEntries(
  ROLES.map((role) => {
    const readable = new Set(macrosReadableBy(role));
    const body: MacroList = {
      data: MACROS.filter((m) => readable.has(m.name)).map(
        ({ name, aliases, description, example, group }) => ({
          name,
          aliases: [...aliases],
          description,
          example,
          group,
        }),
      ),
    };
    return [role, body];
  }),
) as Record<KeyRole, MacroList>;

export function registerMacroRoutes(api: FastifyInstance, _ctx: AppContext): void {
  api.get(
    '/macros',
    {
      schema: {
        tags: ['macros'],
        summary: 'List the macros templates may contain',
        description:
          'Canonical names with their aliases. Templates accept {name}, {{name}}, #name# and [[name]], ' +
          'plus the modifiers :raw (or {_name}), :hash/:sha256, :sha1, :md5, :upper, :lower and :urlencode.',
        response: { 200: MacroListSchema },
      },
    },
    async (request) => bodyFor[requireRole(request, ...ROLES).role],
  );
}
