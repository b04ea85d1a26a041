// Conversions between the client's generated protobuf messages and the double's plain types.
// The message classes come from the client package itself so the wire format cannot drift from
// what @eventstore/db-client@6.2.1 serialises and parses.
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import type { Map as ProtoMap } from 'google-protobuf';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { ProposedEvent, StoredEvent } from './event-log';

/** A gRPC error the server can hand to a callback or emit on a stream. */
export function grpcError(code: status, details: string): ServerErrorResponse {
  return Object.assign(new Error(details), { code, details });
}

/**
 * An error shaped like EventStoreDB's RpcExceptions: the client maps the `exception` trailer
 * (plus its companion entries) to a typed error in convertToCommandError.
 */
export function rpcException(code: status, details: string, trailers: Record<string, string>): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(grpcError(code, details), { metadata });
}

/** EventStoreDB's default MaxAppendSize: 1 MiB per append request, counted as in Event.SizeOnDisk. */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

export function sizeOnDisk(event: ProposedEvent): number {
  return event.data.length + event.metadata.length + event.type.length * 2;
}

export function unimplemented(what: string): ServerErrorResponse {
  return grpcError(status.UNIMPLEMENTED, `esdb-double does not implement ${what}`);
}

export function streamName(identifier: StreamIdentifier | undefined): string {
  if (!identifier) throw grpcError(status.INVALID_ARGUMENT, 'esdb-double: stream_identifier is required');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Only the string form: the 6.2.1 client never sends the structured (two int64) form. */
export function uuidString(uuid: UUID | undefined): string {
  const value = uuid?.hasString() ? uuid.getString() : undefined;
  if (value === undefined || !UUID_PATTERN.test(value)) {
    throw grpcError(status.INVALID_ARGUMENT, `esdb-double: expected a string UUID, got ${value ?? 'none'}`);
  }
  return value.toLowerCase();
}

/** The shape shared by AppendReq.ProposedMessage and BatchAppendReq.ProposedMessage. */
export interface ProposedMessageLike {
  getId(): UUID | undefined;
  getMetadataMap(): ProtoMap<string, string>;
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export function proposedEvent(message: ProposedMessageLike): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  // EventStoreDB refuses a proposed message without these two metadata entries.
  if (type === undefined || contentType === undefined) {
    const missing = type === undefined ? 'type' : 'content-type';
    throw rpcException(status.INVALID_ARGUMENT, `Required Metadata Property '${missing}' is missing`, {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    });
  }
  return {
    id: uuidString(message.getId()),
    type,
    contentType,
    data: Uint8Array.from(message.getData_asU8()),
    metadata: Uint8Array.from(message.getCustomMetadata_asU8()),
  };
}

export function eventResponse(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  const read = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(read);
}

export function parseRevision(value: string, field: string): bigint {
  if (!/^\d+$/.test(value)) throw grpcError(status.INVALID_ARGUMENT, `esdb-double: ${field} must be a uint64, got ${value}`);
  return BigInt(value);
}
