import { createTollgateClient } from "@tollgate/client-sdk";
import type { AppRouter } from "./app-router.js";

// Typed from your router; refuses one that does not include Tollgate's.
export const api = createTollgateClient<AppRouter>({
  url: "/trpc",
  onSessionExpired: () => window.location.assign("/sign-in"),
});

export async function addNote(text: string): Promise<string[]> {
  await api.notes.create.mutate({ text }); // CSRF header added, refresh on 401 and retry
  return api.notes.list.query();
}
