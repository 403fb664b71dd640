/** React hooks over the API client: one GET (cached), and feature detection from /openapi.json. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, cachedGet, clearCache, onWrite } from './client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing yet) and follows it when it changes; refreshes after any write. */
export function useApi<T>(path: string | null, options: { ttlMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ApiError }>({ path: null });
  const [tick, setTick] = useState(0);
  const ttl = options.ttlMs;
  useEffect(() => onWrite(() => setTick((t) => t + 1)), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick asks for the same path again
  useEffect(() => {
    if (!path) return;
    let live = true;
    cachedGet<T>(path, ttl).then(
      (data) => live && setState({ path, data }),
      (error: unknown) =>
        live &&
        setState({
          path,
          error:
            error instanceof ApiError
              ? error
              : new ApiError('Error', (error as Error).message ?? 'Something went wrong', 0),
        }),
    );
    return () => {
      live = false;
    };
  }, [path, ttl, tick]);
  const reload = useCallback(() => {
    clearCache();
    setTick((t) => t + 1);
  }, []);
  const current = state.path === path;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: path !== null && (!current || (state.data === undefined && state.error === undefined)),
    reload,
  };
}
