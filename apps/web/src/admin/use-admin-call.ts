/**
 * Every admin.users.* call goes through withStepUp: past STEP_UP_MAX_AGE the
 * server answers STEP_UP_REQUIRED, the section shows "Confirm it is you" in
 * place of its contents, and the call is sent again once the proof is in.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import { useTollgateUI } from "@tollgate/react-ui";
import { useCallback } from "react";

export type AdminCall = <T>(action: (api: TollgateClient) => Promise<T>) => Promise<T>;

export function useAdminCall(prove: ProveIdentity): AdminCall {
  const { api } = useTollgateUI();
  return useCallback(
    <T>(action: (api: TollgateClient) => Promise<T>) => withStepUp(api, () => action(api), prove),
    [api, prove],
  );
}
