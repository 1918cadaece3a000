export { AccountSettings, type AccountSettingsProps } from "./account-settings.js";
export {
  type TollgateBinding,
  type TollgateUI,
  TollgateUIProvider,
  type TollgateUIProviderProps,
  useTollgateUI,
} from "./context.js";
export type { Catalogue, Language, MessageKey, PartialCatalogue } from "./i18n/catalogue.js";
export { en } from "./i18n/en.js";
export { fa } from "./i18n/fa.js";
export { ResetPassword, type ResetPasswordProps } from "./reset-password.js";
export { type DeviceFields, deviceLabel } from "./settings/device-label.js";
export { SignIn, type SignInProps } from "./sign-in.js";
export { SignUp, type SignUpProps } from "./sign-up.js";
export { StepUpPrompt, type StepUpPromptProps, useStepUp } from "./step-up-prompt.js";
export { THEME_VARIABLES, type Theme } from "./theme.js";
export { UnlockSecondFactor, type UnlockSecondFactorProps } from "./unlock-second-factor.js";
export { UserButton, type UserButtonProps } from "./user-button.js";
export { VerifyEmail, type VerifyEmailProps } from "./verify-email.js";
