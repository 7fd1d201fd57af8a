// One server page of a log as a table with its pager: loading, failure with retry, and an empty
// state that says when older rows may still match (a filtered page can be short).
import type { ReactNode } from 'react';
import type { Page } from '../lib/types';
import { type Column, DataTable } from './data-table';
import { Pager } from './pager';
import { Loaded } from './ui';

export function PagedTable<T>(props: {
  list: { data: Page<T> | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  what: string;
  caption: string;
  columns: Column<T>[];
  /** What "nothing matches" says, e.g. "No clicks match". */
  none: ReactNode;
  search: { cursor?: string; trail?: string };
}) {
  return (
    <Loaded query={props.list} what={`${props.what} could not be loaded`}>
      {(page) => (
        <>
          <DataTable
            caption={props.caption}
            columns={props.columns}
            data={page.data}
            empty={
              <p>
                {props.none}
                {page.nextCursor ? ' on this page; older ones may: use Next' : ''}.
              </p>
            }
          />
          <Pager
            cursor={props.search.cursor}
            trail={props.search.trail}
            nextCursor={page.nextCursor}
            count={page.data.length}
          />
        </>
      )}
    </Loaded>
  );
}
