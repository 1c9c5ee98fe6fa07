// Live updates of a screen: the gateway's server-sent event stream when it is served, otherwise
// polling every 2 s. Both stay: the stream depends on progress-service's GET /jobs/stream.
import { followStream } from './api';

export const POLL_MS = 2000;
const RECONNECT_MS = 1000;

export type LiveMode = 'stream' | 'polling';

/**
 * Calls {@code refresh} once, then again on every event of {@code streamPath} (each event says that
 * something changed; the screen rereads its view, so a missed or partial event never leaves it
 * wrong). A stream that delivered events and ended is reopened (with a refresh for what happened in
 * between); one that cannot be opened or ends without any event means there is no stream to follow:
 * the screen polls every 2 s instead. Stops when {@code signal} aborts.
 */
export function keepLive(streamPath: string, refresh: () => Promise<void>, signal: AbortSignal,
  onMode: (mode: LiveMode) => void): void {
  let pending = false;
  const refreshOnce = async () => {
    if (pending || signal.aborted) return;
    pending = true;
    try {
      await refresh();
    } finally {
      pending = false;
    }
  };
  const poll = () => {
    onMode('polling');
    const timer = window.setInterval(refreshOnce, POLL_MS);
    signal.addEventListener('abort', () => window.clearInterval(timer));
  };
  const follow = () => {
    let events = 0;
    const ended = () => {
      if (signal.aborted) return;
      if (events === 0) return poll();
      window.setTimeout(() => { void refreshOnce(); follow(); }, RECONNECT_MS);
    };
    followStream(streamPath, () => { events++; onMode('stream'); void refreshOnce(); }, signal).then(ended, ended);
  };
  void refreshOnce();
  follow();
}
