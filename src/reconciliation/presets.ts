// Which column of a network's conversion export holds what. The presets follow each network's
// export as documented (reference/operations.md §5.2); our click id travels in the sub id the
// tracking link fills, the network's own conversion id is the transaction id its postback sent us.

export const MAPPING_FIELDS = ['clickId', 'txnId', 'time', 'status', 'amount'] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/** Export column name per field; clickId or txnId, and time, are required. */
export type ColumnMapping = Partial<Record<MappingField, string>>;

export const FORMATS = ['everflow', 'tune', 'affise', 'keitaro', 'custom'] as const;
export type ExportFormat = (typeof FORMATS)[number];

export const PRESETS: Readonly<Record<Exclude<ExportFormat, 'custom'>, Required<ColumnMapping>>> = {
  // Everflow's conversion report / CSV import: sub1 carries the affiliate's click id.
  everflow: {
    clickId: 'sub1',
    txnId: 'conversion_id',
    time: 'unix_timestamp',
    status: 'status',
    amount: 'payout',
  },
  // TUNE (HasOffers) conversion report defaults: Partner Sub ID 1 is aff_sub.
  tune: {
    clickId: 'Partner Sub ID 1',
    txnId: 'Tune Event ID',
    time: 'Date/Time',
    status: 'Status',
    amount: 'Payout',
  },
  // Affise conversion statistics: sub1 carries the affiliate's click id.
  affise: {
    clickId: 'Sub1',
    txnId: 'Conversion ID',
    time: 'Conversion date',
    status: 'Status',
    amount: 'Payouts',
  },
  // Keitaro conversions: subid is the click id, tid the transaction id.
  keitaro: {
    clickId: 'subid',
    txnId: 'tid',
    time: 'datetime',
    status: 'status',
    amount: 'revenue',
  },
};

/** The preset whose columns the header holds most of (at least clickId or txnId, and time). */
export function detectFormat(header: readonly string[]): ExportFormat {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  let best: ExportFormat = 'custom';
  let bestScore = 0;
  for (const [format, mapping] of Object.entries(PRESETS) as [ExportFormat, Required<ColumnMapping>][]) {
    const hits = Object.values(mapping).filter((c) => have.has(c.toLowerCase())).length;
    const usable =
      have.has(mapping.time.toLowerCase()) &&
      (have.has(mapping.clickId.toLowerCase()) || have.has(mapping.txnId.toLowerCase()));
    if (usable && hits > bestScore) {
      best = format;
      bestScore = hits;
    }
  }
  return best;
}

/** Problems with a mapping against an export's header (empty = usable). */
export function mappingProblems(mapping: ColumnMapping, header: readonly string[] | null): string[] {
  const problems: string[] = [];
  if (!mapping.clickId && !mapping.txnId) problems.push('map clickId or txnId (or both)');
  if (!mapping.time) problems.push('map time');
  if (header) {
    const have = new Set(header.map((h) => h.trim().toLowerCase()));
    for (const field of MAPPING_FIELDS) {
      const column = mapping[field];
      if (column && !have.has(column.trim().toLowerCase()))
        problems.push(`${field}: the export has no column "${column}"`);
    }
  }
  return problems;
}
