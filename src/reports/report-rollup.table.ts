// The report rollups (migration 0009): sums per 15-minute UTC bucket and dimension. Absent text
// dimensions are stored as '' so they can sit in the key.

/** Clicks per bucket, link, offer, country, device, OS and browser; written with each click batch. */
export interface ReportClicksTable {
  bucket: number;
  link_id: number;
  offer_id: number;
  publisher_id: number;
  advertiser_id: number;
  country: string;
  device: string;
  os: string;
  browser: string;
  clicks: number;
  unique_clicks: number;
}

/**
 * Conversions per conversion-time bucket, click-time bucket, link, offer, goal and the click's
 * country, device, OS and browser, counted by status; revenue and payout of pending and approved
 * conversions. Kept by triggers on the conversions table.
 */
export interface ReportConversionsTable {
  bucket: number;
  click_bucket: number;
  link_id: number;
  offer_id: number;
  publisher_id: number;
  advertiser_id: number;
  goal: string;
  country: string;
  device: string;
  os: string;
  browser: string;
  pending: number;
  approved: number;
  rejected: number;
  declined: number;
  reversed: number;
  revenue: number;
  payout: number;
}
