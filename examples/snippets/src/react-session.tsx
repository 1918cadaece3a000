import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { createTollgateReact, useSession } from "@tollgate/react";
import type { AppRouter } from "./app-router.js";

const queryClient = new QueryClient();
// A tRPC client on Tollgate's links, and @trpc/tanstack-react-query's options proxy for your procedures.
const tollgate = createTollgateReact<AppRouter>({ url: "/trpc", queryClient });

function Notes() {
  const { status, user, signIn, signOut } = useSession(tollgate);
  const notes = useQuery({ ...tollgate.trpc.notes.list.queryOptions(), enabled: status === "signed-in" });
  if (status === "loading") return <p>Loading…</p>;
  if (status === "signed-out") {
    return (
      <button type="button" onClick={() => signIn({ username: "ada", password: "a long passphrase" })}>
        Sign in
      </button>
    );
  }
  return (
    <main>
      <p>{user?.username}</p>
      <ul>
        {notes.data?.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
      <button type="button" onClick={() => signOut()}>
        Sign out
      </button>
    </main>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Notes />
    </QueryClientProvider>
  );
}
