// How a click is written on PostgreSQL, where any node must see a click at once and no node's local
// file can be trusted to outlive it: each batch of clicks that arrive together is committed before
// their redirects go out (group commit, docs/decisions/0002-group-commit.md).
import type pg from 'pg';
import type { Logger } from 'pino';
import { GroupCommit } from '../../shared/group-commit.ts';
import type { NewClickRow } from '../../tracking/clicks/click.table.ts';
import type { ClickWriter } from '../click-writer.ts';
import { CLICK_COLUMNS } from '../common/click-columns.ts';
import { createPostgresClickInserter } from './click-inserter.ts';

export function createGroupCommitClickWriter(pool: pg.Pool, log: Logger): ClickWriter {
  const insert = createPostgresClickInserter(pool, CLICK_COLUMNS);
  const batches = new GroupCommit<NewClickRow, void>(
    async (rows) => {
      await insert(rows);
      return rows.map(() => undefined);
    },
    {
      maxBatch: 256,
      concurrency: 4,
      onBatchError: (err, size) => log.warn({ err, size }, 'click batch failed; retrying row by row'),
    },
  );
  return {
    record: (click) => batches.submit(click),
    close: () => batches.close(),
  };
}
