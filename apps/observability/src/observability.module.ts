import { Module } from '@nestjs/common';
import { LiveFeed } from './dashboard/live-feed';
import { ObservabilityHttp } from './http.server';
import { Metrics } from './metrics';
import { MetricsByTenant } from './metrics-by-tenant';
import { ObservabilityHandlers } from './observability.handlers';
import { observabilitySettings } from './observability.settings';
import { QueueDepth } from './queue-depth';

@Module({ controllers: [ObservabilityHandlers], providers: [Metrics, MetricsByTenant, QueueDepth, LiveFeed, ObservabilityHttp] })
export class ObservabilityModule {}

export const observabilityService = { name: 'observability', module: ObservabilityModule, settings: observabilitySettings };
