// Bounds of a discrepancy check's upload.
export const READ_LIMITS = {
  /** Bytes of one export (about 1.5 M rows of a typical network export). */
  maxBytes: 200 * 1024 * 1024,
  maxRows: 1_000_000,
  /** One record (a line, or several when quoted). */
  maxRecordBytes: 64 * 1024,
};

/** Findings written per statement. */
export const FINDING_INSERT_CHUNK = 500;
/** Findings acted on (create / accept) per request. */
export const MAX_ACTIONS_PER_REQUEST = 5_000;
