import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiAuthModule } from '@smart-dairy/api-auth';
import { ApiDocsModule } from '@smart-dairy/http-api';
import { eventPublisherProvider } from '@smart-dairy/producer';
import { PeriodicJobs, RetentionJobs, ServiceKitModule, type Logger } from '@smart-dairy/service-kit';
import { DLQ_REVIEW_CONFIG, type DlqReviewConfig } from './config';
import { ConsoleController } from './console/console.controller';
import { DlqMetrics } from './dlq-metrics';
import { DlqSummary } from './dlq-summary';
import { EntryGauges } from './entries/entry-gauges';
import { EntryQueries } from './entries/entry-queries';
import { EntryStore } from './entries/entry-store';
import { dlqReviewApiDocument } from './http/api-document';
import { DlqController } from './http/dlq.controller';
import { DeadLetterIntake } from './intake/dead-letter-intake';
import { IntakeController } from './intake/intake.controller';
import { OutcomeFollower } from './intake/outcome-follower';
import { SubscriptionChangeFollower } from './intake/subscription-change-follower';
import { FailureStreaks } from './notifications/failure-streaks';
import { OpsNotifier } from './notifications/ops-notifier';
import { entriesSweep } from './retention/entry-retention';
import { ReplayTasks } from './review/replay-tasks';
import { ReviewActions } from './review/review-actions';

@Module({})
export class DlqReviewModule {
  static forRoot(config: DlqReviewConfig, logger: Logger): DynamicModule {
    return {
      module: DlqReviewModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'dlq-review', config, logger }),
        ApiAuthModule.fromEnv(config),
        ApiDocsModule.serve(dlqReviewApiDocument()),
        ScheduleModule.forRoot(),
      ],
      controllers: [DlqController, ConsoleController, IntakeController],
      providers: [
        { provide: DLQ_REVIEW_CONFIG, useValue: config },
        eventPublisherProvider,
        { provide: FailureStreaks, useFactory: () => new FailureStreaks(config.ENDPOINT_FAILING_THRESHOLDS) },
        DlqMetrics,
        EntryStore,
        EntryQueries,
        ReplayTasks,
        ReviewActions,
        OpsNotifier,
        DeadLetterIntake,
        OutcomeFollower,
        SubscriptionChangeFollower,
        PeriodicJobs,
        ...RetentionJobs.providers([entriesSweep(config)], config),
        DlqSummary,
        EntryGauges,
      ],
    };
  }
}
