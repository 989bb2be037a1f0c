import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ReadinessService } from '@smart-dairy/service-kit';
import { AttemptRecorder } from './attempt-recorder';

/**
 * `/ready` fails (check `recorder`, reason `failing`) while the recorder cannot write: its batch is tried
 * again every second, and the deliveries behind it hold their Kafka offsets until it succeeds.
 */
@Injectable()
export class RecorderReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly recorder: AttemptRecorder,
  ) {}

  onModuleInit(): void {
    this.readiness.addReadinessCheck({
      name: 'recorder',
      reason: 'failing',
      check: async () => this.recorder.assertWriting(),
    });
  }
}
