// Streams.Append (client-streaming) and Streams.BatchAppend (bidi). The 6.2.1 client uses
// BatchAppend whenever ServerFeatures lists it and the call carries no per-call credentials,
// otherwise Append; both report a wrong expected version differently, so both are mirrored here.
import { status, type handleBidiStreamingCall, type handleClientStreamingCall } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import {
  AllStreamPosition,
  BadRequest,
  Empty,
  MaximumAppendSizeExceeded,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { AppendOutcome, EventLog, ExpectedRevision, ProposedEvent } from './event-log';
import {
  grpcError,
  parseRevision,
  proposedEvent,
  rpcException,
  sizeOnDisk,
  streamIdentifier,
  streamName,
  uuidString,
} from './wire';

/** Reads the expected-revision oneof that AppendReq.Options and BatchAppendReq.Options share in spirit. */
function expectedRevision(options: AppendReq.Options | BatchAppendReq.Options): ExpectedRevision {
  if (options.hasAny()) return 'any';
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  if (options instanceof AppendReq.Options && options.hasRevision()) return parseRevision(options.getRevision(), 'revision');
  if (options instanceof BatchAppendReq.Options && options.hasStreamPosition()) {
    return parseRevision(options.getStreamPosition(), 'stream_position');
  }
  throw grpcError(status.INVALID_ARGUMENT, 'esdb-double: expected stream revision is required');
}

function toAppendResp(outcome: AppendOutcome, expected: ExpectedRevision): AppendResp {
  if (outcome.ok) {
    const success = new AppendResp.Success();
    if (outcome.revision === undefined) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.revision.toString());
    if (outcome.position === undefined) success.setNoPosition(new Empty());
    else {
      const position = outcome.position.toString();
      success.setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
    }
    return new AppendResp().setSuccess(success);
  }
  // Append reports a wrong expected version as a *successful* RPC carrying this message;
  // the client turns it into WrongExpectedVersionError (it never looks at gRPC metadata here).
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  if (expected === 'any') wrong.setExpectedAny(new Empty());
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedRevision(expected.toString());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

export function appendHandler(log: EventLog): handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let failure: Error | undefined;
    call.on('data', (request: AppendReq) => {
      if (failure) return;
      try {
        // The first message carries the options, every following one a proposed event.
        if (request.hasOptions()) {
          options = request.getOptions();
          return;
        }
        const event = proposedEvent(request.getProposedMessage() ?? failMissing('proposed_message'));
        size += sizeOnDisk(event);
        if (size > log.maxAppendSize) {
          throw rpcException(status.INVALID_ARGUMENT, `Maximum Append Size of ${log.maxAppendSize} Exceeded.`, {
            exception: 'maximum-append-size-exceeded',
            'maximum-append-size': String(log.maxAppendSize),
          });
        }
        events.push(event);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    });
    call.on('end', () => {
      if (failure) return callback(failure);
      if (!options) return callback(grpcError(status.INVALID_ARGUMENT, 'esdb-double: Append needs options first'));
      try {
        const expected = expectedRevision(options);
        callback(null, toAppendResp(log.append(streamName(options.getStreamIdentifier()), expected, events), expected));
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
}

function failMissing(field: string): never {
  throw grpcError(status.INVALID_ARGUMENT, `esdb-double: ${field} is required`);
}

// BatchAppend reports failures as a google.rpc.Status whose `details` is an Any holding the
// EventStoreDB error message; the client unpacks it by type name (unpackToCommandError).
function packedStatus(code: number, message: string, details: { serializeBinary(): Uint8Array }, typeName: string): Status {
  const any = new Any();
  any.pack(details.serializeBinary(), typeName);
  return new Status().setCode(code).setMessage(message).setDetails(any);
}

function wrongExpectedVersionStatus(current: bigint | undefined, expected: ExpectedRevision): Status {
  const details = new WrongExpectedVersion();
  if (current === undefined) details.setCurrentNoStream(new ProtoEmpty());
  else details.setCurrentStreamRevision(current.toString());
  if (expected === 'any') details.setExpectedAny(new ProtoEmpty());
  else if (expected === 'no_stream') details.setExpectedNoStream(new ProtoEmpty());
  else if (expected === 'stream_exists') details.setExpectedStreamExists(new ProtoEmpty());
  else details.setExpectedStreamPosition(expected.toString());
  // EventStoreDB uses code ALREADY_EXISTS and message "WrongExpectedVersion" for this status.
  return packedStatus(status.ALREADY_EXISTS, 'WrongExpectedVersion', details, 'event_store.client.WrongExpectedVersion');
}

const maxAppendSizeStatus = (maxAppendSize: number) =>
  packedStatus(
    status.INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    new MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize),
    'event_store.client.MaximumAppendSizeExceeded',
  );

function badRequestStatus(message: string): Status {
  return packedStatus(status.INVALID_ARGUMENT, 'BadRequest', new BadRequest().setMessage(message), 'event_store.client.BadRequest');
}

function toBatchAppendResp(outcome: AppendOutcome, expected: ExpectedRevision): BatchAppendResp {
  if (!outcome.ok) return new BatchAppendResp().setError(wrongExpectedVersionStatus(outcome.currentRevision, expected));
  const success = new BatchAppendResp.Success();
  if (outcome.revision === undefined) success.setNoStream(new ProtoEmpty());
  else success.setCurrentRevision(outcome.revision.toString());
  if (outcome.position === undefined) success.setNoPosition(new ProtoEmpty());
  else {
    const position = outcome.position.toString();
    success.setPosition(new AllStreamPosition().setCommitPosition(position).setPreparePosition(position));
  }
  return new BatchAppendResp().setSuccess(success);
}

interface PendingBatch {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: ProposedEvent[];
}

/**
 * One long-lived bidi stream carries many appends, told apart by correlation id. A request
 * with options opens an append, later requests add events, `is_final` commits it. The
 * options' deadline is ignored: the double answers immediately.
 */
export function batchAppendHandler(log: EventLog): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (request: BatchAppendReq) => {
      const correlationId = request.getCorrelationId();
      let key: string | undefined;
      let stream: string | undefined;
      let response: BatchAppendResp;
      try {
        key = uuidString(correlationId);
        const options = request.getOptions();
        if (options) {
          stream = streamName(options.getStreamIdentifier());
          pending.set(key, { stream, expected: expectedRevision(options), events: [] });
        }
        const batch = pending.get(key);
        if (!batch) return; // EventStoreDB silently ignores chunks of an append it never saw opened.
        stream = batch.stream;
        batch.events.push(...request.getProposedMessagesList().map(proposedEvent));
        if (batch.events.reduce((total, event) => total + sizeOnDisk(event), 0) > log.maxAppendSize) {
          pending.delete(key);
          response = new BatchAppendResp().setError(maxAppendSizeStatus(log.maxAppendSize));
        } else {
          if (!request.getIsFinal()) return;
          pending.delete(key);
          response = toBatchAppendResp(log.append(batch.stream, batch.expected, batch.events), batch.expected);
        }
      } catch (error) {
        if (key !== undefined) pending.delete(key);
        response = new BatchAppendResp().setError(badRequestStatus(error instanceof Error ? error.message : String(error)));
      }
      // The client reads the stream name off every response, errors included, so always set one.
      response.setCorrelationId(correlationId).setStreamIdentifier(streamIdentifier(stream ?? ''));
      call.write(response);
    });
    call.on('end', () => call.end());
  };
}
