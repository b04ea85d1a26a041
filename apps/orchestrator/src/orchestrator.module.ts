import { Module } from '@nestjs/common';
import { IntentHandlers } from './intent.handlers';

@Module({ controllers: [IntentHandlers] })
export class OrchestratorModule {}

export const orchestratorService = { name: 'orchestrator', module: OrchestratorModule };
