// The periodic alert job: evaluates every enabled rule and turns breaches into transitions.
// A rule fires once when its condition starts (ok → firing) and once when it clears (firing → ok);
// each transition is one history row and one message to each of the rule's channels. Quiet by
// design: a rule does not fire during its first window (it has not seen a whole one yet), and after
// a clear it may not fire again until its cooldown has passed.
import type { Logger } from 'pino';
import type { Db } from '../db/database.types.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { RuleState } from './alert.table.ts';
import { listAlertChannels } from './alert-channel.repository.ts';
import { toAlertChannel } from './alert-channel.view.ts';
import { evaluateCondition } from './alert-conditions.ts';
import type { AlertMessage } from './alert-message.ts';
import {
  insertAlertEvent,
  listAlertRules,
  markRuleEvaluated,
  moveRuleState,
  setEventNotified,
} from './alert-rule.repository.ts';
import { type AlertRule, toAlertRule } from './alert-rule.view.ts';
import { type ChannelAnswer, type ChannelDeps, sendToChannel } from './channel-senders.ts';

export interface EvaluatorDeps {
  db: Db;
  channels: ChannelDeps;
  log: Logger;
}

export const ALERTS_JOB = 'alerts.evaluate';

/** Registers the evaluation on the job runner (one node at a time). */
export function registerAlertJob(jobs: JobRunner, deps: EvaluatorDeps, everyMs: number): void {
  jobs.registerJob({
    name: ALERTS_JOB,
    everyMs,
    run: ({ now }) => evaluateAlertRules(deps, now).then(() => undefined),
  });
}

function nextState(rule: AlertRule, breached: boolean, now: number): RuleState {
  if (rule.state === 'firing') return breached ? 'firing' : 'ok';
  if (!breached) return 'ok';
  if (now < rule.createdAt + rule.windowMinutes * 60_000) return 'ok'; // its first window
  const cooling =
    rule.lastTransitionAt !== null && now < rule.lastTransitionAt + rule.cooldownMinutes * 60_000;
  return cooling ? 'ok' : 'firing';
}

async function notify(deps: EvaluatorDeps, rule: AlertRule, message: AlertMessage): Promise<ChannelAnswer[]> {
  const channels = (await listAlertChannels(deps.db, rule.channelIds)).map(toAlertChannel);
  return Promise.all(channels.map((c) => sendToChannel(c, message, deps.channels)));
}

/** Evaluates every enabled rule at `now`; resolves with the transitions made. */
export async function evaluateAlertRules(
  deps: EvaluatorDeps,
  now: number,
): Promise<Array<{ ruleId: number; transition: 'fired' | 'cleared' }>> {
  const transitions: Array<{ ruleId: number; transition: 'fired' | 'cleared' }> = [];
  for (const row of await listAlertRules(deps.db, { enabledOnly: true })) {
    const rule = toAlertRule(row);
    try {
      const verdict = await evaluateCondition(deps.db, rule, now);
      const to = nextState(rule, verdict.breached, now);
      if (to === rule.state || !(await moveRuleState(deps.db, rule.id, rule.state, to, now, verdict.value))) {
        await markRuleEvaluated(deps.db, rule.id, now, verdict.value);
        continue;
      }
      const transition = to === 'firing' ? 'fired' : 'cleared';
      const event = await insertAlertEvent(deps.db, {
        rule_id: rule.id,
        transition,
        value: verdict.value,
        message: verdict.text,
        notified: '[]',
        created_at: now,
      });
      transitions.push({ ruleId: rule.id, transition });
      const answers = await notify(deps, rule, {
        id: `alert_evt_${event.id}`,
        transition,
        title: `${transition === 'fired' ? 'ALERT' : 'RESOLVED'}: ${rule.name}`,
        text: verdict.text,
        rule: { id: rule.id, name: rule.name, kind: rule.kind },
        value: verdict.value,
        at: now,
      });
      await setEventNotified(deps.db, Number(event.id), JSON.stringify(answers));
      for (const a of answers.filter((x) => !x.ok))
        deps.log.warn({ ruleId: rule.id, channelId: a.channelId, answer: a.answer }, 'alert channel refused');
    } catch (err) {
      deps.log.error({ err, ruleId: rule.id }, 'alert rule could not be evaluated');
    }
  }
  return transitions;
}
