import { authCodeOf, isUnauthorized, needsSecondFactor, type PublicUser } from "@tollgate/client-sdk";
import { signInWithPasskey, supportsPasskeyAutofill } from "@tollgate/client-sdk/passkey";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useTollgateUI } from "./context.js";
import { EmailCodeSignIn } from "./email-code.js";
import { errorKey } from "./errors.js";
import { ResetRequestForm } from "./reset-password.js";
import { SecondFactor } from "./second-factor.js";
import { useProviders, useServerInfo, useSignedIn } from "./session.js";
import { ActionForm, Button, Field, Notice, Root, useAction, useT } from "./ui.js";

export interface SignInProps {
  /** Signed in (the session of every `useSession` is this user already). */
  readonly onSignedIn?: (user: PublicUser) => void;
  /** Shows "Create an account" (when the server's sign-up is open): the host shows `<SignUp>`. */
  readonly onSignUp?: () => void;
  /** Start at the second step: back from a provider with `?mfa=totp,passkey`. */
  readonly secondFactorMethods?: readonly string[];
  /** A message to show above the form (a provider's `?error=` code in words, "You signed out."). */
  readonly notice?: string;
  /** Offer passkeys among the username field's suggestions (conditional mediation). Default true. */
  readonly passkeyAutofill?: boolean;
  /**
   * The token of a mailed sign-in link (`/sign-in-link?token=…`, sent with an
   * emailed code): signs in with it once, then asks the second factor when the
   * account has one.
   */
  readonly linkToken?: string;
}

/** A refused sign-in from a server that sends no reason code is still a wrong username or password. */
function signInErrorKey(error: unknown) {
  return !authCodeOf(error) && isUnauthorized(error) ? "errors.INVALID_CREDENTIALS" : errorKey(error);
}

type Step =
  | { readonly kind: "password" }
  | { readonly kind: "second-factor"; readonly methods: readonly string[] }
  | { readonly kind: "forgot" }
  | { readonly kind: "email-code" }
  | { readonly kind: "link" };

/**
 * Sign-in: username and password, then the second factor when the account
 * has one; a passkey (button and autofill), "Sign in with …" for each
 * configured provider, "Email me a code" and "Forgot password?" as the
 * server offers them (meta.info).
 */
export function SignIn(props: SignInProps) {
  const { api, session } = useTollgateUI();
  const t = useT();
  const markSignedIn = useSignedIn();
  const info = useServerInfo();
  const methods = info.data?.methods ?? [];
  const providers = useProviders(methods.includes("oidc"));
  const [step, setStep] = useState<Step>(() => {
    if (props.linkToken) return { kind: "link" };
    return props.secondFactorMethods
      ? { kind: "second-factor", methods: props.secondFactorMethods }
      : { kind: "password" };
  });
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [notice, setNotice] = useState(props.notice);
  // A host's new notice (given after this form appeared) shows too.
  useEffect(() => setNotice(props.notice), [props.notice]);
  const action = useAction();
  const passkeys = methods.includes("passkey");

  const signedIn = (user: PublicUser) => {
    markSignedIn(user);
    props.onSignedIn?.(user);
  };
  const afterFirstStep = (result: Awaited<ReturnType<typeof session.signIn>>) => {
    setPassword("");
    setNotice(undefined);
    if (needsSecondFactor(result)) setStep({ kind: "second-factor", methods: result.methods });
    else signedIn(result.user);
  };

  // Passkeys among the username field's suggestions while the form waits; a button's ceremony ends this one.
  const autofill = passkeys && (props.passkeyAutofill ?? true) && step.kind === "password";
  // Started once per showing of the password step (afterFirstStep is new every render).
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (!autofill) return;
    supportsPasskeyAutofill()
      .then((supported) => (supported ? signInWithPasskey(api, { autofill: true }).then(afterFirstStep) : undefined))
      .catch(() => undefined);
  }, [autofill, api]);

  // A mailed link is used once, even when React runs effects twice (StrictMode): a second try would say "used".
  const followed = useRef<string>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per token (afterFirstStep is new every render)
  useEffect(() => {
    const token = props.linkToken;
    if (!token || followed.current === token) return;
    followed.current = token;
    api.auth.emailCode.verify.mutate({ token }).then(afterFirstStep, (error: unknown) => {
      setStep({ kind: "password" });
      action.setError(t(errorKey(error)));
    });
  }, [api, props.linkToken]);

  const restart = (message: string) => {
    setStep({ kind: "password" });
    action.setError(message);
  };
  const back = () => setStep({ kind: "password" });

  let body: ReactNode;
  if (step.kind === "link") {
    body = <Notice message={t("emailCode.following")} />;
  } else if (step.kind === "second-factor") {
    body = <SecondFactor methods={step.methods} onSignedIn={signedIn} onRestart={restart} />;
  } else if (step.kind === "forgot") {
    body = <ResetRequestForm onBack={back} />;
  } else if (step.kind === "email-code") {
    body = (
      <EmailCodeSignIn
        onSignedIn={signedIn}
        onSecondFactor={(list) => setStep({ kind: "second-factor", methods: list })}
        onBack={back}
      />
    );
  } else {
    body = (
      <>
        <ActionForm
          name="sign-in"
          title={t("signIn.title")}
          submit={t("signIn.submit")}
          busy={action.busy}
          error={action.error}
          focusFirst={false}
          onSubmit={() => {
            // A notice from before ("You signed out.") must not stay above this attempt's error.
            setNotice(undefined);
            void action.run(async () => {
              afterFirstStep(await session.signIn({ username, password }));
            }, signInErrorKey);
          }}
          actions={<Button onClick={() => setStep({ kind: "forgot" })}>{t("signIn.forgot")}</Button>}
        >
          <Field
            name="username"
            label={t("signIn.username")}
            autoComplete={passkeys ? "username webauthn" : "username"}
            value={username}
            onChange={setUsername}
            maxLength={150}
          />
          <Field
            name="password"
            type="password"
            label={t("signIn.password")}
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
          />
        </ActionForm>
        <OtherWays
          passkey={passkeys}
          emailCode={methods.includes("emailCode")}
          providers={providers.data ?? []}
          onPasskey={() =>
            action.run(async () => {
              // No username: the browser offers the passkeys it holds for this site.
              afterFirstStep(await signInWithPasskey(api));
            })
          }
          onEmailCode={() => setStep({ kind: "email-code" })}
          onSignUp={info.data?.signup === "open" ? props.onSignUp : undefined}
        />
      </>
    );
  }
  return (
    <Root name="sign-in">
      {notice && step.kind === "password" && <Notice message={notice} />}
      {body}
    </Root>
  );
}

function OtherWays(props: {
  readonly passkey: boolean;
  readonly emailCode: boolean;
  readonly providers: readonly { readonly name: string; readonly label: string }[];
  readonly onPasskey: () => void;
  readonly onEmailCode: () => void;
  readonly onSignUp: (() => void) | undefined;
}) {
  const t = useT();
  if (!props.passkey && !props.emailCode && props.providers.length === 0 && !props.onSignUp) return null;
  return (
    <nav className="tg-other-ways" aria-label={t("signIn.otherWays")}>
      {props.passkey && <Button onClick={props.onPasskey}>{t("signIn.passkey")}</Button>}
      {props.emailCode && <Button onClick={props.onEmailCode}>{t("signIn.emailCode")}</Button>}
      {props.providers.map((provider) => (
        // A plain navigation: the server's start route redirects to the provider.
        <a
          key={provider.name}
          className="tg-button tg-secondary tg-provider"
          href={`/auth/oidc/${encodeURIComponent(provider.name)}/start`}
        >
          {t("signIn.provider", { provider: provider.label })}
        </a>
      ))}
      {props.onSignUp && <Button onClick={props.onSignUp}>{t("signIn.createAccount")}</Button>}
    </nav>
  );
}
