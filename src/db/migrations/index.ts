// Every migration, by name; names sort in the order they must run.
import type { Migration } from 'kysely';
import type { MigrationContext } from '../migrate.ts';
import { initialSchema } from './0001_initial_schema.ts';
import { clicksInIdOrder } from './0002_clicks_in_id_order.ts';
import { activityInIdOrder } from './0003_activity_in_id_order.ts';
import { moneyTerms } from './0004_money.ts';
import { conversionAdvSubs } from './0006_conversion_adv_subs.ts';
import { secretPartsAndEventActor } from './0007_secret_parts_and_event_actor.ts';
import { users } from './0008_users.ts';
import { reportRollups } from './0009_report_rollups.ts';
import { adPlatformDestinations } from './0010_ad_platform_destinations.ts';
import { rewards } from './0011_rewards.ts';
import { smartlinks } from './0012_smartlinks.ts';
import { jobsAndAlerts } from './0013_jobs_and_alerts.ts';
import { dataOperations } from './0014_data_operations.ts';
import { postbackLogLookups } from './0015_postback_log_lookups.ts';
import { reportRollupTiers } from './0016_report_rollup_tiers.ts';
import { capClickAction } from './0017_cap_click_action.ts';
import { advertiserNetworks } from './0018_advertiser_networks.ts';
import { rewardEntryDeliveries } from './0019_reward_entry_deliveries.ts';
import { clickFbp } from './0020_click_fbp.ts';
import { platformRequestChecks } from './0021_platform_request_checks.ts';
import { heldConversions } from './0022_held_conversions.ts';
import { conversionRollupPerStatement } from './0024_conversion_rollup_per_statement.ts';
import { clickDayProfiles } from './0025_click_day_profiles.ts';
import { conversionRollupCatchUp } from './0026_conversion_rollup_catch_up.ts';
import { conversionHours } from './0027_conversion_hours.ts';
import { conversionHoursOnPostgres } from './0028_conversion_hours_on_postgres.ts';

export const migrations: Record<string, (context: MigrationContext) => Migration> = {
  '0001_initial_schema': initialSchema,
  '0002_clicks_in_id_order': clicksInIdOrder,
  '0003_activity_in_id_order': activityInIdOrder,
  '0004_money': moneyTerms,
  '0006_conversion_adv_subs': conversionAdvSubs,
  '0007_secret_parts_and_event_actor': secretPartsAndEventActor,
  '0008_users': users,
  '0009_report_rollups': reportRollups,
  '0010_ad_platform_destinations': adPlatformDestinations,
  '0011_rewards': rewards,
  '0012_smartlinks': smartlinks,
  '0013_jobs_and_alerts': jobsAndAlerts,
  '0014_data_operations': dataOperations,
  '0015_postback_log_lookups': postbackLogLookups,
  '0016_report_rollup_tiers': reportRollupTiers,
  '0017_cap_click_action': capClickAction,
  '0018_advertiser_networks': advertiserNetworks,
  '0019_reward_entry_deliveries': rewardEntryDeliveries,
  '0020_click_fbp': clickFbp,
  '0021_platform_request_checks': platformRequestChecks,
  '0022_held_conversions': heldConversions,
  '0024_conversion_rollup_per_statement': conversionRollupPerStatement,
  '0025_click_day_profiles': clickDayProfiles,
  '0026_conversion_rollup_catch_up': conversionRollupCatchUp,
  '0027_conversion_hours': conversionHours,
  '0028_conversion_hours_on_postgres': conversionHoursOnPostgres,
};
