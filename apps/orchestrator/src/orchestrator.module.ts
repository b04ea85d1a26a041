import { Module } from '@nestjs/common';
import { AgentSupervision } from './agent-supervision';
import { orchestratorSettings } from './orchestrator.settings';
import { RunCoordinator } from './run-coordinator';
import { RunHandlers } from './run.handlers';
import { ScheduleTicker } from './schedule-ticker';

@Module({ controllers: [RunHandlers, AgentSupervision], providers: [RunCoordinator, ScheduleTicker] })
export class OrchestratorModule {}

/** Every replica works, on the runs of the partitions it owns (RunPartitions), and writes their streams alone. */
export const orchestratorService = { name: 'orchestrator', module: OrchestratorModule, settings: orchestratorSettings, soleWriter: true };
