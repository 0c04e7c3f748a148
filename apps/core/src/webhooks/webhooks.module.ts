import { Module } from '@nestjs/common';
import { WebhookDeliveriesStore } from './webhook-deliveries.store';
import { WebhookPolicyStore } from './webhook-policy.store';
import { WebhookJobsController, WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Harbor's project webhook API: policies, and the delivery log the jobservice writes. Deliveries
 * themselves start in the jobservice, from the artifact events the registry publishes.
 */
@Module({
  controllers: [WebhooksController, WebhookJobsController],
  providers: [WebhookPolicyStore, WebhookDeliveriesStore, WebhooksService],
})
export class WebhooksModule {}
