import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createTollgateReact, useSession } from "@tollgate/react";
import { SignIn, TollgateUIProvider } from "@tollgate/react-ui";
import "@tollgate/react-ui/styles.css";
import { type FormEvent, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { AppRouter } from "../server/app.js";

const queryClient = new QueryClient();
const tollgate = createTollgateReact<AppRouter>({ url: "/trpc", queryClient });
const { trpc } = tollgate;

function Notes() {
  const { user, signOut } = useSession(tollgate);
  const client = useQueryClient();
  const notes = useQuery(trpc.notes.list.queryOptions());
  const refresh = () => client.invalidateQueries(trpc.notes.list.queryFilter());
  const create = useMutation(trpc.notes.create.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.notes.delete.mutationOptions({ onSuccess: refresh }));
  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate({ text: String(new FormData(form).get("text")) }, { onSuccess: () => form.reset() });
  }
  return (
    <main>
      <p>
        Signed in as <strong data-testid="username">{user?.username}</strong>{" "}
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </p>
      <form onSubmit={add}>
        <label>
          New note <input name="text" required />
        </label>
        <button type="submit">Add</button>
      </form>
      {create.error && <p role="alert">{create.error.message}</p>}
      <ul aria-label="Notes">
        {notes.data?.map((note) => (
          <li key={note.id}>
            <span>{note.text}</span>{" "}
            <button type="button" aria-label={`Delete ${note.text}`} onClick={() => remove.mutate({ id: note.id })}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}

function App() {
  const { status } = useSession(tollgate);
  if (status === "loading") return <p>Loading…</p>;
  return status === "signed-in" ? <Notes /> : <SignIn />;
}

const root = document.getElementById("root");
if (!root) throw new Error("no #root");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      {/* Tollgate's sign-in (second factor, passkeys, providers as the server offers them), in the browser's language. */}
      <TollgateUIProvider tollgate={tollgate} locale={navigator.language.startsWith("fa") ? "fa" : "en"}>
        <App />
      </TollgateUIProvider>
    </QueryClientProvider>
  </StrictMode>,
);
