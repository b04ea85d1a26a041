import { Module } from '@nestjs/common';
import { AgentSupervision } from './agent-supervision';
import { orchestratorSettings } from './orchestrator.settings';
import { RunCoordinator } from './run-coordinator';
import { RunHandlers } from './run.handlers';
import { ScheduleTicker } from './schedule-ticker';

@Module({ controllers: [RunHandlers, AgentSupervision], providers: [RunCoordinator, ScheduleTicker] })
export class OrchestratorModule {}

/** One replica schedules at a time (its scheduler's view of free agent slots is in memory); the others stand by. */
export const orchestratorService = { name: 'orchestrator', module: OrchestratorModule, settings: orchestratorSettings, oneActive: true };
