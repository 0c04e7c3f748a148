import { Module } from '@nestjs/common';
import { ImmutableRuleStore } from './immutable-rule.store';
import { ImmutableRulesController } from './immutable-rules.controller';
import { ImmutableRulesService } from './immutable-rules.service';
import { ImmutableTags } from './immutable-tags';

/** Harbor's immutable tag rules API, and the check core's own tag and artifact deletes make against them. */
@Module({
  controllers: [ImmutableRulesController],
  providers: [ImmutableRuleStore, ImmutableRulesService, ImmutableTags],
  exports: [ImmutableTags],
})
export class ImmutableModule {}
