import { type ArtifactEvent, EventType, type ExecutionStore, type JobQueues, projectOfRepository, Trigger, VendorType } from '@wharf/jobs';
import type { JobsOptions } from 'bullmq';
import type { Logger } from '../logger';
import type { StreamEntry } from './event-consumer';
import type { QuotaWarnings } from './quota-warnings';
import { buildPayload, maskAuthHeader } from './webhook-payload';
import type { WebhookSettings } from './webhook-settings';
import type { WebhookPolicy, WebhookStore } from './webhook.store';

export interface DispatchSettings {
  /** Retries of a failed delivery. */
  maxRetry: number;
  /** First retry delay; each further one doubles it. */
  retryDelayMs: number;
  /** host[:port] of the registry as clients address it. */
  registryHost: string;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EventType));

/** The event of a stream entry, or a reason it is unusable. */
export function parseEvent(fields: Record<string, string>): ArtifactEvent | string {
  const raw = fields['event'];
  if (raw === undefined) return 'no "event" field';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'the event is not JSON';
  }
  const e = value as Partial<ArtifactEvent> | null;
  if (!e || typeof e !== 'object') return 'the event is not an object';
  if (typeof e.type !== 'string' || !EVENT_TYPES.has(e.type)) return `unknown event type ${JSON.stringify(e.type)}`;
  if (typeof e.repository !== 'string' || e.repository === '') return 'the event names no repository';
  if (typeof e.occurAt !== 'number' || !Number.isFinite(e.occurAt)) return 'the event has no time';
  return { ...e, operator: typeof e.operator === 'string' ? e.operator : '' } as ArtifactEvent;
}

/** What the dispatcher consults besides the policies: the global switch and the quota warnings. */
export interface DispatchAids {
  notifications: WebhookSettings;
  quotaWarnings: QuotaWarnings;
  /** Appends events to the stream (the quota warnings, delivered when read back like any event). */
  publish(events: readonly ArtifactEvent[]): Promise<void>;
}

/**
 * Turns artifact events into webhook deliveries: for each enabled policy of the event's project
 * that wants its type, one execution per target (vendor WEBHOOK, vendor_id the policy), queued
 * with the configured retries. The payload is built here, once, and stored with the delivery.
 * Each batch is also checked for projects a push took past their quota's warning line; with
 * notifications switched off globally, events are dropped.
 */
export class WebhookDispatcher {
  constructor(
    private readonly store: WebhookStore,
    private readonly executions: ExecutionStore,
    private readonly queues: JobQueues,
    private readonly settings: DispatchSettings,
    private readonly aids: DispatchAids,
    private readonly logger: Logger,
  ) {}

  /** Handles a batch of stream entries; answers the ids that are done. */
  async dispatch(entries: StreamEntry[]): Promise<string[]> {
    const done: string[] = [];
    const events: { id: string; event: ArtifactEvent }[] = [];
    for (const entry of entries) {
      const event = parseEvent(entry.fields);
      if (typeof event === 'string') {
        this.logger.warn('ignored an unusable artifact event', { id: entry.id, reason: event });
        done.push(entry.id);
      } else {
        events.push({ id: entry.id, event });
      }
    }
    if (events.length === 0) return done;

    await this.warnAboutQuotas(events.map((e) => e.event));
    if (!(await this.aids.notifications.enabled())) {
      this.logger.debug('dropped artifact events: notifications are disabled', { events: events.length });
      return [...done, ...events.map((e) => e.id)];
    }

    const policies = await this.store.enabledPolicies([...new Set(events.map((e) => projectOfRepository(e.event.repository)))]);
    const wanted = events.map(({ id, event }) => ({
      id,
      event,
      policies: policies.filter((p) => p.projectName === projectOfRepository(event.repository) && p.eventTypes.includes(event.type)),
    }));
    const created = await this.store.repositoriesCreated([...new Set(wanted.filter((w) => w.policies.length > 0).map((w) => w.event.repository))]);

    for (const { id, event, policies: matching } of wanted) {
      try {
        for (const policy of matching) await this.deliver(id, event, policy, created.get(event.repository));
        done.push(id);
      } catch (err) {
        // Not acknowledged: the event is taken again later, and what was created for it is not doubled.
        this.logger.warn('failed to queue webhook deliveries', { event: id, type: event.type, repository: event.repository, error: (err as Error).message });
      }
    }
    return done;
  }

  /** Publishes the warnings the batch calls for; one that cannot be published is re-armed and the batch read again. */
  private async warnAboutQuotas(events: ArtifactEvent[]): Promise<void> {
    const warnings = await this.aids.quotaWarnings.check(events);
    if (warnings.length === 0) return;
    try {
      await this.aids.publish(warnings);
    } catch (err) {
      await this.aids.quotaWarnings.forget(warnings).catch(() => undefined);
      throw err;
    }
    for (const w of warnings) this.logger.info('published a quota warning', { repository: w.repository, message: w.message ?? '' });
  }

  private async deliver(eventId: string, event: ArtifactEvent, policy: WebhookPolicy, repositoryCreated: Date | undefined): Promise<void> {
    const payload = buildPayload(event, {
      project: { name: policy.projectName, public: policy.projectPublic },
      repositoryCreated,
      registryHost: this.settings.registryHost,
    });
    const payloadText = JSON.stringify(payload);
    for (const [index, target] of policy.targets.entries()) {
      const parameters = {
        event_type: event.type,
        event_id: eventId,
        target_index: index,
        notify_type: target.type,
        address: target.address,
        auth_header: maskAuthHeader(target.auth_header),
        skip_cert_verify: target.skip_cert_verify === true,
        payload_format: target.type === 'slack' ? '' : (target.payload_format ?? 'Default'),
      };
      let queued: { executionId: string; taskIds: string[] } | undefined;
      try {
        const c = await this.executions.create({
          vendorType: VendorType.Webhook,
          vendorId: String(policy.id),
          trigger: Trigger.Event,
          parameters,
          extraAttrs: { event_type: event.type, payload: payloadText },
        });
        if (c === 'busy') continue;
        queued = c;
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') throw err;
        // Created by an earlier reading of this event: queue what it left unqueued (queueing twice is harmless).
        const existing = await this.store.existingDelivery(policy.id, eventId, index);
        queued = existing && { executionId: existing.executionId, taskIds: existing.pendingTaskIds };
      }
      if (!queued) continue;
      for (const taskId of queued.taskIds) {
        // A task left unqueued by a failure here stays Pending: this event is read again and queues it then.
        const jobId = await this.queues.enqueue(VendorType.Webhook, { executionId: queued.executionId, taskId }, this.jobOptions());
        await this.executions.setJobId(taskId, jobId);
        this.logger.debug('queued a webhook delivery', { event: eventId, policy: policy.id, task: taskId });
      }
    }
  }

  private jobOptions(): JobsOptions {
    return { attempts: this.settings.maxRetry + 1, backoff: { type: 'exponential', delay: this.settings.retryDelayMs } };
  }
}
