import { EVENT_STREAMS, type MessageOf, type PayloadOf } from '@agentos/contracts';
import type { EventStore } from '@agentos/event-store';
import MiniSearch from 'minisearch';
import type { Area } from './memory.store';

type Note = PayloadOf<'NoteAppended'>;

interface AreaIndex {
  search: MiniSearch<Note>;
  notes: Map<string, Note>;
  /** How many events of the notes stream are in the index. */
  seen: number;
}

/**
 * Notes are an append-only log per scope, kept in the event store; the search index (BM25 ranking by
 * MiniSearch) is derived from that log on demand and caught up incrementally, so every instance
 * answers from the same history and a restart loses nothing but a cache.
 */
export class NotesIndex {
  private readonly areas = new Map<string, AreaIndex>();

  constructor(private readonly store: EventStore) {}

  async search(area: Area, query: string, limit: number): Promise<(Note & { score: number })[]> {
    const index = await this.caughtUp(area);
    return index.search
      .search(query, { prefix: true, fuzzy: 0.1 })
      .slice(0, limit)
      .map((hit) => ({ ...(index.notes.get(String(hit.id)) as Note), score: hit.score }));
  }

  private async caughtUp(area: Area): Promise<AreaIndex> {
    const stream = EVENT_STREAMS.notes(area);
    let index = this.areas.get(stream);
    if (!index) {
      index = { search: new MiniSearch<Note>({ idField: 'noteId', fields: ['text', 'tags'], extractField: (doc, field) => (field === 'tags' ? doc.tags.join(' ') : String(doc[field as keyof Note])) }), notes: new Map(), seen: 0 };
      this.areas.set(stream, index);
    }
    const fresh = await this.store.readStream(stream, { fromRevision: index.seen });
    for (const record of fresh) {
      const note = (record.event as MessageOf<'NoteAppended'>).payload;
      if (!index.notes.has(note.noteId)) {
        index.notes.set(note.noteId, note);
        index.search.add(note);
      }
      index.seen = record.revision + 1;
    }
    return index;
  }
}
