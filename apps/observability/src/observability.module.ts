import { Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { ObservabilityHandlers } from './observability.handlers';

@Module({ controllers: [ObservabilityHandlers], providers: [Metrics] })
export class ObservabilityModule {}

export const observabilityService = { name: 'observability', module: ObservabilityModule };
