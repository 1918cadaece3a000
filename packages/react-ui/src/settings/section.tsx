import { useQueryClient } from "@tanstack/react-query";
import type { ProveIdentity } from "@tollgate/client-sdk";
import { SESSION_QUERY_KEY } from "@tollgate/react";
import type { ReactNode } from "react";
import { useId } from "react";

/** What AccountSettings hands each section: the step-up prompt and the shared status line. */
export interface SectionProps {
  readonly prove: ProveIdentity;
  readonly notify: (message: string | undefined) => void;
}

/** A settings section: a region named by its heading. */
export function Section(props: { readonly name: string; readonly title: string; readonly children: ReactNode }) {
  const id = useId();
  return (
    <section className={`tg-section tg-section-${props.name}`} aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </section>
  );
}

/** Signed out without asking (sign-out everywhere ended this session too): the session is null, cached data dropped. */
export function useSignedOut(): () => void {
  const queryClient = useQueryClient();
  return () => {
    queryClient.setQueryData(SESSION_QUERY_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
  };
}
