import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { Catalogue } from "../src/i18n/catalogue.js";
import { en } from "../src/i18n/en.js";
import { fa } from "../src/i18n/fa.js";

/** The built-in languages every screen is checked in: their direction and catalogue. */
export const LANGUAGES: { lang: string; dir: "ltr" | "rtl"; c: Catalogue }[] = [
  { lang: "en", dir: "ltr", c: en },
  { lang: "fa", dir: "rtl", c: fa },
];

/** The phone width the components must fit without a horizontal scroll bar. */
export const PHONE = { width: 360, height: 780 };

/**
 * What every screen must hold, in the page's language: every component root
 * laid out in the language's direction, nothing wider than 360 px, and no
 * axe-core violation. `name` says which screen failed.
 */
export async function checkScreen(page: Page, name: string, dir: "ltr" | "rtl"): Promise<void> {
  const roots = await page.locator(".tg-root").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("dir")));
  expect(roots.length, `${name}: a component root`).toBeGreaterThan(0);
  expect(roots, `${name}: dir of each root`).toEqual(roots.map(() => dir));
  const width = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(width.scroll, `${name}: no horizontal overflow at ${PHONE.width}px`).toBeLessThanOrEqual(width.client);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, `${name}: axe-core violations`).toEqual([]);
}
