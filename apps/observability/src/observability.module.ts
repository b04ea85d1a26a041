import { Module } from '@nestjs/common';
import { ObservabilityHttp } from './http.server';
import { Metrics } from './metrics';
import { ObservabilityHandlers } from './observability.handlers';

@Module({ controllers: [ObservabilityHandlers], providers: [Metrics, ObservabilityHttp] })
export class ObservabilityModule {}

export const observabilityService = { name: 'observability', module: ObservabilityModule };
