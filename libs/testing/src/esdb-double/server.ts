// Wires the handlers into a grpc-js server: the implemented RPCs, ServerFeatures (the client's
// only handshake), and UNIMPLEMENTED stubs with a readable message for everything else the
// client package knows about, so a test that strays outside the double fails loudly.
import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { MonitoringService } from '@eventstore/db-client/generated/monitoring_grpc_pb';
import { OperationsService } from '@eventstore/db-client/generated/operations_grpc_pb';
import { PersistentSubscriptionsService } from '@eventstore/db-client/generated/persistent_grpc_pb';
import { ProjectionsService } from '@eventstore/db-client/generated/projections_grpc_pb';
import { ServerFeaturesService, type IServerFeaturesServer } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService, type IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import { UsersService } from '@eventstore/db-client/generated/users_grpc_pb';
import { appendHandler, batchAppendHandler } from './append';
import type { EventLog } from './event-log';
import { readHandler } from './read';
import { unimplemented } from './wire';

export interface ServerOptions {
  /** Called with the gRPC path of every incoming call; lets tests see which RPC the client chose. */
  readonly onCall?: (path: string) => void;
}

export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The version reported to the client. The client only logs it; 23.10 is the first server that
 * sends caught-up messages, which the double does, so that is the behaviour it claims.
 */
const REPORTED_VERSION = '23.10.0';

/** What GetSupportedMethods advertises, lower-cased like EventStoreDB does. BatchAppend makes the client prefer it. */
const SUPPORTED: ReadonlyArray<[service: string, method: string]> = [
  ['event_store.client.streams.streams', 'read'],
  ['event_store.client.streams.streams', 'append'],
  ['event_store.client.streams.streams', 'batchappend'],
  ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
];

const getSupportedMethods: handleUnaryCall<unknown, SupportedMethods> = (_call, callback) => {
  const methods = SUPPORTED.map(([service, method]) => new SupportedMethod().setServiceName(service).setMethodName(method));
  callback(null, new SupportedMethods().setEventStoreServerVersion(REPORTED_VERSION).setMethodsList(methods));
};

/** Every method of a service answers UNIMPLEMENTED, naming the method. */
function unimplementedService(definition: ServiceDefinition): UntypedServiceImplementation {
  const entries = Object.entries(definition).map(([name, method]) => {
    const error = unimplemented(method.path);
    // grpc-js calls handlers with a response stream as (call) and the others as (call, callback).
    const streaming: handleServerStreamingCall<unknown, unknown> = (call) => call.emit('error', error);
    const single: handleUnaryCall<unknown, unknown> = (_call, callback) => callback(error);
    return [name, method.responseStream ? streaming : single] as const;
  });
  return Object.fromEntries(entries);
}

export async function startServer(log: EventLog, options: ServerOptions = {}): Promise<RunningServer> {
  const { onCall } = options;
  const server = new Server({
    interceptors: onCall ? [(method, call) => (onCall(method.path), new ServerInterceptingCall(call))] : [],
  });

  // Delete and Tombstone stay UNIMPLEMENTED.
  const streams: Pick<IStreamsServer, 'read' | 'append' | 'batchAppend'> = {
    read: readHandler(log),
    append: appendHandler(log),
    batchAppend: batchAppendHandler(log),
  };
  const features: IServerFeaturesServer = { getSupportedMethods };
  server.addService(StreamsService, { ...unimplementedService(StreamsService), ...streams });
  server.addService(ServerFeaturesService, features);
  for (const service of [
    GossipService,
    PersistentSubscriptionsService,
    ProjectionsService,
    OperationsService,
    UsersService,
    MonitoringService,
  ]) {
    server.addService(service, unimplementedService(service));
  }

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return {
    port,
    // Force, not graceful: a client that was never disposed keeps its BatchAppend stream open
    // forever, and a test double's stop() must not hang on that. Open calls are cancelled.
    stop: async () => server.forceShutdown(),
  };
}
