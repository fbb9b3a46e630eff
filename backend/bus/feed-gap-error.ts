// The one condition a follower cannot repair by itself: the cluster feed no longer holds (or never
// held) the tick right after the follower's position, so it could only continue with a hole in its
// gap-free log. The follower stops; whoever owns it decides (e.g. an edge resets from a snapshot).

export class FeedGapError extends Error {
  readonly code = 'BUS_FEED_GAP';
  /** The id the follower needed next. */
  readonly wantedId: number;
  /** The oldest id the feed could offer instead, when known. */
  readonly availableId: number | null;

  constructor(transport: 'memory' | 'redis', wantedId: number, availableId: number | null) {
    const offered = availableId === null ? 'nothing older' : `id ${availableId}`;
    super(
      `${transport} bus: the feed no longer holds id ${wantedId} (it starts at ${offered}); ` +
        'the follower cannot continue gap-free',
    );
    this.name = 'FeedGapError';
    this.wantedId = wantedId;
    this.availableId = availableId;
  }
}
