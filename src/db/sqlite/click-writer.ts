// How a click is written on SQLite: the clicks that arrive together are appended to the click
// journal with one write (click-journal.ts) and answered, then imported into the database in larger
// batches a little later (click-importer.ts). Until then a click is in the journal and in memory,
// and the store's read barrier (read-barrier.ts) imports waiting clicks before any statement outside
// a transaction, so nothing in this process reads the clicks table without seeing them.
//
// Why not commit each batch before its redirects, as PostgreSQL does: at the small batches a
// steady load brings, a SQLite commit costs about as much as the clicks in it (its locks and WAL
// frame writes). Appending to the journal is as durable against a crash of the process as that
// commit was, and imports of hundreds of clicks cost a fraction of it per click. The redirects
// still wait for the batch's write, one turn of the event loop: answered one by one, each answer
// would wake the client on its own. See docs/decisions/0001-click-journal.md.
import type SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import { GroupCommit } from '../../shared/group-commit.ts';
import type { NewClickRow } from '../../tracking/clicks/click.table.ts';
import type { ClickWriter, ClickWriterOptions } from '../click-writer.ts';
import { packClick } from '../common/click-columns.ts';
import { ClickImporter } from './click-importer.ts';
import { ClickJournal, readLeftJournals, removeJournal } from './click-journal.ts';
import type { ReadBarrier } from './read-barrier.ts';

export class ClicksNotImportedError extends Error {
  constructor(waiting: number) {
    super(`${waiting} clicks wait to be imported into the database; no more are taken until they are`);
  }
}

export function createJournalClickWriter(
  sqlite: SQLite.Database,
  readBarrier: ReadBarrier,
  log: Logger,
  options: ClickWriterOptions = {},
): ClickWriter {
  const maxWaiting = options.maxWaiting ?? 500_000;
  const importer = new ClickImporter(sqlite, readBarrier, log);
  // An in-memory database does not outlive the process, so its clicks need no journal.
  const journal = sqlite.memory ? undefined : openJournal(sqlite.name, importer, log);

  const batches = new GroupCommit<NewClickRow, void>(
    async (clicks) => {
      if (importer.size >= maxWaiting) throw new ClicksNotImportedError(importer.size);
      const packed = clicks.map(packClick);
      journal?.appendAll(packed);
      importer.add(packed);
      return clicks.map(() => undefined);
    },
    { maxBatch: 256 },
  );

  return {
    record: (click) => batches.submit(click),
    waiting: () => importer.size,
    async close() {
      await batches.close();
      const allImported = await importer.close();
      if (!allImported) {
        log.warn(
          { waiting: importer.size, journal: journal?.path },
          'clicks left in the journal for the next start',
        );
      }
      journal?.close(allImported);
    },
  };
}

/**
 * Queues the clicks of journals that stopped processes left for import, removing those files once
 * imported, and opens this process's own journal, which starts over when it grows large.
 */
function openJournal(databasePath: string, importer: ClickImporter, log: Logger): ClickJournal {
  const replayed: string[] = [];
  for (const left of readLeftJournals(databasePath)) {
    // No click to import, so no import will come to remove it: remove it now.
    if (left.clicks.length === 0) {
      removeJournal(left.path);
      if (left.skipped > 0) {
        log.warn(
          { journal: left.path, unreadableLines: left.skipped },
          'removed a click journal with no readable click',
        );
      }
      continue;
    }
    importer.add(left.clicks);
    replayed.push(left.path);
    log.info(
      { journal: left.path, clicks: left.clicks.length, unreadableLines: left.skipped },
      'replaying the click journal of a stopped process',
    );
  }
  const journal = ClickJournal.create(databasePath);
  importer.onImported = () => {
    journal.imported();
    for (const path of replayed.splice(0)) removeJournal(path);
  };
  return journal;
}
