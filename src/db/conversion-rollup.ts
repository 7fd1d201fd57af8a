// How the conversion rollup keeps up with new conversions, as the store decides: SQLite's triggers
// add them in the transaction that inserts them; PostgreSQL adds them behind the inbound writers
// (postgres/conversion-rollup-catch-up.ts). See docs/decisions/0030-conversion-rollup-catch-up.md.

export interface ConversionRollup {
  /**
   * Adds the conversions stored since the last call to the rollup (at most a chunk of them) and
   * returns how far its mark moved (0: nothing new, or a store whose triggers leave nothing to
   * add); safe to run anywhere, any time.
   */
  catchUp(): Promise<number>;
}
