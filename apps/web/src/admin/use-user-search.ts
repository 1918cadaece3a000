/**
 * The search behind the section's list: admin.users.list (username, address
 * or name; the server's pages of 50), "Show more" following nextCursor. Only
 * the newest request fills the list: an older answer arriving late is dropped.
 */
import { useRef, useState } from "react";
import type { UserSummary } from "./types.js";
import type { AdminCall } from "./use-admin-call.js";

export interface SearchResults {
  readonly users: readonly UserSummary[];
  /** The next page's cursor, or null when the list is complete. */
  readonly cursor: string | null;
}

export interface UserSearch {
  /** Undefined until the first search. */
  readonly results: SearchResults | undefined;
  /** A new search: its first page replaces the list ("" lists everyone). */
  find(query: string): Promise<void>;
  /** The next page, after the list. */
  more(): Promise<void>;
  /** The same search's first page again, so the list matches what an action just changed. */
  refresh(): Promise<void>;
}

export function useUserSearch(call: AdminCall): UserSearch {
  const [results, setResults] = useState<SearchResults>();
  const query = useRef("");
  const latest = useRef(0);

  async function load(cursor: string | undefined): Promise<void> {
    const asked = ++latest.current;
    const text = query.current;
    const page = await call((api) =>
      api.admin.users.list.query({ ...(text ? { query: text } : {}), ...(cursor ? { cursor } : {}) }),
    );
    if (asked !== latest.current) return;
    setResults((shown) => ({
      users: cursor && shown ? [...shown.users, ...page.users] : page.users,
      cursor: page.nextCursor,
    }));
  }

  return {
    results,
    find(text) {
      query.current = text;
      return load(undefined);
    },
    more: () => (results?.cursor ? load(results.cursor) : Promise.resolve()),
    refresh: () => load(undefined),
  };
}
