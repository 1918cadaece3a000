/**
 * The signed-in page's own actions: edit the profile, change the password,
 * resend the confirmation mail. Each ends by showing the account afresh
 * (`done`), so the profile, sessions and activity say what just happened.
 */
import { type ProveIdentity, type TollgateClient, withStepUp } from "@tollgate/client-sdk";
import { showFlow } from "./account-flows.js";
import { errorText } from "./errors.js";
import { t } from "./i18n.js";
import { type ProfileUser, showNotice, showProfileError, view } from "./view.js";

type Me = Awaited<ReturnType<TollgateClient["user"]["me"]["query"]>>;

const backToProfile = () => {
  view.profile.hidden = false;
};

export function createProfileActions(
  api: TollgateClient,
  prove: ProveIdentity,
  done: (user?: ProfileUser) => Promise<void>,
) {
  function editProfile(me: Me): void {
    showFlow(
      "edit-profile",
      t("flow.editTitle"),
      [
        {
          name: "firstName",
          label: t("flow.firstName"),
          autocomplete: "given-name",
          required: false,
          value: me.firstName,
        },
        {
          name: "lastName",
          label: t("flow.lastName"),
          autocomplete: "family-name",
          required: false,
          value: me.lastName,
        },
        {
          name: "email",
          label: t("flow.emailAddress"),
          type: "email",
          autocomplete: "email",
          required: false,
          value: me.email ?? "",
        },
        {
          name: "currentPassword",
          label: t("flow.profilePassword"),
          type: "password",
          autocomplete: "current-password",
          required: false,
        },
      ],
      t("flow.editSubmit"),
      (flow) => {
        const email = flow.value("email") || null;
        const addressChanges = (email ?? "").toLowerCase() !== (me.email ?? "").toLowerCase();
        const currentPassword = flow.value("currentPassword");
        // The address only when it changes: an unchanged one is no request for a new confirmation.
        const save = () =>
          api.user.updateProfile.mutate({
            firstName: flow.value("firstName"),
            lastName: flow.value("lastName"),
            ...(addressChanges ? { email } : {}),
            ...(addressChanges && currentPassword ? { currentPassword } : {}),
          });
        // Without the password, an address change after STEP_UP_MAX_AGE asks for a proof, then saves again.
        withStepUp(api, save, prove)
          .then(async (user) => {
            await done(user);
            // "We mailed" only when this save asked for a mail: a pending address from before is not news.
            const mailed = addressChanges && user.pendingEmail;
            showNotice(mailed ? t("notice.savedMailed", { email: user.pendingEmail ?? "" }) : t("notice.saved"));
          })
          .catch((error: unknown) => flow.fail(errorText(error)));
      },
      undefined,
      backToProfile,
    );
  }

  function changePassword(): void {
    showFlow(
      "change-password",
      t("flow.changePasswordTitle"),
      [
        { name: "current", label: t("flow.currentPassword"), type: "password", autocomplete: "current-password" },
        { name: "new", label: t("flow.newPassword"), type: "password", autocomplete: "new-password" },
      ],
      t("flow.changePasswordSubmit"),
      (flow) => {
        const change = () =>
          api.auth.changePassword.mutate({ currentPassword: flow.value("current"), newPassword: flow.value("new") });
        // The current password is the proof; a server asking for more (STEP_UP_REQUIRED) gets the prompt.
        withStepUp(api, change, prove)
          .then(async () => {
            // Every session ended and this one started afresh: the list shows it.
            await done();
            showNotice(t("notice.passwordChanged"));
          })
          .catch((error: unknown) => flow.fail(errorText(error)));
      },
      t("flow.changePasswordIntro"),
      backToProfile,
    );
  }

  function resendVerification(me: Me): void {
    const address = me.pendingEmail ?? me.email ?? "";
    api.auth.requestEmailVerification.mutate().then(
      () => showNotice(t("notice.verificationResent", { email: address })),
      (error: unknown) => showProfileError(errorText(error)),
    );
  }

  /** `then` with the account as user.me says it now. */
  function withMe(then: (me: Me) => void): () => void {
    return () => {
      view.profileError.hidden = true;
      api.user.me.query().then(then, (error: unknown) => showProfileError(errorText(error)));
    };
  }

  view.editProfile.addEventListener("click", withMe(editProfile));
  view.changePassword.addEventListener("click", changePassword);
  view.resendVerification.addEventListener("click", withMe(resendVerification));
}
