import type { CSSProperties } from "react";

/** The theme's CSS custom properties (styles.css reads them), by short name. */
export const THEME_VARIABLES = {
  accent: "--tg-color-accent",
  accentText: "--tg-color-accent-text",
  text: "--tg-color-text",
  muted: "--tg-color-muted",
  background: "--tg-color-background",
  surface: "--tg-color-surface",
  border: "--tg-color-border",
  danger: "--tg-color-danger",
  success: "--tg-color-success",
  focus: "--tg-color-focus",
  radius: "--tg-radius",
  font: "--tg-font",
  spacing: "--tg-spacing",
} as const;

export type Theme = Partial<Record<keyof typeof THEME_VARIABLES, string>>;

/** The style of a component root: custom properties only (set through the CSSOM, so a strict CSP allows them). */
export function themeStyle(theme: Theme): CSSProperties {
  const style: Record<string, string> = {};
  for (const [name, value] of Object.entries(theme)) {
    const variable = THEME_VARIABLES[name as keyof typeof THEME_VARIABLES];
    if (variable && value !== undefined) style[variable] = value;
  }
  return style as CSSProperties;
}
