import { withStepUp } from "@tollgate/client-sdk";
import { passkeyStepUpProof } from "@tollgate/client-sdk/passkey";
import { api } from "./client.js";

declare function ask(question: string): Promise<string>;

// On 403 STEP_UP_REQUIRED: prove it again (auth.stepUp.verify, same session), then retry the action once.
export function signOutEverywhere(): Promise<{ revoked: number }> {
  return withStepUp(
    api,
    () => api.auth.logoutAll.mutate(),
    async (required) => {
      if (required.methods.includes("passkey")) return passkeyStepUpProof(api); // the browser's passkey prompt
      if (required.methods.includes("totp")) return { code: await ask("Code from your app") };
      return { password: await ask("Password") };
    },
  );
}
