// Names for the ids a report shows (advertisers, offers, publishers, links), read from the list
// endpoints the caller's role may read. An id whose name is not readable shows as "#id".
import { useQueries } from '@tanstack/react-query';
import { get, query } from './api';
import type { Page, Role } from './types';

interface Named {
  id: number;
  name?: string;
  slug?: string;
}

const ENTITIES: Record<string, { path: string; roles: Role[] }> = {
  advertiser: { path: '/advertisers', roles: ['admin', 'advertiser'] },
  offer: { path: '/offers', roles: ['admin', 'advertiser', 'publisher'] },
  publisher: { path: '/publishers', roles: ['admin', 'publisher'] },
  link: { path: '/links', roles: ['admin', 'publisher'] },
};
/** Pages of 500 read per list: names beyond them show as "#id". */
const MAX_PAGES = 10;

export const isNamedDimension = (dimension: string) => dimension in ENTITIES;

async function readNames(path: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await get<Page<Named>>(`${path}${query({ limit: 500, cursor })}`);
    for (const row of answer.data) names.set(String(row.id), row.name ?? row.slug ?? `#${row.id}`);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return names;
}

export interface NameBook {
  /** The name of a named dimension's value, or "#id"; other values as they are. */
  labelOf: (dimension: string, value: string | number | null | undefined) => string;
  /** Known values of a named dimension with their names, for pickers. */
  choices: (dimension: string) => { value: string; label: string }[];
}

export function useNameBook(dimensions: string[], role: Role): NameBook {
  const wanted = [...new Set(dimensions)].filter(
    (d) => isNamedDimension(d) && ENTITIES[d].roles.includes(role),
  );
  const results = useQueries({
    queries: wanted.map((d) => ({
      queryKey: ['names', d],
      queryFn: () => readNames(ENTITIES[d].path),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const books = new Map(wanted.map((d, i) => [d, results[i].data]));
  return {
    labelOf: (dimension, value) => {
      if (value === null || value === undefined || value === '') return '';
      if (!isNamedDimension(dimension)) return String(value);
      return books.get(dimension)?.get(String(value)) ?? `#${value}`;
    },
    choices: (dimension) =>
      [...(books.get(dimension) ?? new Map<string, string>())].map(([value, label]) => ({ value, label })),
  };
}
