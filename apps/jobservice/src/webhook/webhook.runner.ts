import { ExecutionStatus, VendorType } from '@wharf/jobs';
import type { TaskContext, TaskOutcome, TaskRunner } from '../task-runner';
import { postOnce } from './http-post';
import { type HarborPayload, renderDelivery, type WebhookTarget } from './webhook-payload';
import type { WebhookPolicy, WebhookStore } from './webhook.store';
import { displayProxy, type WebhookProxy } from './proxy';
import type { WebhookReach } from './webhook-reach';
import type { WebhookSettings } from './webhook-settings';

export interface WebhookRunnerSettings {
  /** Retries after the first attempt (harbor.yml notification.webhook_job_max_retry). */
  maxRetry: number;
  timeoutMs: number;
}

/** What the event consumer records with a delivery (never the auth header itself). */
export interface DeliveryParameters {
  event_type: string;
  event_id: string;
  target_index: number;
  notify_type: string;
  address: string;
}

function deliveryParameters(p: Record<string, unknown>): DeliveryParameters | undefined {
  const { event_type, event_id, target_index, notify_type, address } = p;
  if (typeof event_type !== 'string' || typeof event_id !== 'string' || typeof target_index !== 'number') return undefined;
  if (typeof notify_type !== 'string' || typeof address !== 'string') return undefined;
  return { event_type, event_id, target_index, notify_type, address };
}

/**
 * The target as the policy holds it now: the auth header is read at delivery time, so a rotated
 * secret applies to retries too. Found by position, or by type and address if targets moved.
 */
function currentTarget(policy: WebhookPolicy, p: DeliveryParameters): WebhookTarget | undefined {
  const same = (t: WebhookTarget | undefined) => t !== undefined && t.type === p.notify_type && t.address === p.address;
  const atIndex = policy.targets[p.target_index];
  return same(atIndex) ? atIndex : policy.targets.find(same);
}

/**
 * The address as logs show it. A Slack incoming-webhook URL is itself the credential (its path),
 * so only its origin is shown; other targets keep theirs (a project admin sees them in the policy).
 */
export function displayAddress(type: string, address: string): string {
  if (type !== 'slack') return address;
  try {
    return `${new URL(address).origin}/******`;
  } catch {
    return '******';
  }
}

/**
 * Delivers one webhook: POSTs the payload stored with the delivery to its target. A 2xx answer is
 * Success; any other answer, or no answer, throws, and the queue tries again after a growing delay
 * until the retries are used up (the task then ends in Error). The log has a line per attempt.
 */
export class WebhookRunner implements TaskRunner {
  readonly vendorType = VendorType.Webhook;
  readonly attempts: number;

  constructor(
    private readonly store: WebhookStore,
    private readonly settings: WebhookRunnerSettings,
    private readonly notifications: WebhookSettings,
    private readonly proxy: WebhookProxy,
    private readonly reach: WebhookReach,
  ) {
    this.attempts = settings.maxRetry + 1;
  }

  async run(ctx: TaskContext): Promise<TaskOutcome> {
    const p = deliveryParameters(ctx.parameters);
    const payloadText = ctx.execution.extraAttrs['payload'];
    if (!p || typeof payloadText !== 'string') {
      ctx.error('the delivery has no event, target or payload recorded');
      return { status: ExecutionStatus.Error, message: 'incomplete delivery record' };
    }
    if (await ctx.shouldStop()) return { status: ExecutionStatus.Stopped, message: 'stopped by request' };
    const policy = await this.store.policy(ctx.execution.vendorId);
    const stop = (message: string): TaskOutcome => {
      ctx.warn(`not delivered: ${message}`);
      return { status: ExecutionStatus.Stopped, message };
    };
    if (!policy) return stop(`webhook policy ${ctx.execution.vendorId} no longer exists`);
    if (!policy.enabled) return stop(`webhook policy ${policy.name} was disabled`);
    if (!(await this.notifications.enabled())) return stop('notifications are disabled (notification_enable is false)');
    const target = currentTarget(policy, p);
    if (!target) return stop(`webhook policy ${policy.name} no longer has the ${p.notify_type} target ${displayAddress(p.notify_type, p.address)}`);

    const payload = JSON.parse(payloadText) as HarborPayload;
    const rendered = renderDelivery(target, payload, { projectId: policy.projectId, policyId: policy.id, eventId: p.event_id });
    const headers: Record<string, string> = { 'Content-Type': rendered.contentType, 'User-Agent': 'wharf-webhook' };
    if (target.type !== 'slack' && target.auth_header) headers['Authorization'] = target.auth_header;
    const format = target.type === 'slack' ? 'slack' : (target.payload_format ?? 'Default');
    const shown = displayAddress(target.type, target.address);

    const url = new URL(target.address);
    const proxy = this.proxy.for(url);
    ctx.info(`attempt ${ctx.runCount} of ${this.attempts}: POST ${shown} (${p.event_type}, ${format})${proxy ? ` through the proxy ${displayProxy(proxy)}` : ''}`);
    let answer;
    try {
      const route = await this.reach.route(url, proxy !== undefined);
      if ('refused' in route) {
        // A matter of configuration, not of the moment: no retry.
        const message = `not delivered: ${route.refused}`;
        ctx.error(message);
        return { status: ExecutionStatus.Error, message };
      }
      answer = await postOnce(target.address, rendered.body, headers, {
        timeoutMs: this.settings.timeoutMs,
        skipCertVerify: target.skip_cert_verify === true,
        proxy,
        connectTo: route.connectTo,
      });
    } catch (err) {
      throw new Error(`POST ${shown} failed: ${(err as Error).message}`);
    }
    const said = `${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`;
    if (answer.status < 200 || answer.status > 299) throw new Error(`POST ${shown} answered ${said} after ${answer.ms} ms`);
    ctx.info(`delivered: ${said} after ${answer.ms} ms`);
    return { status: ExecutionStatus.Success, extra: { http_status: answer.status } };
  }
}
