import { existsSync, readFileSync } from "node:fs";
import type { DefaultTheme } from "vitepress";
import { withMermaid } from "vitepress-plugin-mermaid";
import { REPOSITORY } from "../scripts/repository.js";
import { repositoryLinks } from "./repository-links.js";

/**
 * Tollgate's documentation site. VitePress fails the build on a dead internal
 * link (ignoreDeadLinks stays unset), which covers the generated pages too:
 * the configuration reference, the error codes and TypeDoc's API pages.
 */

/** TypeDoc's sidebar, written by scripts/generate.ts (docs:build runs it first). */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = new URL("../api/typedoc-sidebar.json", import.meta.url);
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, "utf8")) as DefaultTheme.SidebarItem[];
}

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: "Getting started",
    items: [
      { text: "The standalone server", link: "/guide/getting-started" },
      { text: "The HTTP API", link: "/guide/api" },
      { text: "The account page", link: "/guide/account-page" },
    ],
  },
  {
    text: "Add Tollgate to your app",
    items: [
      { text: "Overview", link: "/guide/app/" },
      { text: "Express", link: "/guide/app/express" },
      { text: "Fastify", link: "/guide/app/fastify" },
      { text: "Hono", link: "/guide/app/hono" },
      { text: "node:http", link: "/guide/app/node-http" },
      { text: "Fetch API (Next.js)", link: "/guide/app/fetch" },
      { text: "Sign-in methods and tables", link: "/guide/app/methods" },
      { text: "Testing your app", link: "/guide/app/testing" },
    ],
  },
  {
    text: "The client",
    items: [
      { text: "Vanilla TypeScript", link: "/guide/client/vanilla" },
      { text: "React", link: "/guide/client/react" },
    ],
  },
];

const concepts: DefaultTheme.SidebarItem[] = [
  {
    text: "Concepts",
    items: [
      { text: "Cookies, and why HttpOnly", link: "/concepts/cookies" },
      { text: "Sessions and refresh rotation", link: "/concepts/sessions" },
      { text: "Instant revocation", link: "/concepts/revocation" },
      { text: "CSRF and Origin", link: "/concepts/csrf" },
      { text: "Sign-in limits", link: "/concepts/sign-in-limits" },
      { text: "Step-up levels", link: "/concepts/step-up" },
      { text: "Signing keys and JWKS", link: "/concepts/signing-keys" },
      { text: "Activity, events and webhooks", link: "/concepts/activity" },
    ],
  },
  {
    text: "Sign-in methods",
    items: [
      { text: "Passwords and usernames", link: "/concepts/methods/password" },
      { text: "Two-step sign-in (TOTP)", link: "/concepts/methods/totp" },
      { text: "Passkeys", link: "/concepts/methods/passkeys" },
      { text: "Providers (OpenID Connect)", link: "/concepts/methods/providers" },
      { text: "Codes by mail", link: "/concepts/methods/email-codes" },
    ],
  },
];

const operations: DefaultTheme.SidebarItem[] = [
  {
    text: "Operations",
    items: [
      { text: "Configuration reference", link: "/operations/configuration" },
      { text: "Deploying", link: "/operations/deploy" },
      { text: "Behind a reverse proxy", link: "/operations/reverse-proxy" },
      { text: "Several instances", link: "/operations/instances" },
      { text: "Key and secret rotation", link: "/operations/rotation" },
      { text: "Mail", link: "/operations/mail" },
      { text: "Backups", link: "/operations/backups" },
      { text: "Upgrades and migrations", link: "/operations/upgrades" },
      { text: "Metrics and logs", link: "/operations/metrics" },
      { text: "The CLI", link: "/operations/cli" },
      { text: "Administration", link: "/operations/admin" },
      { text: "tollgate doctor", link: "/operations/doctor" },
      { text: "Development", link: "/operations/development" },
    ],
  },
];

const reference: DefaultTheme.SidebarItem[] = [
  {
    text: "Reference",
    items: [
      { text: "Error codes", link: "/reference/errors" },
      { text: "Security model", link: "/SECURITY" },
      { text: "Architecture", link: "/ARCHITECTURE" },
      { text: "API reference", link: "/api/" },
    ],
  },
];

const migrating: DefaultTheme.SidebarItem[] = [
  {
    text: "Migrating",
    items: [
      { text: "From Django REST + SimpleJWT", link: "/migrating/django" },
      { text: "From better-auth", link: "/migrating/better-auth" },
    ],
  },
];

const site = [...guide, ...concepts, ...operations, ...reference, ...migrating];

/** The site's groups, folded: beside the long API sidebar. */
function collapsed(items: DefaultTheme.SidebarItem[]): DefaultTheme.SidebarItem[] {
  return items.map((item) => ({ ...item, collapsed: true }));
}

export default withMermaid({
  title: "Tollgate",
  description: "JWT authentication in HttpOnly cookies, a tRPC server and a typed client SDK.",
  cleanUrls: true,
  lastUpdated: false,
  srcExclude: ["**/node_modules/**", "scripts/**", "test/**", "**/README.md"],
  markdown: {
    config: (md) => {
      repositoryLinks(md, REPOSITORY);
    },
  },
  themeConfig: {
    nav: [
      { text: "Guide", link: "/guide/getting-started" },
      { text: "Concepts", link: "/concepts/cookies" },
      { text: "Operations", link: "/operations/configuration" },
      { text: "Reference", link: "/reference/errors" },
      { text: "Migrating", link: "/migrating/better-auth" },
    ],
    // One sidebar for the whole site, so every section is a click away; the API pages add TypeDoc's.
    sidebar: {
      "/api/": [{ text: "API reference", link: "/api/", items: apiSidebar() }, ...collapsed(site)],
      "/": site,
    },
    search: { provider: "local" },
    socialLinks: [{ icon: "github", link: REPOSITORY }],
    outline: [2, 3],
  },
});
