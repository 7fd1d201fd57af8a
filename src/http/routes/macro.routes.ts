// GET /macros: the catalogue behind the dashboard's macro picker ("{ }" button, typing "{").
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
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

// The catalogue is static, so the response body is built once.
const body: MacroList = {
  data: MACROS.map(({ name, aliases, description, example, group }) => ({
    name,
    aliases: [...aliases],
    description,
    example,
    group,
  })),
};

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
    async () => body,
  );
}
