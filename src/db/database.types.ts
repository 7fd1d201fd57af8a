// The whole schema as Kysely sees it; each table's type lives in its feature folder.
import type { Kysely, Transaction } from 'kysely';
import type { AlertChannelTable, AlertEventTable, AlertRuleTable } from '../alerts/alert.table.ts';
import type { AuditLogTable } from '../audit/audit.table.ts';
import type { ApiKeyTable } from '../auth/api-key.table.ts';
import type { CapUsageTable, OfferCapTable } from '../caps/cap.table.ts';
import type { AdvertiserTable } from '../catalog/advertisers/advertiser.table.ts';
import type { OfferGoalTable, OfferPublisherPayoutTable, OfferTable } from '../catalog/offers/offer.table.ts';
import type { PublisherTable } from '../catalog/publishers/publisher.table.ts';
import type {
  ConversionEventTable,
  ConversionTable,
  PostbackLogTable,
} from '../conversions/conversion.table.ts';
import type { DeliveryAttemptTable, DeliveryTable } from '../deliveries/delivery.table.ts';
import type { PlatformRequestCheckTable } from '../deliveries/verify/request-check.table.ts';
import type { JobLeaseTable } from '../jobs/job-lease.table.ts';
import type { PostbackTable } from '../postbacks/postback.table.ts';
import type {
  ReconciliationFindingTable,
  ReconciliationPresetTable,
  ReconciliationTable,
} from '../reconciliation/reconciliation.table.ts';
import type { ReportClicksTable, ReportConversionsTable } from '../reports/report-rollup.table.ts';
import type { RetentionSettingsTable } from '../retention/retention.table.ts';
import type { RewardBalanceTable, RewardEntryTable, RewardSettingsTable } from '../rewards/reward.table.ts';
import type { InboundRuleTable } from '../rules/rule.table.ts';
import type { SmartLinkTable } from '../smartlinks/smartlink.table.ts';
import type { ClickTable } from '../tracking/clicks/click.table.ts';
import type { LinkTable } from '../tracking/links/link.table.ts';
import type { UserLinkTable, UserSessionTable, UserTable } from '../users/user.table.ts';

export interface Database {
  advertisers: AdvertiserTable;
  offers: OfferTable;
  offer_goals: OfferGoalTable;
  offer_publisher_payouts: OfferPublisherPayoutTable;
  publishers: PublisherTable;
  links: LinkTable;
  clicks: ClickTable;
  conversions: ConversionTable;
  conversion_events: ConversionEventTable;
  postback_log: PostbackLogTable;
  postbacks: PostbackTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  platform_request_checks: PlatformRequestCheckTable;
  api_keys: ApiKeyTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  user_links: UserLinkTable;
  report_clicks: ReportClicksTable;
  report_conversions: ReportConversionsTable;
  reward_settings: RewardSettingsTable;
  reward_entries: RewardEntryTable;
  reward_balances: RewardBalanceTable;
  inbound_rules: InboundRuleTable;
  smartlinks: SmartLinkTable;
  job_leases: JobLeaseTable;
  alert_channels: AlertChannelTable;
  alert_rules: AlertRuleTable;
  alert_events: AlertEventTable;
  reconciliation_presets: ReconciliationPresetTable;
  reconciliations: ReconciliationTable;
  reconciliation_findings: ReconciliationFindingTable;
  retention_settings: RetentionSettingsTable;
  audit_log: AuditLogTable;
  offer_caps: OfferCapTable;
  cap_usage: CapUsageTable;
}

/** A database handle or an open transaction: repositories take either, so callers own the transaction. */
export type Db = Kysely<Database> | Transaction<Database>;
