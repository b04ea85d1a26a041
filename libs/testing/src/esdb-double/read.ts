// Streams.Read: readStream, readAll and subscribeToAll all arrive here, told apart by options
// (stream vs all, count vs subscription). Positions are `event.position` for both commit and prepare.
import { randomUUID } from 'node:crypto';
import { status, type handleServerStreamingCall, type ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { EventLog, StoredEvent } from './event-log';
import { eventResponse, grpcError, parseRevision, streamName, unimplemented } from './wire';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
const { START, END, REVISION } = ReadReq.Options.StreamOptions.RevisionOptionCase;
const { POSITION } = ReadReq.Options.AllOptions.AllOptionCase;
/** EventStoreDB's default filter search window (ReadBatchSize) when the client sends `count`, not `max`. */
const DEFAULT_SEARCH_WINDOW = 32;

export function readHandler(log: EventLog): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    try {
      const options = call.request.getOptions();
      if (!options) throw grpcError(status.INVALID_ARGUMENT, 'esdb-double: ReadReq.options is required');
      if (options.hasSubscription()) {
        if (!options.hasAll()) throw unimplemented('subscriptions to a single stream (subscribeToStream)');
        return subscribeToAll(log, call, options);
      }
      if (options.hasFilter()) throw unimplemented('filtered reads (only subscriptions take a filter)');
      const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
      const stream = options.getStream();
      const events = stream ? readStream(log, stream, backwards) : readAll(log, options.getAll(), backwards);
      if (events === undefined) {
        // Not a gRPC error: the client recognises this message and throws StreamNotFoundError itself.
        const missing = new ReadResp.StreamNotFound().setStreamIdentifier(stream?.getStreamIdentifier());
        call.write(new ReadResp().setStreamNotFound(missing));
      } else {
        const count = options.hasCount() ? parseRevision(options.getCount(), 'count') : BigInt(events.length);
        for (const event of events.slice(0, Number(count < events.length ? count : events.length))) {
          call.write(eventResponse(event));
        }
      }
      call.end();
    } catch (error) {
      call.emit('error', error);
    }
  };
}

/** Events in read order, or undefined when the stream was never written. Revisions are inclusive both ways. */
function readStream(log: EventLog, options: ReadReq.Options.StreamOptions, backwards: boolean) {
  const events = log.streamEvents(streamName(options.getStreamIdentifier()));
  if (!events) return undefined;
  const last = BigInt(events.length - 1);
  const from = ((): bigint => {
    switch (options.getRevisionOptionCase()) {
      case START:
        return 0n;
      case END:
        return backwards ? last : last + 1n;
      case REVISION:
        return parseRevision(options.getRevision(), 'revision');
      default:
        throw grpcError(status.INVALID_ARGUMENT, 'esdb-double: stream read needs start, end or revision');
    }
  })();
  return backwards
    ? events.filter((event) => event.revision <= from).reverse()
    : events.filter((event) => event.revision >= from);
}

/**
 * $all in read order. Like EventStoreDB, a forwards read includes the event at the given
 * position and a backwards read starts strictly before it.
 */
function readAll(log: EventLog, options: ReadReq.Options.AllOptions | undefined, backwards: boolean) {
  if (!options) throw grpcError(status.INVALID_ARGUMENT, 'esdb-double: read needs stream or all options');
  const events = log.allEvents();
  const position = options.getAllOptionCase() === POSITION ? commitPosition(options) : undefined;
  if (backwards) {
    const before = options.hasStart() ? 1n : position ?? log.lastPosition() + 1n;
    return events.filter((event) => event.position < before).reverse();
  }
  const from = options.hasEnd() ? log.lastPosition() + 1n : position ?? 0n;
  return events.filter((event) => event.position >= from);
}

function commitPosition(options: ReadReq.Options.AllOptions): bigint {
  return parseRevision(options.getPosition()?.getCommitPosition() ?? '', 'commit_position');
}

/**
 * Catch-up subscription to $all, in EventStoreDB's order of messages: confirmation, the stored
 * events after the start position (exclusive), caught-up, then live events as they are appended.
 * Filtered subscriptions also get a checkpoint every `multiplier x window` considered events.
 * Never sends fell-behind: there is no bounded live buffer to fall behind.
 */
function subscribeToAll(log: EventLog, call: ReadCall, options: ReadReq.Options): void {
  const all = options.getAll();
  const after = all?.hasEnd() ? log.lastPosition() : all?.getAllOptionCase() === POSITION ? commitPosition(all) : 0n;
  const matches = eventFilter(options.getFilter());
  const filter = options.getFilter();
  const checkpointEvery = filter
    ? filter.getCheckpointintervalmultiplier() * (filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW)
    : undefined;

  let considered = 0;
  const deliver = (event: StoredEvent) => {
    if (matches(event)) call.write(eventResponse(event));
    if (checkpointEvery !== undefined && ++considered >= checkpointEvery) {
      considered = 0;
      const position = event.position.toString();
      call.write(new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position).setPreparePosition(position)));
    }
  };

  call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
  // Catch-up and going live happen in one synchronous turn, so no append can slip in between.
  for (const event of log.allEvents()) if (event.position > after) deliver(event);
  call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
  const unsubscribe = log.subscribe((event) => {
    if (call.cancelled || call.writableEnded) return unsubscribe();
    deliver(event);
  });
  // unsubscribe() on the client cancels the call; a server shutdown closes it.
  call.on('cancelled', unsubscribe);
  call.on('close', unsubscribe);
}

function eventFilter(filter: ReadReq.Options.FilterOptions | undefined): (event: StoredEvent) => boolean {
  if (!filter) return () => true;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (event) => {
    const value = onStream ? event.stream : event.type;
    if (prefixes.length > 0) return prefixes.some((prefix) => value.startsWith(prefix));
    return regex ? regex.test(value) : true;
  };
}
