// The whole schema as Kysely sees it; each table's type lives in its feature folder.
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogTable } from '../audit/audit.table.ts';
import type { ApiKeyTable } from '../auth/api-key.table.ts';
import type { AdvertiserTable } from '../catalog/advertisers/advertiser.table.ts';
import type { OfferGoalTable, OfferPublisherPayoutTable, OfferTable } from '../catalog/offers/offer.table.ts';
import type { PublisherTable } from '../catalog/publishers/publisher.table.ts';
import type {
  ConversionEventTable,
  ConversionTable,
  PostbackLogTable,
} from '../conversions/conversion.table.ts';
import type { DeliveryAttemptTable, DeliveryTable } from '../deliveries/delivery.table.ts';
import type { PostbackTable } from '../postbacks/postback.table.ts';
import type {
  ReconciliationFindingTable,
  ReconciliationPresetTable,
  ReconciliationTable,
} from '../reconciliation/reconciliation.table.ts';
import type { RetentionSettingsTable } from '../retention/retention.table.ts';
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
  api_keys: ApiKeyTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  user_links: UserLinkTable;
  reconciliation_presets: ReconciliationPresetTable;
  reconciliations: ReconciliationTable;
  reconciliation_findings: ReconciliationFindingTable;
  retention_settings: RetentionSettingsTable;
  audit_log: AuditLogTable;
}

/** A database handle or an open transaction: repositories take either, so callers own the transaction. */
export type Db = Kysely<Database> | Transaction<Database>;
