// The URL filters of the conversion and click logs (the router validates them, the screens send them).
export const CONVERSION_FILTERS = [
  'status',
  'offerId',
  'publisherId',
  'advertiserId',
  'goal',
  'clickId',
  'txnId',
  'from',
  'to',
] as const;

export const SUB_FILTERS = [
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'sub6',
  'sub7',
  'sub8',
  'sub9',
  'sub10',
] as const;

export const CLICK_FILTERS = [
  'publisherId',
  'offerId',
  ...SUB_FILTERS,
  ...(['country', 'device', 'isBot', 'hasFbclid', 'hasGclid', 'hasTtclid', 'from', 'to'] as const),
];
