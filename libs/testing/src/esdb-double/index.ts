/**
 * esdb-double: an in-process, in-memory gRPC server speaking just enough of the EventStoreDB
 * API for the official client `@eventstore/db-client@6.2.1`, so tests run without a database.
 * It reuses the service definitions and message classes the client ships in `generated/`.
 *
 * Connect with `EventStoreDBClient.connectionString(double.connectionString)`, which is
 * `esdb://127.0.0.1:<port>?tls=false` (single node, insecure: the client skips gossip).
 *
 * Implemented:
 * - ServerFeatures.GetSupportedMethods (the client's only handshake). It advertises Read, Append
 *   and BatchAppend, so appendToStream uses BatchAppend like against a real 21.10+ server.
 * - Streams.BatchAppend and Streams.Append (Append is what the client uses when a call passes
 *   per-call `credentials`): expected revision any / no_stream / stream_exists / exact revision,
 *   atomic multi-event appends, wrong expected version reported exactly as EventStoreDB does
 *   (Append: AppendResp.wrong_expected_version; BatchAppend: google.rpc.Status with a packed
 *   event_store.client.WrongExpectedVersion), so the client throws WrongExpectedVersionError.
 *   Idempotent replays: same ids right after an exact expected revision, or (for any /
 *   stream_exists) ids already in the stream, succeed without storing again; a partial match
 *   is a wrong expected version, as in EventStoreDB. MaxAppendSize per append (default 1 MiB, as the server's)
 *   (data + metadata + 2 x type length) is enforced: the client throws MaxAppendSizeExceededError.
 * - Streams.Read for readStream (start / end / revision, forwards / backwards, maxCount,
 *   stream-not-found) and readAll (start / end / position, forwards / backwards, maxCount).
 *   Positions: a global counter from 1, commit === prepare. Forwards reads include the given
 *   position/revision; backwards $all reads start strictly before the position.
 * - Streams.Read as subscribeToAll: confirmation, catch-up after fromPosition (exclusive),
 *   caught-up, then live events; stream-name / event-type filters by prefixes or regex;
 *   checkpoints every `checkpointInterval x maxSearchWindow (default 32)` considered events
 *   for filtered subscriptions; client unsubscribe() cancels the call and frees the listener.
 * - tamper(): rewrites the stored JSON data of one event in place.
 *
 * Not implemented (UNIMPLEMENTED with "esdb-double does not implement <method>"): deleteStream,
 * tombstoneStream, subscribeToStream, filtered reads (not subscriptions), persistent
 * subscriptions, projections, users, operations, monitoring, gossip / clustering.
 * Also absent: auth and ACLs (credentials are ignored), TLS, stream metadata and $-system
 * streams / system events (so unfiltered $all subscriptions see only user events, unlike a real
 * server), link resolution, structured UUIDs (ids always travel as strings), the per-record
 * size limit, deadlines, fell-behind messages, first/last stream position messages, backpressure
 * (catch-up writes everything at once), persistence across stop() (which cancels open calls).
 */
import { EventLog } from './event-log';
import { startServer } from './server';

export interface EsdbDouble {
  /** e.g. 'esdb://127.0.0.1:PORT?tls=false' — usable with EventStoreDBClient.connectionString */
  readonly connectionString: string;
  /** Overwrite the stored JSON data of one event (for tamper-evidence tests). */
  tamper(stream: string, revision: number, mutate: (data: unknown) => unknown): void;
  stop(): Promise<void>;
}

export interface EsdbDoubleOptions {
  /** As the server's --max-append-size; EventStoreDB's default is 1 MiB. */
  maxAppendSize?: number;
}

export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const log = new EventLog(options.maxAppendSize);
  const server = await startServer(log);
  return {
    connectionString: `esdb://127.0.0.1:${server.port}?tls=false`,
    tamper: (stream, revision, mutate) => log.tamper(stream, revision, mutate),
    stop: () => server.stop(),
  };
}
